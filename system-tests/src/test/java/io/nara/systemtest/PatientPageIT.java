package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.nara.protocol.HubTopic;
import io.nara.protocol.SchemaVersion;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.ExpectedMeasurement;
import io.nara.protocol.careplan.PostDischarge;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubStatus;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.message.Severity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The patient page in headless Chromium against a real ingest node, broker and databases. Three weeks of daily
 * weights and blood pressures reach the ingest over MQTT as a hub sends them; the care plan has thresholds on the
 * systolic pressure; one low reading raised an alert that the nurse resolved with a phone call; a failed measurement
 * and an implausible 0 kg are among them. The nurse sees the
 * charts with the threshold lines where the values lie, the alert and its outcome on the timeline, adherence and the
 * cuff's low battery, switches the range, and cannot edit the plan; a doctor can, and sees why a wrong plan is refused.
 */
class PatientPageIT {

    private static final String HUB = "hub-it-patient-page-1";
    private static final String PATIENT = Alerting.PATIENT;
    private static final String OTHER_PATIENT = "patient-other-district";
    private static final String SCALE = "scale-it-1";
    private static final String CUFF = "cuff-it-1";
    private static final int DAYS = 21;
    private static final int DISCHARGED_DAYS_AGO = 10;
    private static final ZoneId SE = ZoneId.of("Europe/Stockholm");
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Path CHART_SCREENSHOT = Path.of("target", "screenshots", "patient-chart.png");
    // Tuesday noon in Stockholm; the readings are the 21 mornings up to today's.
    private static final MutableClock clock = new MutableClock(Alerting.TUESDAY_NOON);
    private static final Instant LOW_READING_AT = morning(3);

    private static Services.Ingest ingest;
    private static TestMqttClient hub;
    private static long alertId;
    private Browser browser;

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        JsonObject organisation = Alerting.organisation();
        organisation
                .getJsonArray("patients")
                .add(new JsonObject()
                        .put("id", OTHER_PATIENT)
                        .put("name", "Olle Okänd")
                        .put(
                                "careRelations",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("team", "home-nursing-south")
                                                .put("from", "2020-01-01T00:00:00Z")
                                                .put("respondsFirst", true))));
        ingest = Alerting.startIngest(stack, clock, Alerting.plainHttp(), organisation);
        hub = new TestMqttClient(stack, HUB, HUB + "-pub");

        ingest.service()
                .carePlans()
                .save(HUB, carePlan(), "david", "monitoring starts")
                .toCompletionStage()
                .toCompletableFuture()
                .get();
        // Monitoring began at the discharge, not when the test saved the plan: adherence counts from there.
        try (Connection c = Alerting.db(ingest);
                PreparedStatement u = c.prepareStatement("UPDATE care_plan SET since = ? WHERE patient_id = ?")) {
            u.setTimestamp(
                    1,
                    Timestamp.from(clock.instant()
                            .atZone(SE)
                            .toLocalDate()
                            .minusDays(DISCHARGED_DAYS_AGO)
                            .atStartOfDay(SE)
                            .toInstant()));
            u.setString(2, PATIENT);
            assertThat(u.executeUpdate()).isEqualTo(1);
        }
        ingest.service()
                .carePlans()
                .bindDevices(
                        HUB,
                        List.of(
                                new DeviceBinding(SCALE, "sim-scale", PATIENT, null),
                                new DeviceBinding(CUFF, "sim-cuff", PATIENT, null)),
                        "operator")
                .toCompletionStage()
                .toCompletableFuture()
                .get();

        String outbox = UUID.randomUUID().toString();
        List<Observation> readings = readings();
        hub.publish(
                HubTopic.of(HUB, HubTopic.Kind.OBS).name(),
                new MessageCodec().encode(ObservationBatch.of(outbox, readings)));
        CloudQueries cloud = new CloudQueries(stack, ingest);
        await().atMost(DEADLINE).until(() -> cloud.observationSeqs(HUB).size() == readings.size());
        hub.publish(
                HubTopic.of(HUB, HubTopic.Kind.STATUS).name(),
                new MessageCodec()
                        .encode(new HubStatus(
                                SchemaVersion.CURRENT,
                                HubStatus.State.ONLINE,
                                clock.instant(),
                                "test",
                                HubStatus.ClockState.SYNCHRONIZED,
                                0,
                                List.of(
                                        new HubStatus.DeviceStatus(CUFF, "sim-cuff", morning(0), 12),
                                        new HubStatus.DeviceStatus(SCALE, "sim-scale", morning(0), 80)))));
        await().atMost(DEADLINE)
                .until(() -> Alerting.rows(
                                ingest, "SELECT percent FROM device_battery WHERE device_id = '" + CUFF + "'")
                        .equals(List.of(List.of(12))));

        Alerting.publish(hub, HUB, outbox, Alerting.alert(1000, Severity.URGENT, null, null, LOW_READING_AT));
        await().atMost(DEADLINE).until(() -> Alerting.alertId(ingest, HUB, 1000) > 0);
        alertId = Alerting.alertId(ingest, HUB, 1000);
        Alerting.Session anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        assertThat(anna.post("/api/alerts/" + alertId + "/acknowledge", new JsonObject(), true)
                        .statusCode())
                .isEqualTo(200);
        assertThat(anna.post(
                                "/api/alerts/" + alertId + "/resolve",
                                new JsonObject()
                                        .put("outcome", "PHONE_CALL")
                                        .put("note", "Mår bra, tar om mätningen imorgon"),
                                true)
                        .statusCode())
                .isEqualTo(200);
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(hub, ingest);
    }

    @AfterEach
    void closeBrowser() throws Exception {
        Services.closeAll(browser);
    }

    @Test
    void theNurseSeesTheTrendsWithThresholdLinesAndTheAlertsOutcomeAndSwitchesTheRange() throws Exception {
        browser = Browser.start("patient-nurse");
        browser.signInToInbox(ingest.baseUrl(), "anna", "anna-secret-1");
        browser.open(ingest.baseUrl() + "/patient.html?id=" + PATIENT);
        // In a post-discharge period the page opens on the days since discharge: 11 mornings, the discharge day's too.
        browser.await(
                "the charts since discharge",
                d -> "discharge".equals(d.findElement(By.id("charts")).getAttribute("data-range"))
                        && !d.findElements(By.cssSelector("figure[data-code='29463-7']"))
                                .isEmpty());
        assertThat(browser.find("#patient-name").getText()).isEqualTo("Greta Holm");
        assertThat(browser.find("#discharge").getText()).contains("Utskriven", "dag 11 av 30");
        assertThat(browser.findAll("figure[data-code='29463-7'] circle.point")).hasSize(DISCHARGED_DAYS_AGO + 1);

        browser.find("#range button[data-range='30d']").click();
        browser.await(
                "the 30-day charts",
                d -> "30d".equals(d.findElement(By.id("charts")).getAttribute("data-range"))
                        && !d.findElements(By.cssSelector("figure[data-code='8480-6'] line.threshold"))
                                .isEmpty());
        String systolic = "figure[data-code='8480-6'] ";
        WebElement chart = browser.find(systolic + "svg");
        for (var threshold :
                Map.of("systolic-low", 90.0, "systolic-high", 160.0).entrySet()) {
            WebElement line = browser.find(systolic + "line.threshold[data-rule='" + threshold.getKey() + "']");
            assertThat(Double.parseDouble(line.getAttribute("data-value"))).isEqualTo(threshold.getValue());
            assertThat(Double.parseDouble(line.getAttribute("y1")))
                    .as("a horizontal line")
                    .isEqualTo(Double.parseDouble(line.getAttribute("y2")));
            assertThat(Double.parseDouble(line.getAttribute("y1")))
                    .as("the line at %s mmHg", threshold.getValue())
                    .isCloseTo(yOf(chart, threshold.getValue()), within(0.1));
        }
        WebElement low = browser.find(systolic + "line.threshold[data-rule='systolic-low']");
        assertThat(browser.find(systolic + "text.threshold-label[data-rule='systolic-low']")
                        .getText())
                .contains("90", "mmHg");
        // Every reading but the one low morning lies between the lines; the low one below the lower line.
        List<WebElement> points = browser.findAll(systolic + "circle.point");
        assertThat(points).as("one a morning, none for the failed measurement").hasSize(DAYS);
        double lowY = Double.parseDouble(low.getAttribute("y1"));
        assertThat(points.stream()
                        .filter(p -> Double.parseDouble(p.getAttribute("cy")) > lowY)
                        .map(p -> Double.parseDouble(p.getAttribute("data-mean"))))
                .containsExactly(85.0);
        assertThat(browser.findAll(systolic + "g.mark.alert[data-alert-id='" + alertId + "']"))
                .hasSize(1);
        assertThat(browser.find(systolic + "g.mark.outcome[data-alert-id='" + alertId + "']")
                        .getAttribute("data-outcome"))
                .isEqualTo("PHONE_CALL");
        assertThat(browser.findAll("figure[data-code='29463-7'] circle.point"))
                .as("not the 0 kg")
                .hasSize(DAYS);
        assertThat(Double.parseDouble(
                        browser.find("figure[data-code='29463-7'] svg").getAttribute("data-y-min")))
                .as("the weight axis starts near the weights, not at 0 kg")
                .isGreaterThan(70);

        assertThat(browser.find("#adherence tr[data-code='29463-7']").getText()).contains("Kroppsvikt", "7 7");
        assertThat(browser.find("#devices tr[data-device-id='" + CUFF + "']").getText())
                .contains("12 %");
        assertThat(browser.find("#no-open-alerts").isDisplayed())
                .as("the only alert is resolved")
                .isTrue();
        assertThat(browser.find("#careplan-edit").isDisplayed())
                .as("a nurse gets no editor")
                .isFalse();
        assertThat(browser.findAll("#careplan-save").stream().filter(WebElement::isDisplayed))
                .isEmpty();
        browser.script("document.getElementById('trends').scrollIntoView();");
        browser.screenshotAt(CHART_SCREENSHOT);

        browser.find("#range button[data-range='7d']").click();
        browser.await(
                "the 7-day charts",
                d -> "7d".equals(d.findElement(By.id("charts")).getAttribute("data-range")));
        assertThat(browser.find("#range button[data-range='7d']").getAttribute("aria-pressed"))
                .isEqualTo("true");
        assertThat(browser.findAll("figure[data-code='29463-7'] circle.point"))
                .as("one weight a day")
                .hasSize(7);
        assertThat(browser.findAll(systolic + "line.threshold")).hasSize(2);
        assertThat(browser.findAll(systolic + "g.mark.alert"))
                .as("three days ago is within 7 days")
                .hasSize(1);

        browser.find("#range button[data-range='90d']").click();
        browser.await(
                "the 90-day charts",
                d -> "90d".equals(d.findElement(By.id("charts")).getAttribute("data-range")));
        assertThat(browser.findAll("figure[data-code='29463-7'] circle.point")).hasSize(DAYS);
        browser.find("#lang-switch").click();
        browser.await(
                "English",
                d -> d.findElement(By.cssSelector("#trends h2")).getText().equals("Trends"));
        browser.screenshot("english-90d");
    }

    @Test
    void everyReadLeavesOneAccessLogEntryAndAPatientWithoutCareRelationDoesNotExist() throws Exception {
        Alerting.Session anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        long before = Alerting.lastAccessLogId(ingest);
        HttpResponse<String> overview = anna.get("/api/patients/" + PATIENT + "/overview");
        assertThat(overview.statusCode()).isEqualTo(200);
        assertThat(Alerting.accessLogAfter(ingest, before))
                .singleElement()
                .satisfies(e -> assertThat(e.subList(1, 5))
                        .containsExactly("person:anna", "patient.overview", List.of(PATIENT), "overview"));
        before = Alerting.lastAccessLogId(ingest);
        HttpResponse<String> trends = anna.get("/api/patients/" + PATIENT + "/trends?range=90d");
        assertThat(trends.statusCode()).isEqualTo(200);
        assertThat(Alerting.accessLogAfter(ingest, before))
                .singleElement()
                .satisfies(e -> assertThat(e.subList(1, 5))
                        .containsExactly("person:anna", "patient.trends", List.of(PATIENT), "range=90d"));

        JsonObject body = new JsonObject(overview.body());
        assertThat(body.getBoolean("mayEditCarePlan")).isFalse();
        assertThat(body.getJsonArray("adherence").getJsonObject(0).getInteger("taken"))
                .isEqualTo(7);
        assertThat(body.getInteger("day")).isEqualTo(DISCHARGED_DAYS_AGO + 1);
        assertThat(body.getInteger("periodDays")).isEqualTo(30);

        before = Alerting.lastAccessLogId(ingest);
        for (String path : List.of("/overview", "/trends?range=7d")) {
            HttpResponse<String> refused = anna.get("/api/patients/" + OTHER_PATIENT + path);
            assertThat(refused.statusCode()).isEqualTo(404);
            assertThat(refused.body()).doesNotContain("Olle");
        }
        assertThat(Alerting.accessLogAfter(ingest, before))
                .as("refused calls log nothing")
                .isEmpty();
        HttpResponse<String> badRange = anna.get("/api/patients/" + PATIENT + "/trends?range=1y");
        assertThat(badRange.statusCode()).isEqualTo(400);
        assertThat(badRange.body()).contains("7d, 30d, 90d or discharge");
        JsonObject sinceDischarge = new JsonObject(
                anna.get("/api/patients/" + PATIENT + "/trends?range=discharge").body());
        assertThat(sinceDischarge.getString("from"))
                .isEqualTo(clock.instant()
                        .atZone(SE)
                        .toLocalDate()
                        .minusDays(DISCHARGED_DAYS_AGO)
                        .atStartOfDay(SE)
                        .toInstant()
                        .toString());
        assertThat(body.getString("dischargedOn"))
                .isEqualTo(clock.instant()
                        .atZone(SE)
                        .toLocalDate()
                        .minusDays(DISCHARGED_DAYS_AGO)
                        .toString());

        Alerting.Session david = Alerting.Session.of(ingest.baseUrl(), "david", "david-secret-1");
        assertThat(new JsonObject(david.get("/api/patients/" + PATIENT + "/overview")
                                .body())
                        .getBoolean("mayEditCarePlan"))
                .isTrue();

        // The operator sees every patient, also one without a care plan or readings, and edits no plan.
        before = Alerting.lastAccessLogId(ingest);
        JsonObject bare = new JsonObject(operatorGet("/api/patients/" + OTHER_PATIENT + "/overview"));
        assertThat(Alerting.accessLogAfter(ingest, before))
                .singleElement()
                .satisfies(e -> assertThat(e.subList(1, 5))
                        .containsExactly("operator", "patient.overview", List.of(OTHER_PATIENT), "overview"));
        assertThat(bare.getString("name")).isEqualTo("Olle Okänd");
        assertThat(bare.getValue("carePlanVersion")).isNull();
        assertThat(bare.getBoolean("mayEditCarePlan")).isFalse();
        assertThat(bare.getJsonArray("devices")).isEmpty();
        before = Alerting.lastAccessLogId(ingest);
        assertThat(new JsonObject(operatorGet("/api/patients/" + OTHER_PATIENT + "/trends?range=7d"))
                        .getJsonArray("signals"))
                .isEmpty();
        assertThat(Alerting.accessLogAfter(ingest, before))
                .singleElement()
                .satisfies(e -> assertThat(e.subList(1, 5))
                        .containsExactly("operator", "patient.trends", List.of(OTHER_PATIENT), "range=7d"));
        HttpResponse<String> noDischarge = asOperator("/api/patients/" + OTHER_PATIENT + "/trends?range=discharge");
        assertThat(noDischarge.statusCode()).isEqualTo(400);
        assertThat(noDischarge.body()).contains("ingen utskrivning", "no discharge date");
    }

    private static String operatorGet(String path) throws Exception {
        HttpResponse<String> r = asOperator(path);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    private static HttpResponse<String> asOperator(String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + path))
                                .header("Authorization", "Bearer " + ingest.apiKey())
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /** The editor talks to the care-plan API (GET/PUT /api/patients/{id}/careplan). */
    @Test
    void aDoctorEditsTheCarePlanAndIsToldWhatIsWrongWithAnInvalidOne() throws Exception {
        Alerting.Session david = Alerting.Session.of(ingest.baseUrl(), "david", "david-secret-1");
        assertThat(david.get("/api/patients/" + PATIENT + "/careplan").statusCode())
                .as("the care-plan API")
                .isEqualTo(200);
        browser = Browser.start("patient-doctor");
        browser.signInToInbox(ingest.baseUrl(), "david", "david-secret-1");
        browser.open(ingest.baseUrl() + "/patient.html?id=" + PATIENT);
        // The JSON editor is the form's "Avancerat" view, for what the form does not cover.
        browser.await(
                "the care-plan form",
                d -> d.findElement(By.id("careplan-advanced")).isDisplayed());
        browser.find("#careplan-advanced summary").click();
        browser.await(
                "the care-plan editor",
                d -> d.findElement(By.id("careplan-editor")).isDisplayed()
                        && d.findElement(By.id("careplan-editor"))
                                .getAttribute("value")
                                .contains("systolic-low"));
        String before = david.get("/api/patients/" + PATIENT + "/careplan").body();

        // A threshold on a code Nära does not know: the plan must be refused and the reason shown.
        browser.script("const e = document.getElementById('careplan-editor'); const p = JSON.parse(e.value);"
                + "p.rules[0].code = '1234-5'; e.value = JSON.stringify(p, null, 2);");
        browser.find("#careplan-reason").sendKeys("Ny kod");
        browser.find("#careplan-save").click();
        browser.await(
                "the problems next to the editor",
                d -> !d.findElements(By.cssSelector("#careplan-problems li")).isEmpty()
                        && d.findElement(By.id("careplan-feedback")).isDisplayed());
        assertThat(browser.find("#careplan-feedback").getText()).contains("Vårdplanen sparades inte");
        assertThat(browser.find("#careplan-problems").getText()).isNotBlank();
        browser.screenshot("careplan-refused");
        assertThat(new JsonObject(david.get("/api/patients/" + PATIENT + "/careplan")
                                .body())
                        .getValue("version"))
                .as("nothing saved")
                .isEqualTo(new JsonObject(before).getValue("version"));
    }

    /**
     * Before saving, the doctor asks what a stricter systolic threshold (below 125 instead of 90) would have raised:
     * the page shows, per window, the plan in force (the one episode of the 85 three days ago) against the change (an
     * episode each time the morning pressure of 120-136 dips under 125), and nothing is saved.
     */
    @Test
    void aDoctorSeesWhatAChangedPlanWouldHaveRaisedBeforeSavingIt() throws Exception {
        Alerting.Session david = Alerting.Session.of(ingest.baseUrl(), "david", "david-secret-1");
        String before = david.get("/api/patients/" + PATIENT + "/careplan").body();
        long logged = Alerting.lastAccessLogId(ingest);
        browser = Browser.start("patient-whatif");
        browser.signInToInbox(ingest.baseUrl(), "david", "david-secret-1");
        browser.open(ingest.baseUrl() + "/patient.html?id=" + PATIENT);
        // The JSON editor is the form's "Avancerat" view, for what the form does not cover.
        browser.await(
                "the care-plan form",
                d -> d.findElement(By.id("careplan-advanced")).isDisplayed());
        browser.find("#careplan-advanced summary").click();
        browser.await(
                "the care-plan editor",
                d -> d.findElement(By.id("careplan-editor")).isDisplayed()
                        && d.findElement(By.id("careplan-editor"))
                                .getAttribute("value")
                                .contains("systolic-low"));
        browser.script("const e = document.getElementById('careplan-editor'); const p = JSON.parse(e.value);"
                + "p.rules.find(r => r.id === 'systolic-low').below = 125; e.value = JSON.stringify(p, null, 2);");
        browser.find("#careplan-whatif").click();
        browser.await(
                "the what-if for 30 and 90 days",
                d -> d.findElement(By.id("careplan-whatif-result")).isDisplayed()
                        && d.findElements(By.cssSelector(".whatif-window")).size() == 2);
        browser.screenshot("careplan-whatif");
        for (String days : List.of("30", "90")) {
            WebElement row =
                    browser.find(".whatif-window[data-days='" + days + "'] tr[data-rule='systolic-low/URGENT']");
            List<String> cells = row.findElements(By.tagName("td")).stream()
                    .map(WebElement::getText)
                    .toList();
            // rule, severity, alerts now, alerts with the change, episodes now, episodes with the change
            assertThat(cells.subList(2, 6)).as(days + " days").containsExactly("1", "6", "1", "6");
            assertThat(row.findElements(By.cssSelector("td.more"))).hasSize(2);
        }
        assertThat(browser.find(".whatif-window[data-days='30'] h4").getText())
                .contains("Senaste 30 dagarna (" + (DAYS * 4 + 2) + " mätvärden)");
        assertThat(browser.find(".whatif-window[data-days='30'] tr[data-rule='total']")
                        .getText())
                .contains("Totalt");

        assertThat(david.get("/api/patients/" + PATIENT + "/careplan").body())
                .as("nothing saved")
                .isEqualTo(before);
        assertThat(Alerting.accessLogAfter(ingest, logged))
                .filteredOn(e -> "careplan.whatif".equals(e.get(2)))
                .singleElement()
                .satisfies(e -> assertThat(e.subList(1, 4))
                        .containsExactly("person:david", "careplan.whatif", List.of(PATIENT)));

        // Without a care relation the patient does not exist, and nothing is logged; a broken plan is explained.
        logged = Alerting.lastAccessLogId(ingest);
        JsonObject plan = new JsonObject(before).getJsonObject("plan");
        HttpResponse<String> other = david.post(
                "/api/patients/" + OTHER_PATIENT + "/careplan/what-if", new JsonObject().put("plan", plan), true);
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(Alerting.accessLogAfter(ingest, logged)).isEmpty();
        plan.getJsonArray("rules").getJsonObject(0).put("code", "1234-5");
        HttpResponse<String> invalid =
                david.post("/api/patients/" + PATIENT + "/careplan/what-if", new JsonObject().put("plan", plan), true);
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.body()).contains("rules[0]");
    }

    private static double yOf(WebElement chart, double value) {
        double min = Double.parseDouble(chart.getAttribute("data-y-min"));
        double max = Double.parseDouble(chart.getAttribute("data-y-max"));
        double top = Double.parseDouble(chart.getAttribute("data-plot-top"));
        double bottom = Double.parseDouble(chart.getAttribute("data-plot-bottom"));
        return bottom - (value - min) / (max - min) * (bottom - top);
    }

    /**
     * A plan with thresholds on the systolic pressure and a daily weight and blood pressure expected, in the 30-day
     * period after a discharge ten days ago.
     */
    private static CarePlan carePlan() {
        return new CarePlan(
                PATIENT,
                "1",
                List.of(
                        new ThresholdRule(
                                "systolic-low",
                                "8480-6",
                                90.0,
                                null,
                                Severity.URGENT,
                                "Systoliskt blodtryck under 90 mmHg / Systolic below 90 mmHg",
                                null,
                                null),
                        new ThresholdRule(
                                "systolic-high",
                                "8480-6",
                                null,
                                160.0,
                                Severity.WARNING,
                                "Systoliskt blodtryck över 160 mmHg / Systolic above 160 mmHg",
                                null,
                                null)),
                List.of(
                        new ExpectedMeasurement("29463-7", Duration.ofDays(1), LocalTime.of(9, 0)),
                        new ExpectedMeasurement("8480-6", Duration.ofDays(1), null)),
                new PostDischarge(
                        clock.instant().atZone(SE).toLocalDate().minusDays(DISCHARGED_DAYS_AGO), 30, List.of()),
                null,
                null,
                null);
    }

    /** Each of the last 21 mornings: a weight, and a cuff's systolic, diastolic and pulse; one systolic of 85. */
    private static List<Observation> readings() {
        List<Observation> readings = new ArrayList<>();
        long seq = 1;
        for (int day = DAYS - 1; day >= 0; day--) {
            Instant weighed = morning(day).minus(Duration.ofMinutes(10));
            Instant measured = morning(day);
            double systolic = morning(day).equals(LOW_READING_AT) ? 85 : 120 + (day % 5) * 4;
            readings.add(reading(seq++, SCALE, "29463-7", 78.0 + (DAYS - day) * 0.1, "kg", weighed));
            readings.add(reading(seq++, CUFF, "8480-6", systolic, "mm[Hg]", measured));
            readings.add(reading(seq++, CUFF, "8462-4", 75.0 + day % 3, "mm[Hg]", measured));
            readings.add(reading(seq++, CUFF, "8867-4", 68.0 + day % 4, "/min", measured));
        }
        // An afternoon a week ago: a cuff measurement that failed and a weight of 0 kg the hub marked implausible.
        // Neither may appear on a chart as a number.
        Instant afternoon = morning(7).plus(Duration.ofHours(6));
        readings.add(new Observation(
                seq++,
                PATIENT,
                CUFF,
                "8480-6",
                null,
                "mm[Hg]",
                afternoon,
                afternoon,
                Set.of(ObservationFlag.MEASUREMENT_FAILED)));
        readings.add(new Observation(
                seq++,
                PATIENT,
                SCALE,
                "29463-7",
                0.0,
                "kg",
                afternoon,
                afternoon,
                Set.of(ObservationFlag.IMPLAUSIBLE)));
        return readings;
    }

    private static Observation reading(long seq, String device, String code, double value, String unit, Instant at) {
        return new Observation(seq, PATIENT, device, code, value, unit, at, at.plusSeconds(5), Set.of());
    }

    /** 08:00 in Stockholm {@code daysAgo} days before the test's today. */
    private static Instant morning(int daysAgo) {
        ZonedDateTime now = clock.instant().atZone(SE);
        return now.toLocalDate().minusDays(daysAgo).atTime(8, 0).atZone(SE).toInstant();
    }
}
