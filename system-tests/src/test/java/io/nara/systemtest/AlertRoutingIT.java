package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.ingest.alerting.AlertingSettings;
import io.nara.protocol.message.Severity;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Routing by care relation, rule and on-call schedule; escalation exactly once while two ingest nodes race;
 * acknowledgement, handover from municipality to region, outcomes; sign-in, CSRF and lock-out. Against the real
 * PostgreSQL and broker; time is a clock the test sets.
 */
class AlertRoutingIT {

    private static final String HUB = "hub-it-route-1";
    private static final ZoneId STOCKHOLM = ZoneId.of("Europe/Stockholm");
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private static final MutableClock clock = new MutableClock(local(2026, 11, 24, 12, 0));
    private static final AtomicLong seq = new AtomicLong();
    private static final String outbox = UUID.randomUUID().toString();
    private static Services.Ingest node1;
    private static Services.Ingest node2;
    private static TestMqttClient hub;

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        var postgres = stack.freshPostgres();
        var influx = stack.freshInflux();
        String group = "it-" + UUID.randomUUID().toString().substring(0, 8);
        // Scans are driven by the test (and race on their own every 200 ms as well).
        AlertingSettings settings =
                AlertingSettings.defaults().withScans(Duration.ofMillis(200), Duration.ofMillis(200));
        node1 = Alerting.startIngest(stack, group, postgres, influx, clock, settings);
        node2 = Alerting.startIngest(stack, group, postgres, influx, clock, settings);
        await().atMost(DEADLINE)
                .until(() -> node1.service().health().healthy()
                        && node2.service().health().healthy());
        Alerting.importOrganisation(node1, Alerting.organisation());
        HomeEnrolment.enrol(node1, HUB, HomeEnrolment.household(Alerting.PATIENT));
        hub = new TestMqttClient(stack, HUB, HUB + "-pub");
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {hub, node1, node2}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void routesToWhoeverIsOnDutyAcrossFourPmAndMidnight() throws Exception {
        assertThat(routeAt(local(2026, 11, 24, 15, 59)))
                .containsExactly("home-nursing-north", 0, List.of("anna", "anna2"));
        assertThat(routeAt(local(2026, 11, 24, 16, 0))).containsExactly("home-nursing-north", 0, List.of("bertil"));
        assertThat(routeAt(local(2026, 11, 24, 23, 59))).containsExactly("home-nursing-north", 0, List.of("bertil"));
        assertThat(routeAt(local(2026, 11, 25, 0, 0))).containsExactly("home-nursing-north", 0, List.of("cecilia"));
        // A Saturday night is covered the same way: the schedule has nights and weekends.
        assertThat(routeAt(local(2026, 11, 28, 3, 30))).containsExactly("home-nursing-north", 0, List.of("cecilia"));
    }

    @Test
    void aTeamWithNobodyOnDutyPassesTheAlertStraightToTheNextTier() throws Exception {
        clock.set(local(2026, 11, 24, 10, 0));
        long id = raise(Severity.WARNING, "home-nursing-south", null);
        assertThat(Alerting.rows(node1, "SELECT team_id, tier FROM alert_state WHERE alert_id = " + id))
                .containsExactly(List.of("region-oncall", 1));
        assertThat(Alerting.rows(
                        node1,
                        "SELECT kind, coalesce(from_team, to_team) FROM alert_event WHERE alert_id = " + id
                                + " ORDER BY id"))
                .containsExactly(List.of("route.skipped", "home-nursing-south"), List.of("routed", "region-oncall"));
    }

    @Test
    void anAlertNobodyCanTakeGoesAtOnceToTheOrganisationsFallback() throws Exception {
        clock.set(local(2026, 11, 24, 10, 0));
        // A municipal team with nobody on duty and no tier above it, and a patient monitored at home (on the same hub
        // as Greta) whose care relation has ended since.
        Alerting.importOrganisation(node1, new JsonObject("""
                {"teams": [{"id": "home-nursing-weekend", "organisationId": "kommun", "name": "Helgteam", "slots": []}],
                 "patients": [{"id": "patient-ended-1", "name": "Olle Ny", "careRelations": [
                   {"team": "home-nursing-north", "from": "2020-01-01T00:00:00Z"}]}]}"""));
        HomeEnrolment.enrol(node1, HUB, HomeEnrolment.household("patient-ended-1"));
        Alerting.importOrganisation(node1, new JsonObject("""
                {"patients": [{"id": "patient-ended-1", "name": "Olle Ny", "careRelations": [
                   {"team": "home-nursing-north", "from": "2020-01-01T00:00:00Z", "to": "2021-01-01T00:00:00Z"}]}]}"""));

        long unstaffed = raise(Severity.URGENT, "home-nursing-weekend", null);
        assertThat(trail(unstaffed))
                .containsExactly(List.of("routed.unstaffed", List.of()), List.of("fallback", List.of("mas")));

        long s = seq.incrementAndGet();
        Alerting.publish(hub, HUB, outbox, Alerting.alert("patient-ended-1", s, clock.instant()));
        await().atMost(DEADLINE).until(() -> Alerting.alertId(node1, HUB, s) > 0);
        long unroutable = Alerting.alertId(node1, HUB, s);
        assertThat(trail(unroutable))
                .containsExactly(List.of("route.unroutable", List.of()), List.of("fallback", List.of("mas")));
        // The MAS was told, so she can open it (she is in no team that cares for the patient now).
        Alerting.Session mas = Alerting.Session.of(node1.baseUrl(), "mas", "maria-secret-1");
        assertThat(mas.get("/api/alerts/" + unroutable).statusCode()).isEqualTo(200);

        // The region has no MAS, and a patient with no care relation left (all removed since she was enrolled at home)
        // has no organisation: the operator takes both.
        long regionUnstaffed = raise(Severity.URGENT, "mobile-team", null);
        assertThat(trail(regionUnstaffed)).contains(List.of("fallback.operator", List.of()));
        String otherHub = "hub-it-route-2";
        Alerting.importOrganisation(node1, new JsonObject("""
                {"patients": [{"id": "patient-unknown-1", "name": "Nils Ingen", "careRelations": [
                   {"team": "home-nursing-north", "from": "2020-01-01T00:00:00Z"}]}]}"""));
        HomeEnrolment.enrol(node1, otherHub, HomeEnrolment.household("patient-unknown-1"));
        Alerting.importOrganisation(node1, new JsonObject("""
                {"patients": [{"id": "patient-unknown-1", "name": "Nils Ingen", "careRelations": []}]}"""));
        long t = seq.incrementAndGet();
        try (TestMqttClient second = new TestMqttClient(DevStack.ensureUp(), otherHub, otherHub + "-pub")) {
            Alerting.publish(second, otherHub, outbox, Alerting.alert("patient-unknown-1", t, clock.instant()));
            await().atMost(DEADLINE).until(() -> Alerting.alertId(node1, otherHub, t) > 0);
        }
        assertThat(trail(Alerting.alertId(node1, otherHub, t)))
                .containsExactly(List.of("route.unroutable", List.of()), List.of("fallback.operator", List.of()));
    }

    /** The alert's routing trail: each step's kind and who was told. */
    private static List<List<Object>> trail(long id) throws Exception {
        return Alerting.rows(
                node1,
                "SELECT kind, coalesce(people, '{}') FROM alert_event WHERE alert_id = " + id
                        + " AND kind IN ('routed', 'routed.unstaffed', 'route.unroutable', 'fallback', 'fallback.operator')"
                        + " ORDER BY id");
    }

    @Test
    void anUnacknowledgedUrgentAlertEscalatesExactlyOnceWhileTwoNodesRace() throws Exception {
        Instant start = local(2026, 11, 24, 10, 0);
        clock.set(start);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(raise(Severity.URGENT, null, null));
        }
        String in = ids.toString().replace('[', '(').replace(']', ')');
        // Not yet due: 14 minutes later nothing has moved.
        clock.set(start.plus(Duration.ofMinutes(14)));
        await().pollDelay(Duration.ofMillis(600)).atMost(DEADLINE).until(() -> true);
        assertThat(Alerting.rows(
                        node1, "SELECT count(*) FROM alert_event WHERE kind = 'escalated' AND alert_id IN " + in))
                .containsExactly(List.of(0L));

        clock.set(start.plus(Duration.ofMinutes(15)).plusSeconds(1));
        // Both nodes scan at once, many times over, besides their own timers.
        List<Future<Integer>> scans = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            scans.add(node1.service().escalator().escalateDue());
            scans.add(node2.service().escalator().escalateDue());
        }
        Future.all(scans).toCompletionStage().toCompletableFuture().get();
        await().atMost(DEADLINE)
                .until(() -> Alerting.rows(
                                node1,
                                "SELECT count(DISTINCT alert_id) FROM alert_event "
                                        + "WHERE kind = 'escalated' AND alert_id IN " + in)
                        .get(0)
                        .get(0)
                        .equals(20L));
        assertThat(Alerting.rows(
                        node1,
                        "SELECT alert_id, count(*) FROM alert_event WHERE kind = 'escalated' AND " + "alert_id IN " + in
                                + " GROUP BY alert_id HAVING count(*) <> 1"))
                .isEmpty();
        assertThat(Alerting.rows(
                        node1,
                        "SELECT DISTINCT s.team_id, s.tier, e.people FROM alert_state s JOIN alert_event e "
                                + "ON e.alert_id = s.alert_id AND e.kind = 'escalated' WHERE s.alert_id IN " + in))
                .containsExactly(List.of("region-oncall", 1, List.of("david")));
        assertThat(Alerting.rows(
                        node1,
                        "SELECT DISTINCT cross_principal FROM alert_event WHERE kind = 'escalated' "
                                + "AND alert_id IN " + in))
                .containsExactly(List.of(true));
    }

    @Test
    void aNurseAcknowledgesHandsOverToTheRegionAndTheDoctorResolvesWithAnOutcome() throws Exception {
        clock.set(local(2026, 11, 26, 9, 0));
        long id = raise(Severity.URGENT, null, null);
        var anna = Alerting.Session.of(node1.baseUrl(), "anna", "anna-secret-1");
        assertThat(inboxIds(anna)).contains(id);

        HttpResponse<String> ack = anna.post("/api/alerts/" + id + "/acknowledge", new JsonObject(), true);
        assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
        assertThat(new JsonObject(ack.body()).getString("ownerName")).isEqualTo("Anna Sjöberg");
        // Acknowledged: escalation stops.
        assertThat(Alerting.rows(node1, "SELECT state, escalate_at FROM alert_state WHERE alert_id = " + id))
                .containsExactly(Arrays.asList("ACKNOWLEDGED", null));

        HttpResponse<String> handover = anna.post(
                "/api/alerts/" + id + "/handover",
                new JsonObject().put("team", "region-oncall").put("note", "Låg puls och yrsel, behöver läkarbedömning"),
                true);
        assertThat(handover.statusCode()).as(handover.body()).isEqualTo(200);
        assertThat(Alerting.rows(
                        node1,
                        "SELECT from_team, to_team, cross_principal, people FROM alert_event "
                                + "WHERE kind = 'handed-over' AND alert_id = " + id))
                .containsExactly(List.of("home-nursing-north", "region-oncall", true, List.of("david")));

        var david = Alerting.Session.of(node2.baseUrl(), "david", "david-secret-1");
        assertThat(inboxIds(david)).contains(id);
        HttpResponse<String> resolve = david.post(
                "/api/alerts/" + id + "/resolve",
                new JsonObject().put("outcome", "DOCTOR_CONTACTED").put("note", "Diuretika minskat"),
                true);
        assertThat(resolve.statusCode()).as(resolve.body()).isEqualTo(200);
        assertThat(Alerting.rows(
                        node1, "SELECT state, outcome, outcome_note, owner_id FROM alert_state WHERE alert_id = " + id))
                .containsExactly(List.of("RESOLVED", "DOCTOR_CONTACTED", "Diuretika minskat", "david"));
        assertThat(Alerting.rows(node1, "SELECT kind, actor FROM alert_event WHERE alert_id = " + id + " ORDER BY id"))
                .containsExactly(
                        List.of("routed", "system:" + nodeOf(id)),
                        List.of("acknowledged", "person:anna"),
                        List.of("handed-over", "person:anna"),
                        List.of("resolved", "person:david"));
        // Resolved: gone from both inboxes; the trail stays readable for the one who may see it.
        assertThat(inboxIds(anna)).doesNotContain(id);
        JsonObject detail = new JsonObject(anna.get("/api/alerts/" + id).body());
        assertThat(detail.getJsonArray("trail")).hasSize(4);
        assertThat(Alerting.rows(
                        node1,
                        "SELECT count(*) FROM access_log WHERE actor = 'person:anna' "
                                + "AND action = 'alerts.detail'"))
                .containsExactly(List.of(1L));
    }

    @Test
    void anUrgentAlertCannotBeSnoozedPastItsEscalation() throws Exception {
        clock.set(local(2026, 11, 24, 11, 0));
        long id = raise(Severity.URGENT, null, null);
        var anna = Alerting.Session.of(node1.baseUrl(), "anna", "anna-secret-1");
        assertThat(anna.post("/api/alerts/" + id + "/snooze", new JsonObject().put("minutes", 30), true)
                        .statusCode())
                .isEqualTo(409);
        assertThat(anna.post("/api/alerts/" + id + "/snooze", new JsonObject().put("minutes", 10), true)
                        .statusCode())
                .isEqualTo(200);
        // The next low reading of the same rule is stored and shown, but pages nobody.
        long repeat = raise(Severity.URGENT, null, null);
        assertThat(Alerting.rows(node1, "SELECT kind FROM alert_event WHERE alert_id = " + repeat + " ORDER BY id"))
                .containsExactly(List.of("routed"), List.of("notify.quiet"));
        assertThat(inboxIds(anna)).contains(repeat);
    }

    @Test
    void signInNeedsTheRightPasswordSlowsGuessingWithoutTellingNamesApartAndEveryWriteNeedsTheCsrfToken()
            throws Exception {
        var cecilia = Alerting.Session.of(node1.baseUrl(), "cecilia", "cecilia-secret-1");
        assertThat(cecilia.post("/api/alerts/1/acknowledge", new JsonObject(), false)
                        .statusCode())
                .isEqualTo(403);
        assertThat(cecilia.post("/api/signout", new JsonObject(), true).statusCode())
                .isEqualTo(200);
        assertThat(cecilia.get("/api/inbox").statusCode()).isEqualTo(401);

        // An existing name and an unknown one get the same answers, attempt by attempt: never "locked".
        for (String name : List.of("mas", "nobody-of-ours")) {
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> wrong = Alerting.Session.signIn(node1.baseUrl(), name, "wrong password " + i);
                assertThat(wrong.statusCode()).as(name).isEqualTo(401);
                assertThat(wrong.body())
                        .as(name)
                        .contains("wrong user name or password")
                        .doesNotContain("lock");
            }
            HttpResponse<String> waits = Alerting.Session.signIn(node2.baseUrl(), name, "maria-secret-1");
            assertThat(waits.statusCode()).as(name + ", on the other node too").isEqualTo(429);
            assertThat(waits.headers().firstValue("Retry-After")).as(name).hasValue("1");
            assertThat(waits.body()).as(name).contains("too many attempts").doesNotContain("lock");
            clock.advance(Duration.ofSeconds(1));
        }
        // The wait grows, but never locks: a nurse whose name is known waits seconds, not a shift.
        assertThat(Alerting.Session.signIn(node1.baseUrl(), "mas", "still wrong")
                        .statusCode())
                .isEqualTo(401);
        assertThat(Alerting.Session.signIn(node1.baseUrl(), "mas", "maria-secret-1")
                        .headers()
                        .firstValue("Retry-After"))
                .hasValue("2");
        clock.advance(Duration.ofSeconds(2));
        assertThat(Alerting.Session.signIn(node1.baseUrl(), "mas", "maria-secret-1")
                        .statusCode())
                .isEqualTo(200);
        assertThat(Alerting.rows(node1, "SELECT password_hash LIKE '$argon2id$%' FROM person WHERE id = 'mas'"))
                .containsExactly(List.of(true));
        clock.advance(Duration.ofMinutes(16)); // the address's count is forgotten, for the other tests
    }

    @Test
    void signInRefusesWhatACrossSiteFormOrSandboxedPageCouldSend() throws Exception {
        String body = new JsonObject()
                .put("username", "cecilia")
                .put("password", "cecilia-secret-1")
                .encode();
        for (String[] attempt : new String[][] {
            {"null", "application/json"},
            {"http://evil.example", "application/json"},
            {null, "text/plain"},
            {null, "application/x-www-form-urlencoded"},
            {null, null}
        }) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node1.baseUrl() + "/api/signin"))
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (attempt[0] != null) {
                b.header("Origin", attempt[0]);
            }
            if (attempt[1] != null) {
                b.header("Content-Type", attempt[1]);
            }
            HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode())
                    .as(String.join(" ", Arrays.asList(attempt)))
                    .isIn(403, 415);
            assertThat(r.headers().allValues("set-cookie"))
                    .as("no session for a forged sign-in")
                    .isEmpty();
        }
        HttpResponse<String> own = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(node1.baseUrl() + "/api/signin"))
                                .header("Origin", node1.baseUrl())
                                .header("Content-Type", "application/json; charset=utf-8")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(own.statusCode()).as("the page's own origin").isEqualTo(200);
    }

    /** Raises one alert through the broker and waits until it is stored and routed; its id. */
    private static long raise(Severity severity, String respondFirst, Duration escalateAfter) throws Exception {
        long s = seq.incrementAndGet();
        Alerting.publish(hub, HUB, outbox, Alerting.alert(s, severity, respondFirst, escalateAfter, clock.instant()));
        await().atMost(DEADLINE).until(() -> Alerting.alertId(node1, HUB, s) > 0);
        return Alerting.alertId(node1, HUB, s);
    }

    private static List<Object> routeAt(Instant at) throws Exception {
        clock.set(at);
        long id = raise(Severity.WARNING, null, null);
        List<List<Object>> r = Alerting.rows(
                node1,
                "SELECT s.team_id, s.tier, e.people FROM alert_state s JOIN "
                        + "alert_event e ON e.alert_id = s.alert_id AND e.kind = 'routed' WHERE s.alert_id = " + id);
        return r.get(0);
    }

    private static String nodeOf(long id) throws Exception {
        return ((String)
                        Alerting.rows(node1, "SELECT actor FROM alert_event WHERE kind = 'routed' AND alert_id = " + id)
                                .get(0)
                                .get(0))
                .substring("system:".length());
    }

    private static List<Long> inboxIds(Alerting.Session who) throws Exception {
        HttpResponse<String> r = who.get("/api/inbox");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonArray items = new JsonArray(r.body());
        List<Long> ids = new ArrayList<>();
        items.forEach(o -> ids.add(((JsonObject) o).getLong("id")));
        return ids;
    }

    private static Instant local(int y, int m, int d, int h, int min) {
        return LocalDateTime.of(y, m, d, h, min).atZone(STOCKHOLM).toInstant().plusSeconds(30);
    }
}
