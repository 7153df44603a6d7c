package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import io.nara.ingest.alerting.AlertingSettings;
import io.nara.ingest.fhir.FhirFeature;
import io.nara.ingest.fhir.FhirPush;
import io.nara.protocol.HubTopic;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.nara.protocol.message.ObservationFlag;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * FHIR R4 for journal systems (issue 8), with the real ingest, broker, InfluxDB and PostgreSQL: what the API returns
 * passes HAPI's validator; a journal of another organisation gets nothing; every read writes one access-log entry;
 * the push reaches a real HAPI FHIR server through a failing phase and recovery, each reading exactly once.
 */
class FhirIT {

    private static final String HUB = "hub-it-fhir-1";
    private static final String PATIENT = Alerting.PATIENT;
    private static final String EAST_PATIENT = "patient-east-1";
    private static final String SCALE = "sim-scale-fhir";
    private static final String CUFF = "AA:BB:CC:00:11:22";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final FhirContext FHIR = FhirContext.forR4Cached();

    private static JournalServer journal;
    private static Services.Ingest ingest;
    private static TestMqttClient hub;
    private static FhirValidator validator;
    private static String regionToken;
    private static String eastToken;
    private static final String outbox = UUID.randomUUID().toString();
    private static final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @BeforeAll
    static void start() throws Exception {
        DevStack stack = DevStack.ensureUp();
        journal = new JournalServer().start();
        // Fast retries, so the failing phases pass in seconds; many attempts, so only the refused reading goes dead.
        FhirPush.Settings push = FhirPush.Settings.none()
                .withServer(URI.create(journal.baseUrl()), null)
                .withRetries(40, Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofMillis(100))
                // Long enough for a cuff reading's second batch, published right after its first.
                .withPanelHold(Duration.ofSeconds(5));
        ingest = Alerting.startIngest(
                stack, Clock.systemUTC(), AlertingSettings.defaults(), push, Alerting.organisation());
        Alerting.importOrganisation(ingest, new JsonObject("""
                {"organisations": [{"id": "grannby", "name": "Grannby kommun", "kind": "MUNICIPALITY"}],
                 "teams": [{"id": "home-nursing-east", "organisationId": "grannby", "name": "Hemsjukvård Öst",
                            "slots": []}],
                 "patients": [{"id": "%s", "name": "Olle Öst", "careRelations": [
                    {"team": "home-nursing-east", "from": "2020-01-01T00:00:00Z", "respondsFirst": true}]}]}
                """.formatted(EAST_PATIENT)));
        regionToken = createClient("journal-region", "Regionens journal", "region-oncall");
        eastToken = createClient("journal-east", "Grannby journal", "home-nursing-east");
        // The default validation support chain: R4 core profiles (vitalsigns, bodyweight, ...), value sets, code
        // systems.
        validator = FHIR.newValidator().registerValidatorModule(new FhirInstanceValidator(FHIR));

        // The home: Greta's cuff, oximeter and point-of-care analyser, and a scale she shares with Olle.
        HomeEnrolment.enrol(
                ingest,
                HUB,
                new HubConfig(
                        1,
                        1,
                        List.of(),
                        List.of(
                                new DeviceBinding(
                                        SCALE,
                                        "sim-scale",
                                        null,
                                        List.of(
                                                new DeviceBinding.DeviceUser(PATIENT, null),
                                                new DeviceBinding.DeviceUser(EAST_PATIENT, null))),
                                new DeviceBinding(CUFF, "and-ua-651ble", PATIENT),
                                new DeviceBinding("sim-oximeter-fhir", "sim-oximeter", PATIENT),
                                new DeviceBinding("sim-poct-fhir", "sim-poct", PATIENT),
                                new DeviceBinding("sim-scale-east", "sim-scale", EAST_PATIENT))));
        hub = new TestMqttClient(stack, HUB, HUB + "-pub");
        hub.subscribe(HubTopic.of(HUB, HubTopic.Kind.ACK).name());
        publish(ObservationBatch.of(
                outbox,
                List.of(
                        obs(1, PATIENT, SCALE, "29463-7", 82.4, "kg", 60),
                        obs(2, PATIENT, CUFF, "8480-6", 128.0, "mm[Hg]", 50),
                        obs(3, PATIENT, CUFF, "8462-4", 82.0, "mm[Hg]", 50),
                        obs(4, PATIENT, CUFF, "8478-0", 97.0, "mm[Hg]", 50),
                        obs(5, PATIENT, CUFF, "8867-4", 64.0, "/min", 50),
                        obs(6, PATIENT, CUFF, "8867-4", null, "/min", 40, ObservationFlag.MEASUREMENT_FAILED),
                        obs(7, PATIENT, "sim-oximeter-fhir", "59408-5", 95.0, "%", 30, ObservationFlag.QUESTIONABLE),
                        obs(8, null, SCALE, "29463-7", 80.1, "kg", 20, ObservationFlag.UNATTRIBUTED),
                        obs(9, EAST_PATIENT, "sim-scale-east", "29463-7", 70.2, "kg", 10))));
        // Seven readings of the patient, as five Observations: the cuff's three pressures are one panel.
        await().atMost(DEADLINE)
                .until(() ->
                        search(regionToken, "Observation?patient=" + PATIENT).getTotal() == 5);
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(hub, ingest, journal);
    }

    @Test
    void everyObservationTheApiReturnsPassesTheValidatorAgainstTheVitalSignsProfiles() throws Exception {
        Bundle all = search(regionToken, "Observation?patient=Patient/" + PATIENT);
        assertThat(all.getEntry()).hasSize(5);
        for (Bundle.BundleEntryComponent e : all.getEntry()) {
            org.hl7.fhir.r4.model.Observation o = (org.hl7.fhir.r4.model.Observation) e.getResource();
            assertThat(o.getMeta().getProfile())
                    .extracting(p -> p.getValue())
                    .contains("http://hl7.org/fhir/StructureDefinition/vitalsigns");
            assertValid(o);
            // The read of each one is the same resource, and valid on its own.
            HttpResponse<String> read =
                    get(regionToken, "/fhir/Observation/" + o.getIdElement().getIdPart());
            assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
            assertValid(FHIR.newJsonParser().parseResource(read.body()));
        }
        org.hl7.fhir.r4.model.Observation failed =
                observations(search(regionToken, "Observation?patient=" + PATIENT + "&code=8867-4")).stream()
                        .filter(o -> !o.hasValue())
                        .findFirst()
                        .orElseThrow();
        assertThat(failed.getDataAbsentReason().getCodingFirstRep().getCode()).isEqualTo("error");
        assertThat(search(regionToken, "Observation?patient=" + PATIENT + "&code=" + enc("http://loinc.org|29463-7"))
                        .getEntry())
                .hasSize(1);
        // Newest first, and a date range cuts by the reading's time.
        assertThat(observations(search(
                        regionToken,
                        "Observation?patient=" + PATIENT + "&date=ge"
                                + enc(now.minusSeconds(45).toString()))))
                .extracting(o -> o.getCode().getCoding().get(0).getCode())
                .containsExactly("2708-6", "8867-4");
        // Every device bound to her or read from: the shared scale, her cuff, oximeter and point-of-care analyser.
        Bundle devices = search(regionToken, "Device?patient=" + PATIENT);
        assertThat(devices.getEntry()).hasSize(4);
        devices.getEntry().forEach(e -> assertValid(e.getResource()));
        HttpResponse<String> patient = get(regionToken, "/fhir/Patient/" + PATIENT);
        assertThat(patient.statusCode()).isEqualTo(200);
        assertValid(FHIR.newJsonParser().parseResource(patient.body()));
        assertThat(patient.body()).contains("Greta Holm");
    }

    @Test
    void aCuffReadingIsOneBloodPressurePanelBySearchAndByRead() throws Exception {
        String cuffTime = enc(now.minusSeconds(50).toString());
        Bundle panels = search(regionToken, "Observation?patient=" + PATIENT + "&code=85354-9&date=" + cuffTime);
        assertThat(panels.getEntry()).hasSize(1);
        org.hl7.fhir.r4.model.Observation panel = observations(panels).get(0);
        assertThat(panel.getMeta().getProfile())
                .extracting(p -> p.getValue())
                .contains("http://hl7.org/fhir/StructureDefinition/bp");
        assertThat(panel.getCode().getCodingFirstRep().getCode()).isEqualTo("85354-9");
        assertThat(panel.getComponent())
                .extracting(c -> c.getCode().getCodingFirstRep().getCode() + "="
                        + c.getValueQuantity().getValue().intValue() + " "
                        + c.getValueQuantity().getCode())
                .containsExactly("8480-6=128 mm[Hg]", "8462-4=82 mm[Hg]", "8478-0=97 mm[Hg]");
        assertThat(panel.getIdentifierFirstRep().getValue()).isEqualTo(HUB + "/" + outbox + "/2/bp");
        assertValid(panel);

        // A search for systolic pressure finds the panel (its component matches), not a separate systolic; the
        // pulse the cuff measured stays its own heart-rate Observation.
        Bundle systolic = search(regionToken, "Observation?patient=" + PATIENT + "&code=8480-6&date=" + cuffTime);
        assertThat(observations(systolic))
                .extracting(o -> o.getIdElement().getIdPart())
                .containsExactly(panel.getIdElement().getIdPart());
        assertThat(observations(search(regionToken, "Observation?patient=" + PATIENT + "&date=" + cuffTime)))
                .extracting(o -> o.getCode().getCodingFirstRep().getCode())
                .containsExactlyInAnyOrder("85354-9", "8867-4");

        // Read by its id: the same panel, again valid.
        HttpResponse<String> read =
                get(regionToken, "/fhir/Observation/" + panel.getIdElement().getIdPart());
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        org.hl7.fhir.r4.model.Observation again =
                (org.hl7.fhir.r4.model.Observation) FHIR.newJsonParser().parseResource(read.body());
        assertThat(again.getIdentifierFirstRep().getValue())
                .isEqualTo(panel.getIdentifierFirstRep().getValue());
        assertThat(again.getComponent()).hasSize(3);
        assertValid(again);
        // The id of the diastolic reading "with -bp" names no panel: only the systolic's does.
        String diastolicPanelId = panel.getIdElement().getIdPart().replace("-2-bp", "-3-bp");
        assertThat(get(regionToken, "/fhir/Observation/" + diastolicPanelId).statusCode())
                .isEqualTo(404);
    }

    @Test
    void eachReadAndSearchWritesExactlyOneAccessLogEntryNamingWhoAndWhat() throws Exception {
        String id = observations(search(regionToken, "Observation?patient=" + PATIENT + "&code=29463-7"))
                .get(0)
                .getIdElement()
                .getIdPart();
        for (String path : List.of(
                "/fhir/Observation/" + id,
                "/fhir/Observation?patient=" + PATIENT + "&code=8480-6",
                "/fhir/Patient/" + PATIENT,
                "/fhir/Patient?_id=" + PATIENT,
                "/fhir/Device?patient=" + PATIENT,
                "/fhir/Device/" + enc("h-" + hex(CUFF)))) {
            long before = logCount("fhir-client:journal-region");
            HttpResponse<String> r = get(regionToken, path);
            assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
            assertThat(logCount("fhir-client:journal-region")).as(path).isEqualTo(before + 1);
            List<Object> newest = Alerting.rows(
                            ingest,
                            "SELECT action, patient_ids, detail FROM access_log WHERE "
                                    + "actor = 'fhir-client:journal-region' ORDER BY id DESC LIMIT 1")
                    .get(0);
            assertThat((String) newest.get(0)).startsWith("fhir.");
            assertThat(newest.get(1)).isEqualTo(List.of(PATIENT));
        }
        // A person signed in to the web app reads through the same API, logged under her own name.
        var anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        long before = logCount("person:anna");
        assertThat(anna.get("/fhir/Patient/" + PATIENT).statusCode()).isEqualTo(200);
        assertThat(logCount("person:anna")).isEqualTo(before + 1);
    }

    @Test
    void aJournalOfAnotherOrganisationGetsNothing() throws Exception {
        String id = observations(search(regionToken, "Observation?patient=" + PATIENT))
                .get(0)
                .getIdElement()
                .getIdPart();
        // It does see its own patient: the refusal below is the care relation, not a broken client.
        assertThat(get(eastToken, "/fhir/Patient/" + EAST_PATIENT).statusCode()).isEqualTo(200);
        assertThat(search(eastToken, "Observation?patient=" + EAST_PATIENT).getTotal())
                .isEqualTo(1);

        for (String path : List.of("/fhir/Patient/" + PATIENT, "/fhir/Observation/" + id)) {
            long before = logCount("fhir-client:journal-east");
            HttpResponse<String> r = get(eastToken, path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            OperationOutcome oo = (OperationOutcome) FHIR.newJsonParser().parseResource(r.body());
            assertThat(oo.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.NOTFOUND);
            assertThat(r.body()).doesNotContain("Greta");
            assertThat(logCount("fhir-client:journal-east")).isEqualTo(before + 1);
        }
        for (String query :
                List.of("Observation?patient=" + PATIENT, "Patient?_id=" + PATIENT, "Device?patient=" + PATIENT)) {
            long before = logCount("fhir-client:journal-east");
            Bundle b = search(eastToken, query);
            assertThat(b.getEntry()).as(query).isEmpty();
            assertThat(logCount("fhir-client:journal-east")).isEqualTo(before + 1);
        }
        assertThat(Alerting.rows(
                        ingest,
                        "SELECT DISTINCT cardinality(patient_ids) FROM access_log WHERE actor = "
                                + "'fhir-client:journal-east' AND detail LIKE '%" + PATIENT + "%'"))
                .containsExactly(List.of(0));

        HttpResponse<String> unknown = get("nfc_not-a-token", "/fhir/Patient/" + PATIENT);
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(unknown.body()).contains("OperationOutcome");
        HttpResponse<String> bad = get(regionToken, "/fhir/Observation?patient=" + PATIENT + "&value-quantity=5");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("OperationOutcome").contains("value-quantity");
    }

    @Test
    void aRevokedJournalIsRefusedAtOnce() throws Exception {
        String token = createClient("journal-temp", "Tillfällig journal", "region-oncall");
        assertThat(get(token, "/fhir/Patient/" + PATIENT).statusCode()).isEqualTo(200);
        HttpResponse<String> revoke = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create(ingest.baseUrl() + "/api/admin/fhir-clients/journal-temp/revoke"))
                                .header("Authorization", "Bearer " + ingest.apiKey())
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(revoke.statusCode()).as(revoke.body()).isEqualTo(200);
        assertThat(get(token, "/fhir/Patient/" + PATIENT).statusCode()).isEqualTo(401);
        // A journal's token opens the FHIR API only, never the web app's API.
        assertThat(get(regionToken, "/api/alerts").statusCode()).isEqualTo(401);
    }

    @Test
    void thePushReachesTheJournalThroughOutageAndLostAnswersEachReadingExactlyOnce() throws Exception {
        String pushOutbox = UUID.randomUUID().toString();
        ObservationBatch batch = ObservationBatch.of(
                pushOutbox,
                List.of(
                        obs(1, PATIENT, SCALE, "29463-7", 83.0, "kg", 5),
                        obs(2, PATIENT, CUFF, "8480-6", 131.0, "mm[Hg]", 4),
                        obs(3, PATIENT, CUFF, "8462-4", 85.0, "mm[Hg]", 4),
                        obs(4, PATIENT, CUFF, "8867-4", null, "/min", 4, ObservationFlag.MEASUREMENT_FAILED),
                        obs(5, PATIENT, "sim-poct-fhir", JournalServer.REFUSED_CODE, 1200.0, "pg/mL", 3),
                        obs(6, null, SCALE, "29463-7", 60.0, "kg", 2, ObservationFlag.UNATTRIBUTED)));
        String rows = "FROM fhir_push WHERE outbox = '" + pushOutbox + "'";

        // Phase 1: the journal answers 500 to everything.
        journal.mode(JournalServer.Mode.FAIL);
        publish(batch);
        // Four to send: the weight, the cuff's panel (its diastolic merged into it), the failed pulse, the refused one.
        await().atMost(DEADLINE)
                .until(() -> Alerting.rows(
                                ingest, "SELECT count(*) " + rows + " AND attempts >= 2 " + "AND state = 'PENDING'")
                        .get(0)
                        .get(0)
                        .equals(4L));
        // Phase 2: the journal is gone (connection refused).
        journal.stop();
        await().atMost(DEADLINE)
                .until(() -> Alerting.rows(
                                ingest,
                                "SELECT count(*) " + rows + " AND attempts >= 4 "
                                        + "AND state = 'PENDING' AND last_error NOT LIKE 'HTTP%'")
                        .get(0)
                        .get(0)
                        .equals(4L));
        // Phase 3: it is back, stores what it gets but the answer is lost; the retries must not make duplicates.
        journal.mode(JournalServer.Mode.STORE_THEN_FAIL);
        journal.start();
        await().atMost(DEADLINE).until(() -> identifiers(pushOutbox).size() == 3);
        // Recovery.
        journal.mode(JournalServer.Mode.ACCEPT);
        await().atMost(DEADLINE)
                .until(() -> Alerting.rows(ingest, "SELECT state, count(*) " + rows + " GROUP BY state ORDER BY state")
                        .equals(List.of(List.of("DEAD", 1L), List.of("DELIVERED", 3L), List.of("MERGED", 1L))));

        // The cuff reading arrived once, as the panel; neither half on its own.
        assertThat(identifiers(pushOutbox))
                .containsOnlyKeys(List.of("1", "2/bp", "4").stream()
                        .map(s -> "urn:nara:observation|" + HUB + "/" + pushOutbox + "/" + s)
                        .toList()
                        .toArray(String[]::new))
                .allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
        org.hl7.fhir.r4.model.Observation pushedPanel = journal.stored().stream()
                .filter(o -> o.getIdentifierFirstRep().getValue().endsWith(pushOutbox + "/2/bp"))
                .findFirst()
                .orElseThrow();
        assertThat(pushedPanel.getCode().getCodingFirstRep().getCode()).isEqualTo("85354-9");
        assertThat(pushedPanel.getComponent())
                .extracting(c -> c.getValueQuantity().getValue().intValue())
                .containsExactly(131, 85);
        assertThat(journal.identifierCounts().values()).allMatch(n -> n == 1);
        assertThat(journal.stored().stream()
                        .filter(o -> o.getIdentifierFirstRep().getValue().endsWith(pushOutbox + "/4"))
                        .findFirst()
                        .orElseThrow()
                        .getDataAbsentReason()
                        .getCodingFirstRep()
                        .getCode())
                .isEqualTo("error");
        journal.stored().forEach(FhirIT::assertValid);

        // The refused reading is dead-lettered where the operator sees it, with the journal's answer.
        long logged = Alerting.lastAccessLogId(ingest);
        HttpResponse<String> queue = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/api/admin/fhir-push"))
                                .header("Authorization", "Bearer " + ingest.apiKey())
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        JsonArray dead = new JsonObject(queue.body()).getJsonArray("dead");
        assertThat(dead).hasSize(1);
        assertThat(dead.getJsonObject(0).getString("identifier")).isEqualTo(HUB + "/" + pushOutbox + "/5");
        assertThat(dead.getJsonObject(0).getString("lastError")).contains("HTTP 422");
        // The dead letter names its patient: the operator's read is logged against that patient (ApiAccessIT).
        assertThat(Alerting.accessLogAfter(ingest, logged))
                .singleElement()
                .satisfies(e -> assertThat(e.subList(1, 4))
                        .containsExactly(
                                "operator",
                                "fhir-push.status",
                                List.of(dead.getJsonObject(0).getString("patientId"))));

        // A replay of the whole batch by the hub queues nothing new and sends nothing again.
        int acks = hub.received().size();
        int requests = journal.createRequests();
        publish(batch);
        await().atMost(DEADLINE).until(() -> hub.received().size() > acks);
        ingest.service()
                .feature(FhirFeature.class)
                .orElseThrow()
                .push()
                .deliverDue()
                .toCompletionStage()
                .toCompletableFuture()
                .get();
        assertThat(Alerting.rows(ingest, "SELECT count(*) " + rows)).containsExactly(List.of(5L));
        assertThat(journal.createRequests()).isEqualTo(requests);
    }

    @Test
    void aCuffReadingSplitAcrossTwoBatchesIsPushedAsOnePanel() throws Exception {
        // A batch boundary between systolic and diastolic: the first half waits for the second rather than going alone.
        String splitOutbox = UUID.randomUUID().toString();
        String patient = "patient-fhir-split";
        String cuff = "AA:BB:CC:00:11:33";
        // A home of its own (a household has at most two patients).
        String splitHub = "hub-it-fhir-2";
        HomeEnrolment.enrol(
                ingest,
                splitHub,
                new HubConfig(1, 1, List.of(), List.of(new DeviceBinding(cuff, "and-ua-651ble", patient))));
        try (TestMqttClient hub = new TestMqttClient(DevStack.ensureUp(), splitHub, splitHub + "-pub")) {
            hub.subscribe(HubTopic.of(splitHub, HubTopic.Kind.ACK).name());
            publish(
                    hub,
                    splitHub,
                    ObservationBatch.of(splitOutbox, List.of(obs(1, patient, cuff, "8480-6", 142.0, "mm[Hg]", 7))));
            publish(
                    hub,
                    splitHub,
                    ObservationBatch.of(
                            splitOutbox,
                            List.of(
                                    obs(2, patient, cuff, "8462-4", 88.0, "mm[Hg]", 7),
                                    obs(3, patient, cuff, "8867-4", 71.0, "/min", 7))));
            String rows = "FROM fhir_push WHERE outbox = '" + splitOutbox + "'";
            await().atMost(DEADLINE)
                    .until(() -> Alerting.rows(
                                    ingest, "SELECT state, count(*) " + rows + " GROUP BY state ORDER BY state")
                            .equals(List.of(List.of("DELIVERED", 2L), List.of("MERGED", 1L))));
            assertThat(identifiers(splitOutbox))
                    .containsOnlyKeys(
                            "urn:nara:observation|" + splitHub + "/" + splitOutbox + "/1/bp",
                            "urn:nara:observation|" + splitHub + "/" + splitOutbox + "/3")
                    .allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
            org.hl7.fhir.r4.model.Observation panel = journal.stored().stream()
                    .filter(o -> o.getIdentifierFirstRep().getValue().endsWith(splitOutbox + "/1/bp"))
                    .findFirst()
                    .orElseThrow();
            assertThat(panel.getComponent())
                    .extracting(c -> c.getValueQuantity().getValue().intValue())
                    .containsExactly(142, 88);
            assertValid(panel);

            // The hub replays both batches (no acknowledgement reached it): nothing new is queued or sent.
            int requests = journal.createRequests();
            int acks = hub.received().size();
            publish(
                    hub,
                    splitHub,
                    ObservationBatch.of(splitOutbox, List.of(obs(1, patient, cuff, "8480-6", 142.0, "mm[Hg]", 7))));
            publish(
                    hub,
                    splitHub,
                    ObservationBatch.of(
                            splitOutbox,
                            List.of(
                                    obs(2, patient, cuff, "8462-4", 88.0, "mm[Hg]", 7),
                                    obs(3, patient, cuff, "8867-4", 71.0, "/min", 7))));
            await().atMost(DEADLINE).until(() -> hub.received().size() >= acks + 2);
            ingest.service()
                    .feature(FhirFeature.class)
                    .orElseThrow()
                    .push()
                    .deliverDue()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get();
            assertThat(Alerting.rows(ingest, "SELECT count(*) " + rows)).containsExactly(List.of(3L));
            assertThat(journal.createRequests()).isEqualTo(requests);
        }
    }

    private static Map<String, Integer> identifiers(String ofOutbox) {
        Map<String, Integer> counts = new TreeMap<>();
        journal.identifierCounts().forEach((k, n) -> {
            if (k.contains(ofOutbox)) {
                counts.put(k, n);
            }
        });
        return counts;
    }

    private static Observation obs(
            long seq,
            String patient,
            String device,
            String code,
            Double value,
            String unit,
            long secondsAgo,
            ObservationFlag... flags) {
        Instant at = now.minusSeconds(secondsAgo);
        return new Observation(
                seq,
                patient,
                device,
                code,
                value,
                unit,
                at,
                at.plusSeconds(1),
                flags.length == 0 ? Set.of() : Set.of(flags));
    }

    private static void publish(ObservationBatch batch) throws Exception {
        publish(hub, HUB, batch);
    }

    private static void publish(TestMqttClient from, String hubId, ObservationBatch batch) throws Exception {
        from.publish(HubTopic.of(hubId, HubTopic.Kind.OBS).name(), new MessageCodec().encode(batch));
    }

    private static String createClient(String id, String name, String team) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/api/admin/fhir-clients"))
                                .header("Authorization", "Bearer " + ingest.apiKey())
                                .header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject()
                                        .put("id", id)
                                        .put("name", name)
                                        .put("teams", new JsonArray().add(team))
                                        .encode()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body()).getString("token");
    }

    private static HttpResponse<String> get(String token, String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + path))
                                .header("Authorization", "Bearer " + token)
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static Bundle search(String token, String query) throws Exception {
        HttpResponse<String> r = get(token, "/fhir/" + query);
        assertThat(r.statusCode()).as(query + " " + r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/fhir+json");
        return (Bundle) FHIR.newJsonParser().parseResource(r.body());
    }

    private static List<org.hl7.fhir.r4.model.Observation> observations(Bundle b) {
        List<org.hl7.fhir.r4.model.Observation> out = new ArrayList<>();
        b.getEntry().forEach(e -> out.add((org.hl7.fhir.r4.model.Observation) e.getResource()));
        return out;
    }

    private static long logCount(String actor) throws Exception {
        return (Long) Alerting.rows(ingest, "SELECT count(*) FROM access_log WHERE actor = '" + actor + "'")
                .get(0)
                .get(0);
    }

    private static void assertValid(IBaseResource resource) {
        var errors = validator.validateWithResult(resource).getMessages().stream()
                .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
                .toList();
        assertThat(errors)
                .as(() -> FHIR.newJsonParser().encodeResourceToString(resource))
                .isEmpty();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }
}
