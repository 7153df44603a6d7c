package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.protocol.HubTopic;
import io.nara.protocol.HubTopic.Kind;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Ack;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.AlertMessage;
import io.nara.protocol.message.HubConfig;
import io.nara.protocol.message.HubStatus;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.nara.protocol.message.Severity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A nurse enrols a patient from the cloud (REST, as the enrolment page calls it): the patient with her personnummer,
 * the household the hub serves, the heart-failure template as her first plan, a cuff bound. From then on the cloud
 * authorises every message: the hub may speak only for her and her cuff; what it sends for anyone else is refused,
 * kept and counted, and reaches neither InfluxDB nor the alerts. The config is published, the hub's "applied" is
 * shown, a replaced cuff keeps one history, and the silence rules run for her.
 */
class PatientEnrolmentIT {

    private static final String HUB = "hub-it-enrol-1";
    private static final String OTHER_HUB = "hub-it-enrol-2";
    private static final String CUFF = "cuff-enrol-1";
    private static final MessageCodec CODEC = new MessageCodec();
    private static final MutableClock clock = new MutableClock(LocalDateTime.of(2026, 11, 24, 9, 0)
            .atZone(ZoneId.of("Europe/Stockholm"))
            .toInstant());
    private static final AtomicLong seq = new AtomicLong();

    private static DevStack stack;
    private static Services.Ingest ingest;
    private static CloudQueries cloud;
    private static Alerting.Session anna;

    @BeforeAll
    static void start() throws Exception {
        stack = DevStack.ensureUp();
        ingest = Alerting.startIngest(stack, clock, Alerting.plainHttp(), Alerting.organisation());
        cloud = new CloudQueries(stack, ingest);
    }

    /** A fresh sign-in per test: some tests move the clock by a day, past a session's end. */
    @BeforeEach
    void signIn() throws Exception {
        anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(ingest);
    }

    private static JsonObject enrol(String name, String nationalId, String hubId) throws Exception {
        HttpResponse<String> r = anna.post(
                "/api/enrolment/patients",
                new JsonObject()
                        .put("name", name)
                        .put("nationalId", nationalId)
                        .put("teams", new JsonArray().add("home-nursing-north").add("region-oncall"))
                        .put("hubId", hubId),
                true);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return new JsonObject(r.body());
    }

    private static HttpResponse<String> bind(String hubId, String deviceId, String patientId) throws Exception {
        JsonObject body = new JsonObject().put("deviceId", deviceId).put("model", "and-ua-651ble");
        if (patientId != null) {
            body.put("patientId", patientId);
        }
        return anna.post("/api/enrolment/hubs/" + hubId + "/devices", body, true);
    }

    private static Observation systolic(String patient, String device, double value, Instant at) {
        return new Observation(seq.incrementAndGet(), patient, device, "8480-6", value, "mm[Hg]", at, at, Set.of());
    }

    @Test
    void aHubReportingForAPatientNotBoundToItIsRefusedAndNothingIsStored() throws Exception {
        JsonObject karin = enrol("Karin Ek", "19121212-1212", HUB);
        String patient = karin.getString("patientId");
        assertThat(karin.getInteger("carePlanVersion")).isEqualTo(1);
        assertThat(bind(HUB, CUFF, patient).statusCode()).isEqualTo(200);

        String outbox = UUID.randomUUID().toString();
        try (TestMqttClient hub = new TestMqttClient(stack, HUB, HUB + "-it")) {
            hub.subscribe(HubTopic.of(HUB, Kind.ACK).name());
            Instant now = clock.instant();
            // Her own reading, and one of the same hub for Greta, a patient of the same nurses but of another home.
            Observation hers = systolic(patient, CUFF, 124, now);
            Observation gretas = systolic(Alerting.PATIENT, CUFF, 85, now);
            Observation strangeDevice = systolic(patient, "cuff-of-a-neighbour", 85, now);
            hub.publish(
                    HubTopic.of(HUB, Kind.OBS).name(),
                    CODEC.encode(ObservationBatch.of(outbox, List.of(hers, gretas, strangeDevice))));
            Alert alert = new Alert(
                    seq.incrementAndGet(),
                    Alerting.PATIENT,
                    "systolic-low",
                    Severity.URGENT,
                    "8480-6",
                    85.0,
                    "mm[Hg]",
                    "Systoliskt under 90 / Systolic below 90",
                    now,
                    gretas.seq(),
                    "1",
                    null,
                    null);
            hub.publish(HubTopic.of(HUB, Kind.ALERT).name(), CODEC.encode(new AlertMessage(1, outbox, alert)));

            // Everything is acknowledged (the refused part is kept whole in the rejected messages), so the hub's
            // outbox does not send it again for ever.
            await().atMost(Services.DEADLINE)
                    .until(() ->
                            acked(hub, outbox, List.of(hers.seq(), gretas.seq(), strangeDevice.seq(), alert.seq())));
            assertThat(cloud.pointsByPatient(HUB, "8480-6")).containsExactly(patient + " " + hers.seq() + " 124.0");
            assertThat(cloud.alertSeqs(HUB)).isEmpty();
            List<List<Object>> refused = Alerting.rows(
                    ingest,
                    "SELECT problem, unauthorised FROM rejected_message " + "WHERE hub_id = '" + HUB + "' ORDER BY id");
            assertThat(refused).hasSize(2);
            // The batch and the alert are handled in parallel: their refusals may be kept in either order.
            assertThat(refused)
                    .extracting(row -> (String) row.get(0))
                    .anySatisfy(problem -> assertThat(problem)
                            .contains("not bound to patient " + Alerting.PATIENT)
                            .contains("device cuff-of-a-neighbour is not bound to hub " + HUB))
                    .anySatisfy(problem -> assertThat(problem)
                            .contains("patient " + Alerting.PATIENT + " is not bound to hub " + HUB + " (alert"));
            // Counted per hub for the fleet page.
            assertThat(Alerting.rows(ingest, "SELECT refused FROM hub_refusals WHERE hub_id = '" + HUB + "'"))
                    .containsExactly(List.of(2L));
        }
        // A hub the cloud bound nothing to speaks for no one.
        try (TestMqttClient stranger = new TestMqttClient(stack, OTHER_HUB, OTHER_HUB + "-it")) {
            stranger.subscribe(HubTopic.of(OTHER_HUB, Kind.ACK).name());
            String otherOutbox = UUID.randomUUID().toString();
            Observation o = systolic(patient, CUFF, 80, clock.instant());
            stranger.publish(
                    HubTopic.of(OTHER_HUB, Kind.OBS).name(),
                    CODEC.encode(ObservationBatch.of(otherOutbox, List.of(o))));
            await().atMost(Services.DEADLINE).until(() -> acked(stranger, otherOutbox, List.of(o.seq())));
            assertThat(cloud.observationSeqs(OTHER_HUB)).isEmpty();
        }
    }

    @Test
    void enrolmentIsCheckedTheFhirPatientCarriesThePersonnummerAndADeviceIsBoundInOnePlaceOnly() throws Exception {
        long patientsBefore = count("patient");
        long householdsBefore = count("household");
        HttpResponse<String> wrong = anna.post(
                "/api/enrolment/patients",
                new JsonObject()
                        .put("name", "Fel Siffra")
                        .put("nationalId", "19121212-1213")
                        .put("teams", new JsonArray().add("home-nursing-north"))
                        .put("hubId", "hub-it-enrol-9"),
                true);
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(wrong.body()).getString("problem"))
                .contains("kontrollsiffran")
                .contains("check digit");
        assertThat(count("patient")).isEqualTo(patientsBefore);
        assertThat(count("household")).as("nothing half made").isEqualTo(householdsBefore);

        // A samordningsnummer (day + 60) is its own identifier system.
        JsonObject sven = enrol("Sven Samordning", "19701063-2391", "hub-it-enrol-3");
        assertThat(sven.getString("nationalIdKind")).isEqualTo("SAMORDNINGSNUMMER");
        HttpResponse<String> fhir = anna.get("/fhir/Patient/" + sven.getString("patientId"));
        assertThat(fhir.statusCode()).as(fhir.body()).isEqualTo(200);
        assertThat(new JsonObject(fhir.body())
                        .getJsonArray("identifier").stream()
                                .map(JsonObject.class::cast)
                                .filter(i -> "urn:oid:1.2.752.129.2.1.3.3".equals(i.getString("system")))
                                .map(i -> i.getString("value"))
                                .toList())
                .containsExactly("197010632391");

        // The same person twice, and a device bound in another home: refused, naming the problem.
        HttpResponse<String> again = anna.post(
                "/api/enrolment/patients",
                new JsonObject()
                        .put("name", "Sven")
                        .put("nationalId", "701063-2391")
                        .put("teams", new JsonArray().add("home-nursing-north"))
                        .put("hubId", "hub-it-enrol-4"),
                true);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(bind("hub-it-enrol-3", "cuff-enrol-3", sven.getString("patientId"))
                        .statusCode())
                .isEqualTo(200);
        JsonObject olle = enrol("Olle Granne", "19400101-000" + luhnFor("400101000"), "hub-it-enrol-5");
        HttpResponse<String> twice = bind("hub-it-enrol-5", "cuff-enrol-3", olle.getString("patientId"));
        assertThat(twice.statusCode()).isEqualTo(409);
        assertThat(new JsonObject(twice.body()).getString("problem"))
                .contains("already bound")
                .contains("hub-it-enrol-3");
    }

    @Test
    void theConfigIsPublishedAndShownAppliedOnceTheHubReportsIt() throws Exception {
        JsonObject ida = enrol("Ida Ström", "19450505-" + "000" + luhnFor("450505000"), "hub-it-enrol-6");
        String hubId = "hub-it-enrol-6";
        assertThat(bind(hubId, "cuff-enrol-6", null).statusCode())
                .as("the household's cuff")
                .isEqualTo(200);
        JsonObject page = hubPage(hubId);
        assertThat(page.getJsonObject("config").getString("state")).isEqualTo("WAITING");
        long version = page.getJsonObject("config").getLong("version");
        assertThat(page.getJsonObject("config")
                        .getJsonArray("history")
                        .getJsonObject(0)
                        .getString("change"))
                .isEqualTo("bound cuff-enrol-6");

        // The hub receives the retained config: her plan from the template and the cuff bound to her.
        try (TestMqttClient hub = new TestMqttClient(stack, hubId, hubId + "-it")) {
            hub.subscribe(HubTopic.of(hubId, Kind.CONFIG).name());
            await().atMost(Services.DEADLINE).until(() -> !hub.received().isEmpty());
            HubConfig config = CODEC.decode(hub.received().get(0).payload(), HubConfig.class);
            assertThat(config.version()).isEqualTo(version);
            assertThat(config.carePlanFor(ida.getString("patientId")))
                    .get()
                    .satisfies(p -> assertThat(p.expected()).isNotEmpty());
            assertThat(config.bindingFor("cuff-enrol-6"))
                    .get()
                    .satisfies(b -> assertThat(b.patientId()).isEqualTo(ida.getString("patientId")));
            // her personnummer, which her analyzer names her by: the hub refuses a result naming anyone else
            assertThat(config.nationalIds())
                    .containsOnlyKeys(ida.getString("patientId"))
                    .containsValue("19450505000" + luhnFor("450505000"));
            hub.publish(
                    HubTopic.of(hubId, Kind.STATUS).name(),
                    CODEC.encode(new HubStatus(
                            1,
                            HubStatus.State.ONLINE,
                            clock.instant(),
                            "it",
                            HubStatus.ClockState.SYNCHRONIZED,
                            0,
                            List.of(),
                            version,
                            List.of(new HubStatus.DiscoveredDevice(
                                    "AA:BB:CC:00:00:06",
                                    "ble",
                                    "A&D UA-651BLE",
                                    "and-ua-651ble",
                                    "1810",
                                    clock.instant())))));
        }
        await().atMost(Services.DEADLINE)
                .until(() ->
                        "APPLIED".equals(hubPage(hubId).getJsonObject("config").getString("state")));
        assertThat(hubPage(hubId).getJsonArray("discovered").getJsonObject(0).getString("deviceId"))
                .isEqualTo("AA:BB:CC:00:00:06");
    }

    @Test
    void aReplacedCuffKeepsOneHistoryAndTheOldOneIsRefusedOnceTheHubAppliedTheChange() throws Exception {
        String hubId = "hub-it-enrol-7";
        String patient = enrol("Rut Byte", "19300303-" + "000" + luhnFor("300303000"), hubId)
                .getString("patientId");
        assertThat(bind(hubId, "cuff-old-7", patient).statusCode()).isEqualTo(200);
        String outbox = UUID.randomUUID().toString();
        try (TestMqttClient hub = new TestMqttClient(stack, hubId, hubId + "-it")) {
            hub.subscribe(HubTopic.of(hubId, Kind.ACK).name());
            // The hub runs the config with the old cuff, and says so (as a hub does whenever it connects).
            long before0 = hubPage(hubId).getJsonObject("config").getLong("version");
            hub.publish(
                    HubTopic.of(hubId, Kind.STATUS).name(),
                    CODEC.encode(new HubStatus(
                            1,
                            HubStatus.State.ONLINE,
                            clock.instant(),
                            "it",
                            HubStatus.ClockState.SYNCHRONIZED,
                            0,
                            List.of(),
                            before0,
                            List.of())));
            await().atMost(Services.DEADLINE)
                    .until(() -> "APPLIED"
                            .equals(hubPage(hubId).getJsonObject("config").getString("state")));
            Observation before = systolic(patient, "cuff-old-7", 131, clock.instant());
            hub.publish(
                    HubTopic.of(hubId, Kind.OBS).name(), CODEC.encode(ObservationBatch.of(outbox, List.of(before))));
            await().atMost(Services.DEADLINE).until(() -> acked(hub, outbox, List.of(before.seq())));

            clock.advance(Duration.ofHours(1));
            HttpResponse<String> replaced = anna.post(
                    "/api/enrolment/hubs/" + hubId + "/devices/cuff-old-7/replace",
                    new JsonObject().put("newDeviceId", "cuff-new-7"),
                    true);
            assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
            long version = new JsonObject(replaced.body()).getLong("configVersion");
            clock.advance(Duration.ofHours(1));
            // While the hub has not applied the change, the old cuff's reading is still hers (a change in flight).
            Observation inFlight = systolic(patient, "cuff-old-7", 133, clock.instant());
            Observation after = systolic(patient, "cuff-new-7", 129, clock.instant());
            hub.publish(
                    HubTopic.of(hubId, Kind.OBS).name(),
                    CODEC.encode(ObservationBatch.of(outbox, List.of(inFlight, after))));
            await().atMost(Services.DEADLINE).until(() -> acked(hub, outbox, List.of(inFlight.seq(), after.seq())));
            hub.publish(
                    HubTopic.of(hubId, Kind.STATUS).name(),
                    CODEC.encode(new HubStatus(
                            1,
                            HubStatus.State.ONLINE,
                            clock.instant(),
                            "it",
                            HubStatus.ClockState.SYNCHRONIZED,
                            0,
                            List.of(),
                            version,
                            List.of())));
            await().atMost(Services.DEADLINE)
                    .until(() -> "APPLIED"
                            .equals(hubPage(hubId).getJsonObject("config").getString("state")));
            Observation stale = systolic(patient, "cuff-old-7", 90, clock.instant());
            hub.publish(HubTopic.of(hubId, Kind.OBS).name(), CODEC.encode(ObservationBatch.of(outbox, List.of(stale))));
            await().atMost(Services.DEADLINE).until(() -> acked(hub, outbox, List.of(stale.seq())));

            // One history: old and new cuff under the same patient, nothing of the retired cuff after the change.
            assertThat(cloud.pointsByPatient(hubId, "8480-6"))
                    .containsExactly(
                            patient + " " + before.seq() + " 131.0",
                            patient + " " + inFlight.seq() + " 133.0",
                            patient + " " + after.seq() + " 129.0");
            JsonArray bindings = hubPage(hubId).getJsonArray("bindings");
            assertThat(bindings.stream()
                            .map(JsonObject.class::cast)
                            .map(b -> b.getString("deviceId") + " " + b.getBoolean("inForce"))
                            .toList())
                    .containsExactlyInAnyOrder("cuff-new-7 true", "cuff-old-7 false");
        }
    }

    @Test
    void theSilenceRulesRunForAPatientEnrolledThisWay() throws Exception {
        String hubId = "hub-it-enrol-8";
        String patient = enrol("Tyra Tyst", "19280808-" + "000" + luhnFor("280808000"), hubId)
                .getString("patientId");
        assertThat(bind(hubId, "cuff-enrol-8", patient).statusCode()).isEqualTo(200);
        MqttAsyncClient hub = new MqttAsyncClient(stack.get("NARA_MQTT_URL"), hubId + "-it", new MemoryPersistence());
        hub.connect(stack.broker(hubId)
                        .options(
                                true,
                                HubTopic.of(hubId, Kind.STATUS).name(),
                                new MqttMessage(CODEC.encode(HubStatus.offline()), 1, true, new MqttProperties())))
                .waitForCompletion(10_000);
        // The template's rules, from the day she is enrolled: no weight by 11:00 (the next 11:00 has passed a day
        // later, whatever time the other tests left the clock at) and a cuff battery below 20 %, with the hub online.
        clock.advance(Duration.ofHours(26));
        hub.publish(
                        HubTopic.of(hubId, Kind.STATUS).name(),
                        CODEC.encode(new HubStatus(
                                1,
                                HubStatus.State.ONLINE,
                                clock.instant(),
                                "it",
                                HubStatus.ClockState.SYNCHRONIZED,
                                0,
                                List.of(new HubStatus.DeviceStatus("cuff-enrol-8", "and-ua-651ble", null, 9)))),
                        1,
                        true)
                .waitForCompletion(10_000);
        await().atMost(Services.DEADLINE)
                .until(() -> !Alerting.rows(
                                ingest,
                                "SELECT 1 FROM device_battery WHERE " + "hub_id = '" + hubId + "' AND percent = 9")
                        .isEmpty());
        ingest.service()
                .silenceWatch()
                .check()
                .toCompletionStage()
                .toCompletableFuture()
                .get();
        assertThat(raised(patient)).contains("weight-missing", "device-battery-low");

        // The hub goes away (its last will): after 30 minutes, the hub-offline rule.
        hub.disconnect(10_000, null, null, 0x04 /* with the last will */, new MqttProperties())
                .waitForCompletion();
        hub.close();
        await().atMost(Services.DEADLINE)
                .until(() -> !Alerting.rows(
                                ingest, "SELECT 1 FROM hub WHERE hub_id = '" + hubId + "' AND state = 'OFFLINE'")
                        .isEmpty());
        clock.advance(Duration.ofMinutes(31));
        ingest.service()
                .silenceWatch()
                .check()
                .toCompletionStage()
                .toCompletableFuture()
                .get();
        assertThat(raised(patient)).contains("hub-offline");
    }

    private static List<String> raised(String patient) throws Exception {
        return Alerting.rows(
                        ingest,
                        "SELECT rule_id FROM alert WHERE origin = 'CLOUD' AND status = 'RAISED' " + "AND patient_id = '"
                                + patient + "' ORDER BY rule_id")
                .stream()
                .map(r -> (String) r.get(0))
                .toList();
    }

    @Test
    void endingMonitoringLosesNoReadingTheHubStillHolds() throws Exception {
        String hubId = "hub-it-enrol-10";
        String patient = enrol("Signe Slut", "19350505-" + "000" + luhnFor("350505000"), hubId)
                .getString("patientId");
        assertThat(bind(hubId, "cuff-enrol-10", patient).statusCode()).isEqualTo(200);
        // Taken before the end, still in the hub's outbox (the hub was offline) when the nurse ends the monitoring.
        Observation held = systolic(patient, "cuff-enrol-10", 142, clock.instant());
        clock.advance(Duration.ofMinutes(30));
        HttpResponse<String> ended = anna.post("/api/enrolment/patients/" + patient + "/end", new JsonObject(), true);
        assertThat(ended.statusCode()).as(ended.body()).isEqualTo(200);
        JsonObject end = new JsonObject(ended.body());
        assertThat(end.getBoolean("householdEnded")).isTrue();
        assertThat(Alerting.rows(ingest, "SELECT 1 FROM hub_assignment WHERE hub_id = '" + hubId + "'"))
                .isEmpty();
        assertThat(Alerting.rows(ingest, "SELECT 1 FROM care_plan WHERE patient_id = '" + patient + "'"))
                .isEmpty();
        assertThat(Alerting.rows(ingest, "SELECT count(*) FROM care_plan_history WHERE patient_id = '" + patient + "'"))
                .containsExactly(List.of(1L));

        String outbox = UUID.randomUUID().toString();
        try (TestMqttClient hub = new TestMqttClient(stack, hubId, hubId + "-it")) {
            hub.subscribe(HubTopic.of(hubId, Kind.CONFIG).name());
            hub.subscribe(HubTopic.of(hubId, Kind.ACK).name());
            // The new config holds neither her plan nor her cuff: the hub wipes her when it applies it.
            await().atMost(Services.DEADLINE)
                    .until(() -> hub.received().stream().anyMatch(m -> m.topic().endsWith("/config")));
            HubConfig config = CODEC.decode(
                    hub.received().stream()
                            .filter(m -> m.topic().endsWith("/config"))
                            .findFirst()
                            .orElseThrow()
                            .payload(),
                    HubConfig.class);
            assertThat(config.version()).isEqualTo(end.getLong("configVersion"));
            assertThat(config.carePlans()).isEmpty();
            assertThat(config.devices()).isEmpty();
            // The outbox drains after the end: the held reading is stored.
            hub.publish(HubTopic.of(hubId, Kind.OBS).name(), CODEC.encode(ObservationBatch.of(outbox, List.of(held))));
            await().atMost(Services.DEADLINE)
                    .until(() -> hub.received().stream()
                            .filter(m -> m.topic().endsWith("/ack"))
                            .map(m -> CODEC.decode(m.payload(), Ack.class))
                            .anyMatch(a -> a.ranges().stream().anyMatch(r -> r.contains(held.seq()))));
            assertThat(cloud.pointsByPatient(hubId, "8480-6")).containsExactly(patient + " " + held.seq() + " 142.0");
        }
    }

    private static JsonObject hubPage(String hubId) throws Exception {
        HttpResponse<String> r = anna.get("/api/enrolment/hubs/" + hubId);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    private static boolean acked(TestMqttClient hub, String outbox, List<Long> seqs) {
        List<Ack> acks = hub.received().stream()
                .filter(m -> m.topic().endsWith("/ack"))
                .map(m -> CODEC.decode(m.payload(), Ack.class))
                .filter(a -> a.outbox().equals(outbox))
                .toList();
        return seqs.stream()
                .allMatch(s -> acks.stream().anyMatch(a -> a.ranges().stream().anyMatch(r -> r.contains(s))));
    }

    private static long count(String table) throws Exception {
        return (Long)
                Alerting.rows(ingest, "SELECT count(*) FROM " + table).get(0).get(0);
    }

    /** The Luhn check digit of YYMMDDNNN, to write valid personnummer of made-up people. */
    private static String luhnFor(String nineDigits) {
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            int d = (nineDigits.charAt(i) - '0') * (i % 2 == 0 ? 2 : 1);
            sum += d > 9 ? d - 9 : d;
        }
        return Integer.toString((10 - sum % 10) % 10);
    }
}
