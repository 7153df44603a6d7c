package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.protocol.HubTopic;
import io.nara.protocol.HubTopic.Kind;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Ack;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.nara.protocol.message.ObservationFlag;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.influxdb.InfluxDB;
import org.influxdb.dto.Query;
import org.junit.jupiter.api.Test;

/**
 * The patient's rights as the medically responsible nurse (MAS) exercises them: Greta and her husband Olle share one
 * home and one hub, are cared for by the same teams, and both have readings, an alert and a care plan. Greta's
 * register extract holds everything about her, counted section by section, and nothing about Olle. Her record cannot
 * be erased while she is monitored, nor before the journal's retention period without a decision of IVO; with one it
 * is erased from InfluxDB and PostgreSQL, leaving an audit entry without her data, and Olle's record is whole. A nurse
 * and the operator are refused both.
 */
class PatientRightsIT {

    private static final String HUB = "hub-it-rights-1";
    private static final String GRETA = Alerting.PATIENT;
    private static final String OLLE = "patient-rights-olle";
    private static final String GRETA_PNR = "19450101-1235";
    private static final String OLLE_PNR = "19470202-2346";
    private static final MessageCodec CODEC = new MessageCodec();

    @Test
    void theExtractHoldsEverythingAboutHerAndNothingAboutHimAndErasureRemovesHerOnly() throws Exception {
        DevStack stack = DevStack.ensureUp();
        MutableClock clock = new MutableClock(Instant.now());
        JsonObject org = Alerting.withPatientLike(Alerting.organisation(), OLLE, "Olle Holm");
        org.getJsonArray("patients").getJsonObject(1).put("relatives", new JsonArray());
        Services.Ingest ingest = Alerting.startIngest(stack, clock, Alerting.plainHttp(), org);
        try (TestMqttClient hub = new TestMqttClient(stack, HUB, HUB + "-it")) {
            Alerting.Session mas = Alerting.Session.of(ingest.baseUrl(), "mas", "maria-secret-1");
            Alerting.Session anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
            Alerting.Session david = Alerting.Session.of(ingest.baseUrl(), "david", "david-secret-1");

            // One home: both enrolled on the hub by the MAS, each with a cuff of their own.
            enrol(mas, GRETA, "Greta Holm", GRETA_PNR);
            enrol(mas, OLLE, "Olle Holm", OLLE_PNR);
            bind(mas, "cuff-greta", GRETA);
            bind(mas, "cuff-olle", OLLE);
            bind(mas, "oxi-greta", "generic-pulse-oximeter", GRETA);

            // Her three readings and his two; an alert each; her alert acknowledged by Anna (a trail).
            // On a whole minute, so the two oximeter samples ten seconds in share one one-minute rollup.
            Instant at = clock.instant().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.MINUTES);
            List<Observation> batch = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                batch.add(systolic(10 + i, GRETA, "cuff-greta", 120 + i, at.plus(Duration.ofMinutes(i))));
            }
            for (int i = 0; i < 2; i++) {
                batch.add(systolic(20 + i, OLLE, "cuff-olle", 140 + i, at.plus(Duration.ofMinutes(i))));
            }
            // And two samples of her pulse oximeter's continuous stream, kept in the raw-sample retention policy.
            for (int i = 0; i < 2; i++) {
                Instant t = at.plusSeconds(10 + i);
                batch.add(new Observation(
                        30 + i,
                        GRETA,
                        "oxi-greta",
                        "59408-5",
                        96.0 + i,
                        "%",
                        null,
                        t,
                        Set.of(ObservationFlag.CONTINUOUS_SAMPLE)));
            }
            String outbox = UUID.randomUUID().toString();
            hub.subscribe(HubTopic.of(HUB, Kind.ACK).name());
            hub.publish(HubTopic.of(HUB, Kind.OBS).name(), CODEC.encode(ObservationBatch.of(outbox, batch)));
            await().atMost(Services.DEADLINE)
                    .until(() -> hub.received().stream()
                            .filter(m -> m.topic().endsWith("/ack"))
                            .map(m -> CODEC.decode(m.payload(), Ack.class))
                            .anyMatch(a -> a.outbox().equals(outbox)));
            assertThat(points(stack, ingest, "observation", GRETA)).isEqualTo(5);
            assertThat(points(stack, ingest, "observation", OLLE)).isEqualTo(2);
            long gretasAlert = Alerting.raise(ingest, hub, HUB, Alerting.alert(GRETA, 1, clock.instant()));
            long ollesAlert = Alerting.raise(ingest, hub, HUB, Alerting.alert(OLLE, 2, clock.instant()));
            assertThat(anna.post("/api/alerts/" + ollesAlert + "/acknowledge", new JsonObject(), true)
                            .statusCode())
                    .isEqualTo(200);
            assertThat(anna.post("/api/alerts/" + gretasAlert + "/acknowledge", new JsonObject(), true)
                            .statusCode())
                    .isEqualTo(200);
            // The hub was told last that a nurse saw hers: the broker keeps that message retained, naming her.
            String alertSeen = HubTopic.of(HUB, Kind.ALERT_SEEN).name();
            hub.subscribe(alertSeen);
            await().atMost(Services.DEADLINE)
                    .until(() -> hub.received().stream()
                            .anyMatch(
                                    m -> m.topic().equals(alertSeen) && m.text().contains(GRETA)));

            // A second version of her plan, by the doctor; his stays at the template's first.
            JsonObject plan = new JsonObject(
                    david.get("/api/patients/" + GRETA + "/careplan").body());
            HttpResponse<String> saved = david.put(
                    "/api/patients/" + GRETA + "/careplan",
                    new JsonObject()
                            .put("basedOnVersion", 1)
                            .put("plan", plan.getJsonObject("plan"))
                            .put("reason", "tightened"));
            assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
            // Anna reads her page and his: the access log has both.
            assertThat(anna.get("/api/patients/" + GRETA + "/overview").statusCode())
                    .isEqualTo(200);
            assertThat(anna.get("/api/patients/" + OLLE + "/overview").statusCode())
                    .isEqualTo(200);
            // The one-minute rollups of her readings are there too, so the extract and erasure must find them.
            await().atMost(Services.DEADLINE)
                    .until(() -> points(stack, ingest, "observation_1m", GRETA) == 4
                            && points(stack, ingest, "observation_1m", OLLE) == 2);

            // Neither the nurse nor the operator may take out or erase her record.
            assertThat(anna.get("/api/patients/" + GRETA + "/extract").statusCode())
                    .isEqualTo(403);
            assertThat(anna.post(
                                    "/api/patients/" + GRETA + "/erase",
                                    new JsonObject().put("reason", "asked").put("ivoDecision", "IVO 1"),
                                    true)
                            .statusCode())
                    .isEqualTo(403);
            assertThat(operator(ingest, "GET", "/api/patients/" + GRETA + "/extract", null)
                            .statusCode())
                    .isEqualTo(403);

            // The extract: a file to download, everything about her, counted.
            long logBefore = Alerting.lastAccessLogId(ingest);
            HttpResponse<String> file = mas.get("/api/patients/" + GRETA + "/extract");
            assertThat(file.statusCode()).as(file.body()).isEqualTo(200);
            assertThat(file.headers().firstValue("content-disposition").orElse(""))
                    .startsWith("attachment; filename=\"registerutdrag-" + GRETA + "-");
            JsonObject extract = new JsonObject(file.body());
            assertThat(extract.getString("format")).isEqualTo("nara-register-extract/1");
            assertThat(extract.getJsonObject("patient").getString("national_id"))
                    .isEqualTo("194501011235");
            assertThat(readingPoints(extract, "observation")).isEqualTo(5);
            assertThat(readingPoints(extract, "observation_1m")).isEqualTo(4);
            assertThat(extract.getJsonArray("readings").stream()
                            .map(p -> (JsonObject) p)
                            .filter(p -> "raw_samples".equals(p.getString("retentionPolicy")))
                            .mapToLong(p -> p.getJsonArray("points").size())
                            .sum())
                    .isEqualTo(2);
            Map<String, Integer> sections = new LinkedHashMap<>();
            for (String s : List.of(
                    "careRelations",
                    "households",
                    "deviceBindings",
                    "carePlan",
                    "carePlanVersions",
                    "alerts",
                    "relatives",
                    "consents")) {
                sections.put(s, extract.getJsonArray(s).size());
            }
            assertThat(sections)
                    .containsExactly(
                            Map.entry("careRelations", 2),
                            Map.entry("households", 1),
                            Map.entry("deviceBindings", 2),
                            Map.entry("carePlan", 1),
                            Map.entry("carePlanVersions", 2),
                            Map.entry("alerts", 1),
                            Map.entry("relatives", 1),
                            Map.entry("consents", 1));
            assertThat(extract.getJsonArray("alerts").getJsonObject(0).getLong("id"))
                    .isEqualTo(gretasAlert);
            assertThat(extract.getJsonArray("alertTrails").stream().map(e -> ((JsonObject) e).getString("kind")))
                    .contains("acknowledged");
            assertThat(extract.getJsonArray("alertTrails").stream()
                            .allMatch(e -> ((JsonObject) e).getLong("alert_id") == gretasAlert))
                    .isTrue();
            assertThat(extract.getJsonArray("accessLog").stream()
                            .map(e -> (JsonObject) e)
                            .filter(e -> "patient.overview".equals(e.getString("action")))
                            .map(e -> e.getString("actor")))
                    .contains("person:anna");
            // Nothing about him: not his id, name, personnummer, device, readings or alert.
            assertThat(file.body())
                    .doesNotContain(OLLE)
                    .doesNotContain("Olle")
                    .doesNotContain("194702022346")
                    .doesNotContain("cuff-olle")
                    .doesNotContain("140.0")
                    .doesNotContain("\"id\" : " + ollesAlert + ",");
            // Taking it out is logged, naming her only.
            assertThat(Alerting.accessLogAfter(ingest, logBefore)).anySatisfy(row -> {
                assertThat(row.get(1)).isEqualTo("person:mas");
                assertThat(row.get(2)).isEqualTo("patient.extract");
                assertThat(row.get(3)).isEqualTo(List.of(GRETA));
            });

            // Erasure: refused while she is monitored, then before the retention period without IVO's decision.
            HttpResponse<String> monitored = mas.post(
                    "/api/patients/" + GRETA + "/erase", new JsonObject().put("reason", "the patient asked"), true);
            assertThat(monitored.statusCode()).isEqualTo(409);
            assertThat(monitored.body()).contains("monitoring has not ended");
            HttpResponse<String> ended = mas.post("/api/enrolment/patients/" + GRETA + "/end", new JsonObject(), true);
            assertThat(ended.statusCode()).as(ended.body()).isEqualTo(200);
            HttpResponse<String> tooEarly = mas.post(
                    "/api/patients/" + GRETA + "/erase", new JsonObject().put("reason", "the patient asked"), true);
            assertThat(tooEarly.statusCode()).isEqualTo(409);
            assertThat(tooEarly.body())
                    .contains("the record must be kept until")
                    .contains("decision of IVO");
            assertThat(mas.post("/api/patients/" + GRETA + "/erase", new JsonObject(), true)
                            .statusCode())
                    .isEqualTo(400);
            assertThat(Alerting.rows(ingest, "SELECT count(*) FROM patient WHERE id = '" + GRETA + "'"))
                    .containsExactly(List.of(1L));

            Map<String, List<String>> hisRows = rowsOf(ingest, OLLE);
            HttpResponse<String> erased = mas.post(
                    "/api/patients/" + GRETA + "/erase",
                    new JsonObject().put("reason", "the patient asked").put("ivoDecision", "3.5.1-4711/2026"),
                    true);
            assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
            assertThat(new JsonObject(erased.body()).getJsonObject("removed").getLong("readingPoints"))
                    .isEqualTo(9);

            // Gone everywhere: every table with a patient_id, the hub's stored configs, InfluxDB's raw and rollups.
            assertThat(rowsOf(ingest, GRETA))
                    .allSatisfy((table, rows) -> assertThat(rows).as(table).isEmpty());
            assertThat(Alerting.rows(
                            ingest,
                            "SELECT count(*) FROM patient WHERE id = '" + GRETA + "' OR national_id = "
                                    + "'194501011235'"))
                    .containsExactly(List.of(0L));
            assertThat(Alerting.rows(
                            ingest,
                            "SELECT count(*) FROM hub_config_history WHERE document::text LIKE '%" + GRETA + "%'"))
                    .containsExactly(List.of(0L));
            assertThat(Alerting.rows(ingest, "SELECT count(*) FROM alert_event WHERE alert_id = " + gretasAlert))
                    .containsExactly(List.of(0L));
            assertThat(points(stack, ingest, "observation", GRETA)).isZero();
            assertThat(points(stack, ingest, "observation_1m", GRETA)).isZero();
            // And on the broker: housekeeping publishes an empty retained message in place of the one naming her,
            // which deletes it (the hub, subscribed, receives it and takes it for "nothing seen").
            await().atMost(Services.DEADLINE)
                    .until(() -> hub.received().stream()
                            .anyMatch(m -> m.topic().equals(alertSeen) && m.payload().length == 0));
            await().atMost(Services.DEADLINE)
                    .untilAsserted(() -> assertThat(Alerting.rows(
                                    ingest,
                                    "SELECT length(payload), alert_id IS NULL, published_version = version"
                                            + " FROM hub_alert_seen WHERE hub_id = '" + HUB + "'"))
                            .containsExactly(List.of(0, true, true)));
            // His record is whole: every row he had is still there, and his readings.
            Map<String, List<String>> hisRowsAfter = rowsOf(ingest, OLLE);
            hisRows.forEach((table, rows) ->
                    assertThat(hisRowsAfter.get(table)).as(table).containsAll(rows));
            assertThat(hisRows.get("alert")).hasSize(1);
            assertThat(hisRows.get("care_plan_history")).hasSize(1);
            assertThat(points(stack, ingest, "observation", OLLE)).isEqualTo(2);
            assertThat(points(stack, ingest, "observation_1m", OLLE)).isEqualTo(2);
            assertThat(Alerting.rows(ingest, "SELECT count(*) FROM alert_event WHERE alert_id = " + ollesAlert)
                            .get(0)
                            .get(0))
                    .isNotEqualTo(0L);
            assertThat(mas.get("/api/patients/" + OLLE + "/extract").body()).contains("194702022346");

            // The audit entry: who, when, which patient, why; not her data.
            List<List<Object>> audit = Alerting.rows(
                    ingest, "SELECT patient_id, erased_by, basis, reason, " + "removed::text FROM patient_erasure");
            assertThat(audit).hasSize(1);
            assertThat(audit.get(0).subList(0, 2)).containsExactly(GRETA, "person:mas");
            assertThat((String) audit.get(0).get(2)).contains("3.5.1-4711/2026");
            assertThat(audit.get(0).toString())
                    .doesNotContain("Greta")
                    .doesNotContain("194501011235")
                    .doesNotContain("120.0");
            assertThat(Alerting.rows(
                            ingest,
                            "SELECT action FROM access_log WHERE '" + GRETA + "' = ANY (patient_ids) "
                                    + "AND actor = 'person:mas' ORDER BY id"))
                    .extracting(r -> r.get(0))
                    .containsSubsequence(
                            "patient.extract",
                            "patient.erase.refused",
                            "patient.erase.refused",
                            "patient.erase",
                            "patient.erased");
            assertThat(mas.get("/api/patients/" + GRETA + "/extract").statusCode())
                    .isEqualTo(404);
        } finally {
            Services.closeAll(ingest);
        }
    }

    private static void enrol(Alerting.Session mas, String patientId, String name, String pnr) throws Exception {
        HttpResponse<String> r = mas.post(
                "/api/enrolment/patients",
                new JsonObject()
                        .put("patientId", patientId)
                        .put("name", name)
                        .put("nationalId", pnr)
                        .put("hubId", HUB)
                        .put("teams", new JsonArray().add("home-nursing-north").add("region-oncall")),
                true);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    private static void bind(Alerting.Session mas, String deviceId, String patientId) throws Exception {
        bind(mas, deviceId, "and-ua-651ble", patientId);
    }

    private static void bind(Alerting.Session mas, String deviceId, String model, String patientId) throws Exception {
        HttpResponse<String> r = mas.post(
                "/api/enrolment/hubs/" + HUB + "/devices",
                new JsonObject().put("deviceId", deviceId).put("model", model).put("patientId", patientId),
                true);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static Observation systolic(long seq, String patient, String device, double value, Instant at) {
        return new Observation(seq, patient, device, "8480-6", value, "mm[Hg]", at, at.plusSeconds(2), Set.of());
    }

    private static long readingPoints(JsonObject extract, String measurement) {
        return extract.getJsonArray("readings").stream()
                .map(p -> (JsonObject) p)
                .filter(p -> p.getString("measurement").equals(measurement))
                .mapToLong(p -> p.getJsonArray("points").size())
                .sum();
    }

    /** The patient's points in the measurement, in every retention policy. */
    private static long points(DevStack stack, Services.Ingest ingest, String measurement, String patient) {
        try (InfluxDB influx = stack.influx()) {
            long n = 0;
            var rps = influx.query(
                    new Query("SHOW RETENTION POLICIES", ingest.influx().database()));
            for (List<Object> rp : rps.getResults().get(0).getSeries().get(0).getValues()) {
                var r = influx.query(new Query(
                        "SELECT count(*) FROM \"" + rp.get(0) + "\".\"" + measurement + "\" WHERE patient = '" + patient
                                + "'",
                        ingest.influx().database()));
                var series = r.getResults().get(0).getSeries();
                if (series != null) {
                    n += Math.round(((Number) series.get(0).getValues().get(0).get(1)).doubleValue());
                }
            }
            return n;
        }
    }

    /** Per table with a patient_id column (and the alert trail), the patient's rows as text. */
    private static Map<String, List<String>> rowsOf(Services.Ingest ingest, String patient) throws Exception {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (List<Object> t : Alerting.rows(
                ingest,
                "SELECT table_name FROM information_schema.columns WHERE "
                        + "column_name = 'patient_id' AND table_schema = 'public' AND table_name NOT IN ('patient_erasure') "
                        + "AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE') "
                        + "ORDER BY table_name")) {
            String table = (String) t.get(0);
            rows.put(
                    table,
                    Alerting.rows(
                                    ingest,
                                    "SELECT t::text FROM " + table + " t WHERE patient_id = '" + patient
                                            + "' ORDER BY 1")
                            .stream()
                            .map(r -> (String) r.get(0))
                            .toList());
        }
        rows.put(
                "alert_event",
                Alerting.rows(
                                ingest,
                                "SELECT e::text FROM alert_event e JOIN alert a ON "
                                        + "a.id = e.alert_id WHERE a.patient_id = '" + patient + "' ORDER BY 1")
                        .stream()
                        .map(r -> (String) r.get(0))
                        .toList());
        return rows;
    }

    private static HttpResponse<String> operator(Services.Ingest ingest, String method, String path, JsonObject body)
            throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + path))
                                .header("Authorization", "Bearer " + ingest.apiKey())
                                .header("content-type", "application/json")
                                .method(
                                        method,
                                        body == null
                                                ? HttpRequest.BodyPublishers.noBody()
                                                : HttpRequest.BodyPublishers.ofString(body.encode()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
