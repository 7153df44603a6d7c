package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.message.Severity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * A handover that a slip cannot undo (decision 0042): once the nurse has handed an alert to the doctors, she and her
 * team see it read-only ("Överlämnat – väntar på Jourläkare") and every change they try is refused with 409 and
 * changes nothing, until the doctors hand it back; the doctors act on it as before. Handovers go only to the escalation
 * chain of the alert's team (its target first) and the teams with a care relation to the patient; "Eskalera" hands the
 * alert to the escalation target in one click, recorded as a person's escalation. Against the real broker and
 * PostgreSQL, the inbox page in headless Chromium.
 */
class HandoverIT {

    private static final String HUB = "hub-it-handover-1";
    // Tuesday noon in Stockholm: Anna and Agnes (home-nursing-north) are on duty, David on call in the region.
    private static final MutableClock clock = new MutableClock(Alerting.TUESDAY_NOON);
    private static final AtomicLong seq = new AtomicLong();

    private static Services.Ingest ingest;
    private static TestMqttClient hub;
    private Browser annaPage;
    private Browser davidPage;

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        ingest = Alerting.startIngest(stack, clock, Alerting.plainHttp(), Alerting.organisation());
        HomeEnrolment.enrol(ingest, HUB, HomeEnrolment.household(Alerting.PATIENT));
        hub = new TestMqttClient(stack, HUB, HUB + "-pub");
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(hub, ingest);
    }

    @AfterEach
    void closeBrowsers() throws Exception {
        Services.closeAll(annaPage, davidPage);
    }

    @Test
    void theNurseCannotTakeBackWhatSheHandedOverAndTheDoctorActsAsBefore() throws Exception {
        long id = raise(null);
        var anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        var agnes = Alerting.Session.of(ingest.baseUrl(), "agnes", "agnes-secret-1");
        var david = Alerting.Session.of(ingest.baseUrl(), "david", "david-secret-1");
        String a = "/api/alerts/" + id;

        // The nurse is offered the escalation chain, the doctors first; a team with no care relation is refused.
        long logBefore = Alerting.lastAccessLogId(ingest);
        HttpResponse<String> offered = anna.get(a + "/handover-targets");
        assertThat(offered.statusCode()).as(offered.body()).isEqualTo(200);
        JsonObject targets = new JsonObject(offered.body());
        assertThat(targets.getString("escalatesTo")).isEqualTo("region-oncall");
        assertThat(ids(targets)).containsExactly("region-oncall", "mobile-team");
        assertThat(targets.getJsonArray("teams").getJsonObject(0).getString("organisationKind"))
                .isEqualTo("REGION");
        assertThat(Alerting.accessLogAfter(ingest, logBefore))
                .extracting(row -> row.subList(1, 4))
                .containsExactly(List.of("person:anna", "alerts.handover-targets", List.of(Alerting.PATIENT)));
        HttpResponse<String> outside = anna.post(
                a + "/handover",
                new JsonObject().put("team", "home-nursing-south").put("note", "fel team"),
                true);
        assertThat(outside.statusCode()).as(outside.body()).isEqualTo(409);
        assertThat(outside.body()).contains("Hemsjukvård Syd");
        assertThat(state(id)).containsExactly("OPEN", "home-nursing-north", null, List.of());

        HttpResponse<String> handover = anna.post(
                a + "/handover",
                new JsonObject().put("team", "region-oncall").put("note", "Låg puls och yrsel, behöver läkarbedömning"),
                true);
        assertThat(handover.statusCode()).as(handover.body()).isEqualTo(200);
        assertThat(new JsonObject(handover.body()).getString("handedOverTo")).isEqualTo("Jourläkare");
        List<Object> handedOver = state(id);
        assertThat(handedOver).containsExactly("OPEN", "region-oncall", null, List.of("home-nursing-north"));
        long steps = steps(id);

        // Every change by the sending team is refused with the receiving team's name, and changes nothing.
        for (var nurse : List.of(anna, agnes)) {
            for (String[] change : new String[][] {
                {"/acknowledge", "{}"},
                {"/resolve", "{\"outcome\": \"PHONE_CALL\", \"note\": \"ringde\"}"},
                {"/snooze", "{\"minutes\": 10}"},
                {"/handover", "{\"team\": \"mobile-team\", \"note\": \"vidare\"}"},
                {"/escalate", "{}"}
            }) {
                HttpResponse<String> refused = nurse.post(a + change[0], new JsonObject(change[1]), true);
                assertThat(refused.statusCode())
                        .as(change[0] + " " + refused.body())
                        .isEqualTo(409);
                assertThat(new JsonObject(refused.body()).getString("problem"))
                        .contains("Larmet är överlämnat till Jourläkare och väntar på dem")
                        .contains("The alert is handed over to Jourläkare and waits for them");
            }
        }
        assertThat(state(id)).isEqualTo(handedOver);
        assertThat(steps(id)).isEqualTo(steps);
        assertThat(Alerting.rows(ingest, "SELECT count(*) FROM snooze WHERE alert_id = " + id))
                .containsExactly(List.of(0L));
        // She still sees it, marked as waiting for the doctors.
        JsonObject annas = inboxItem(anna, id).orElseThrow();
        assertThat(annas.getString("handedOverTo")).isEqualTo("Jourläkare");
        assertThat(annas.getString("teamId")).isEqualTo("region-oncall");

        // The doctor acts as before: he is offered the next tier first and the nurses' team to hand it back to.
        assertThat(inboxItem(david, id).orElseThrow().getString("handedOverTo")).isNull();
        assertThat(ids(new JsonObject(david.get(a + "/handover-targets").body())))
                .containsExactly("mobile-team", "home-nursing-north");
        HttpResponse<String> ack = david.post(a + "/acknowledge", new JsonObject(), true);
        assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
        annas = inboxItem(anna, id).orElseThrow();
        assertThat(Arrays.asList(
                        annas.getString("state"), annas.getString("ownerName"), annas.getString("handedOverTo")))
                .containsExactly("ACKNOWLEDGED", "David Dahl", "Jourläkare");
        assertThat(anna.post(a + "/resolve", new JsonObject().put("outcome", "PHONE_CALL"), true)
                        .statusCode())
                .as("taken by the doctor: still not hers to close")
                .isEqualTo(409);

        // Handed back to the nurses, it is theirs again, and now the doctors wait.
        HttpResponse<String> back = david.post(
                a + "/handover",
                new JsonObject().put("team", "home-nursing-north").put("note", "Ring patienten i morgon"),
                true);
        assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
        assertThat(state(id)).containsExactly("OPEN", "home-nursing-north", null, List.of("region-oncall"));
        assertThat(inboxItem(anna, id).orElseThrow().getString("handedOverTo")).isNull();
        assertThat(anna.post(a + "/acknowledge", new JsonObject(), true).statusCode())
                .isEqualTo(200);
        assertThat(david.post(a + "/resolve", new JsonObject().put("outcome", "PHONE_CALL"), true)
                        .statusCode())
                .isEqualTo(409);
        assertThat(anna.post(a + "/resolve", new JsonObject().put("outcome", "PHONE_CALL"), true)
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void escalatingByHandGoesToTheEscalationTargetAsAPersonsStepAndNeedsATarget() throws Exception {
        long id = raise(null);
        var anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        String a = "/api/alerts/" + id;
        HttpResponse<String> escalated = anna.post(a + "/escalate", new JsonObject(), true);
        assertThat(escalated.statusCode()).as(escalated.body()).isEqualTo(200);
        assertThat(Alerting.rows(
                        ingest,
                        "SELECT kind, actor, from_team, to_team, tier, people, cross_principal FROM alert_event "
                                + "WHERE alert_id = " + id + " ORDER BY id DESC LIMIT 1"))
                .containsExactly(List.of(
                        "escalated.by-person",
                        "person:anna",
                        "home-nursing-north",
                        "region-oncall",
                        1,
                        List.of("david"),
                        true));
        assertThat(state(id)).containsExactly("OPEN", "region-oncall", null, List.of("home-nursing-north"));
        assertThat(anna.post(a + "/acknowledge", new JsonObject(), true).statusCode())
                .isEqualTo(409);
        // It waits in David's inbox, his to take.
        var david = Alerting.Session.of(ingest.baseUrl(), "david", "david-secret-1");
        JsonObject davids = inboxItem(david, id).orElseThrow();
        assertThat(Arrays.asList(
                        davids.getString("state"), davids.getString("teamName"), davids.getString("handedOverTo")))
                .containsExactly("OPEN", "Jourläkare", null);

        // The mobile team is the last tier: an alert lying there has nobody to escalate to.
        long last = raise("mobile-team");
        JsonObject targets = new JsonObject(
                anna.get("/api/alerts/" + last + "/handover-targets").body());
        assertThat(targets.getString("escalatesTo")).isNull();
        assertThat(ids(targets)).containsExactly("home-nursing-north", "region-oncall");
        HttpResponse<String> none = anna.post("/api/alerts/" + last + "/escalate", new JsonObject(), true);
        assertThat(none.statusCode()).isEqualTo(409);
        assertThat(none.body()).contains("no escalation target");
    }

    @Test
    void afterLamnaOverTheNursesPageShowsTheAlertReadOnlyAndTheDoctorsPageOffersKvittera() throws Exception {
        annaPage = Browser.start("handover-anna");
        davidPage = Browser.start("handover-david");
        signIn(annaPage, "anna", "anna-secret-1", "Anna Sjöberg");
        signIn(davidPage, "david", "david-secret-1", "David Dahl");
        long id = raise(null);
        String row = "tr[data-alert-id='" + id + "']";

        annaPage.await(
                "the alert in Anna's unowned list",
                d -> !d.findElements(By.cssSelector("#unowned " + row)).isEmpty());
        annaPage.await("Anna's click on the alert", d -> {
            d.findElement(By.cssSelector("#unowned " + row)).click();
            return true;
        });
        Select team = annaPage.await("the handover form", d -> new Select(d.findElement(By.id("handover-team"))));
        // The escalation target first and chosen, the team's kind in words, no team without a care relation.
        assertThat(team.getFirstSelectedOption().getAttribute("value")).isEqualTo("region-oncall");
        assertThat(team.getOptions())
                .extracting(o -> o.getAttribute("value"))
                .containsExactly("region-oncall", "mobile-team");
        assertThat(team.getFirstSelectedOption().getText())
                .contains("Jourläkare", "Region")
                .doesNotContain("REGION");
        assertThat(annaPage.find("#escalate").getText()).contains("Eskalera till Jourläkare");
        annaPage.find("#handover-note").sendKeys("Låg puls och yrsel, behöver läkarbedömning");
        annaPage.find("#handover-form button").click();

        // The page re-draws the list and the detail on every live update: each check looks again until it holds.
        annaPage.await(
                "the alert read-only in Anna's handed-over list",
                d -> d.findElements(By.cssSelector("#handed-over " + row)).stream()
                        .anyMatch(tr -> tr.getText().contains("Greta Holm")
                                && tr.getText().contains("Överlämnat – väntar på Jourläkare")));
        assertThat(annaPage.findAll("#unowned " + row)).isEmpty();
        assertThat(annaPage.findAll("#owned " + row)).isEmpty();
        assertThat(annaPage.findAll(row + " button.ack"))
                .as("no Kvittera for the sender")
                .isEmpty();
        annaPage.await(
                "the detail read-only, without action forms",
                d -> d.findElement(By.id("handed-over-note")).getText().contains("Överlämnat – väntar på Jourläkare")
                        && !d.findElement(By.id("actions")).isDisplayed()
                        && d
                                .findElements(
                                        By.cssSelector("#handover-form, #resolve-form, #snooze-form, #escalate-form"))
                                .stream()
                                .noneMatch(WebElement::isDisplayed));
        annaPage.screenshot("1-handed-over");

        davidPage.await(
                "the alert in David's unowned list with Kvittera",
                d -> !d.findElements(By.cssSelector("#unowned " + row + " button.ack"))
                        .isEmpty());
        davidPage.screenshot("1-arrived");
        davidPage.await("David's click on Kvittera", d -> {
            d.findElement(By.cssSelector("#unowned " + row + " button.ack")).click();
            return true;
        });
        annaPage.await(
                "Anna's page says who took it",
                d -> d.findElement(By.cssSelector("#handed-over " + row))
                        .getText()
                        .contains("taget av David Dahl"));
        assertThat(Alerting.rows(ingest, "SELECT state, owner_id FROM alert_state WHERE alert_id = " + id))
                .containsExactly(List.of("ACKNOWLEDGED", "david"));

        // On a phone the row still says so, still without Kvittera.
        annaPage.driver().manage().window().setSize(new Dimension(390, 844));
        annaPage.await(
                "the mark within the 390 px screen",
                d -> Boolean.TRUE.equals(annaPage.script(
                        "const m = document.querySelector(arguments[0] + ' .waiting');"
                                + " return !!m && m.textContent.includes('taget av David Dahl')"
                                + " && m.getBoundingClientRect().right <= window.innerWidth;",
                        "#handed-over " + row)));
        assertThat(annaPage.findAll(row + " button.ack")).isEmpty();
        annaPage.screenshot("2-taken-by-david-phone");
    }

    private static void signIn(Browser b, String user, String password, String name) {
        b.signInToInbox(ingest.baseUrl(), user, password);
        b.await(name + " signed in", d -> d.findElement(By.id("who")).getText().contains(name));
        b.await(
                "the live stream connecting",
                d -> d.findElement(By.id("live")).getAttribute("class").equals("on"));
    }

    private static long raise(String respondFirst) throws Exception {
        return Alerting.raise(
                ingest,
                hub,
                HUB,
                Alerting.alert(seq.incrementAndGet(), Severity.URGENT, respondFirst, null, clock.instant()));
    }

    /** The alert's state, team, owner and the teams waiting for it. */
    private static List<Object> state(long id) throws Exception {
        return Alerting.rows(
                        ingest,
                        "SELECT state, team_id, owner_id, handed_over_from FROM alert_state WHERE alert_id = " + id)
                .get(0);
    }

    private static long steps(long id) throws Exception {
        return (Long) Alerting.rows(ingest, "SELECT count(*) FROM alert_event WHERE alert_id = " + id)
                .get(0)
                .get(0);
    }

    private static List<String> ids(JsonObject targets) {
        return targets.getJsonArray("teams").stream()
                .map(t -> ((JsonObject) t).getString("id"))
                .toList();
    }

    private static Optional<JsonObject> inboxItem(Alerting.Session who, long id) throws Exception {
        JsonArray items = new JsonArray(who.get("/api/inbox").body());
        return items.stream()
                .map(JsonObject.class::cast)
                .filter(i -> i.getLong("id") == id)
                .findFirst();
    }
}
