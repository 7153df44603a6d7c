package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nara.gateway.outbox.StorageLimits;
import io.nara.gateway.uplink.Uplink;
import io.nara.mqtt.BrokerConnection;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An offline hub reaches its storage limit: continuous samples are thinned, the hub says so in its status and as an
 * alert, every alert survives, and when it is back online everything it kept arrives. The cloud shows the thinning on
 * the fleet page (API and Chromium) and the hub's enrolment view while the backlog drains, and OK once it has.
 */
class StorageLimitIT {

    private static final String HUB = "hub-it-storage";
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final long LIMIT = 6_000;
    /** Slow enough that what the hub kept takes some 30 s to drain: the fleet page is looked at meanwhile. */
    private static final int DRAIN_PER_SECOND = 200;

    @Test
    void theStoragePolicyHoldsAndAlertsSurvive(@TempDir Path data) throws Exception {
        DevStack stack = DevStack.faultStack();
        Uplink.Settings uplink = new Uplink.Settings(250, 4, 10_000, 60_000, 0);
        StorageLimits storage =
                new StorageLimits(LIMIT, StorageLimits.defaults().maxBytes());
        BrokerConnection nowhere =
                new BrokerConnection(URI.create("ssl://127.0.0.1:" + freePort()), stack.identity(HUB));
        long systolicAlertSeq;
        try (Services.Hub offline =
                Services.startHub(stack, HUB, data, Services.homeConfig(1), uplink, storage, nowhere)) {
            systolicAlertSeq = alertSeq(post(offline, "/api/simulate/cuff?systolic=84"));
            offline.service()
                    .simulatedHome()
                    .backfill(2, 8, Services.OXIMETER)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(120, TimeUnit.SECONDS);
            JsonNode afterBackfill = Services.hubStatus(offline.statusUrl());
            assertThat(afterBackfill.get("storage").get("thinnedSamples").asLong())
                    .isPositive();
            assertThat(afterBackfill.get("storage").get("droppedReadings").asLong())
                    .isZero();
            // The hub announces it: an alert for the patient, once, in the outbox with the rest.
            await().atMost(DEADLINE).until(() -> pendingAlertRules(data).contains("hub-storage"));
            assertThat(pendingAlertRules(data)).contains("systolic-low");
            assertThat(Services.hubStatus(offline.statusUrl())
                            .get("outboxPending")
                            .asLong())
                    .isLessThanOrEqualTo(LIMIT + 2);
        }

        Services.Ingest ingest = HomeEnrolment.enrolled(
                Services.startIngest(
                        stack,
                        "it-" + UUID.randomUUID().toString().substring(0, 8),
                        stack.freshPostgres(),
                        stack.freshInflux()),
                HUB,
                Services.homeConfig(1));
        Uplink.Settings draining = new Uplink.Settings(250, 4, 10_000, 60_000, DRAIN_PER_SECOND);
        // Signed in before the hub connects, so the page is looked at while the backlog drains.
        try (ingest;
                Browser browser = Browser.start("storage-limit")) {
            browser.signIn(ingest.baseUrl(), HomeEnrolment.DOCTOR, HomeEnrolment.DOCTOR_PASSWORD);
            try (Services.Hub online =
                    Services.startHub(stack, HUB, data, Services.homeConfig(1), draining, storage, stack.broker(HUB))) {
                cameBackOnline(stack, ingest, online, browser, systolicAlertSeq);
            }
        }
    }

    /** The hub, restarted after it thinned offline, reaches the cloud: the cloud shows it and gets everything kept. */
    private static void cameBackOnline(
            DevStack stack, Services.Ingest ingest, Services.Hub online, Browser browser, long systolicAlertSeq)
            throws Exception {
        long kept = Services.hubStatus(online.statusUrl()).get("outboxPending").asLong();
        // Its first status says what it gave up offline (the count survived its restart): the operator's filter
        // "storage not OK" lists it while what it kept is still on its way.
        JsonObject row = await().atMost(DEADLINE)
                .until(
                        () -> fleetRow(ingest, "?storage=problem"),
                        r -> r != null && r.getString("storageLevel") != null);
        assertThat(row.getString("storageLevel")).isEqualTo("THINNED");
        long thinned = row.getLong("storageThinnedSamples");
        assertThat(thinned).isPositive();
        assertThat(row.getLong("storageDroppedReadings")).isZero();
        assertThat(row.getBoolean("storageFull")).isFalse();
        assertThat(row.getLong("storageMaxRecords")).isEqualTo(LIMIT);
        assertThat(row.getLong("storageRecords")).isPositive().isLessThanOrEqualTo(LIMIT + 2);
        HttpResponse<String> unknown = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/api/fleet/hubs?storage=full"))
                                .header("Authorization", "Bearer " + ingest.apiKey())
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("storage must be 'problem'");
        JsonObject hubView = new JsonObject(operatorGet(ingest, "/api/enrolment/hubs/" + HUB));
        assertThat(hubView.getJsonObject("storage").getString("level")).isEqualTo("THINNED");
        assertThat(hubView.getJsonObject("storage").getLong("thinnedSamples")).isEqualTo(thinned);
        // The fleet page, in Swedish, as the patient's doctor sees it.
        browser.open(ingest.baseUrl() + "/fleet.html");
        String cell = "tr[data-hub-id='" + HUB + "'] td[data-storage]";
        String shown = browser.await(
                "the hub's storage on the fleet page",
                d -> browser.findAll(cell).stream()
                        .map(e -> e.getText())
                        .filter(t -> t.startsWith("Gallrad: "))
                        .findFirst()
                        .orElse(null));
        assertThat(shown).matches("(?s)Gallrad: \\d+ prov\\s+\\d+ av " + LIMIT + " poster");
        assertThat(browser.find(cell).getAttribute("data-storage")).isEqualTo("THINNED");
        browser.script("document.querySelector(arguments[0]).scrollIntoView()", cell);
        browser.screenshot("fleet-storage-thinned");
        await().atMost(DEADLINE).until(() -> Services.outboxEmpty(online.statusUrl()));
        CloudQueries cloud = new CloudQueries(stack, ingest);
        assertThat(cloud.alertSeqs(HUB)).contains(systolicAlertSeq).hasSizeGreaterThanOrEqualTo(2);
        assertThat((long) cloud.observationSeqs(HUB).size()
                        + cloud.alertSeqs(HUB).size())
                .isEqualTo(kept);
        // The oximeter's samples came flagged as continuous: in the raw-sample policy; the cuff's reading is not.
        assertThat(cloud.rawSampleSeqs(HUB))
                .isNotEmpty()
                .hasSizeLessThan(cloud.observationSeqs(HUB).size());
        System.out.printf(
                "StorageLimitIT: limit %d records, %d kept after thinning, all alerts kept, %d stored "
                        + "in the cloud%n",
                LIMIT, kept, kept);
        // Everything it kept has arrived: the hub says at once that its storage is OK again.
        JsonObject drained = await().atMost(DEADLINE)
                .until(() -> fleetRow(ingest, ""), r -> "OK".equals(r.getString("storageLevel")));
        assertThat(drained.getLong("storageThinnedSamples")).isZero();
        assertThat(fleetRow(ingest, "?storage=problem")).isNull();
        // On the page: the hub's storage reads OK, and the filter "Lagring ej OK" no longer lists it.
        browser.open(ingest.baseUrl() + "/fleet.html");
        browser.await(
                "the hub's storage OK",
                d -> browser.findAll(cell).stream()
                        .anyMatch(e -> "OK".equals(e.getAttribute("data-storage"))
                                && e.getText().startsWith("OK")));
        browser.find("#storage-problem").click();
        browser.await(
                "no hub with a storage problem", d -> browser.find("#empty").isDisplayed());
    }

    /** The hub's row of the fleet register, as the operator's key reads it; null when the filter leaves it out. */
    private static JsonObject fleetRow(Services.Ingest ingest, String query) throws Exception {
        JsonArray rows = new JsonArray(operatorGet(ingest, "/api/fleet/hubs" + query));
        for (Object r : rows) {
            JsonObject row = (JsonObject) r;
            if (HUB.equals(row.getString("hubId"))) {
                return row;
            }
        }
        return null;
    }

    private static String operatorGet(Services.Ingest ingest, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + path))
                                .header("Authorization", "Bearer " + ingest.apiKey())
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    @Test
    void inASharedHomeEveryPatientHearsOfIt(@TempDir Path data) throws Exception {
        DevStack stack = DevStack.faultStack();
        // A couple: the scale is shared (a user slot each), so it is bound to no single patient.
        HubConfig single = Services.homeConfig(1);
        List<DeviceBinding> devices = new ArrayList<>(single.devices());
        devices.removeIf(d -> d.deviceId().equals(Services.SCALE));
        devices.add(new DeviceBinding(
                Services.SCALE,
                "sim-scale",
                null,
                List.of(
                        new DeviceBinding.DeviceUser(Services.PATIENT, 1),
                        new DeviceBinding.DeviceUser("patient-it-2", 2))));
        HubConfig shared = new HubConfig(1, 1, single.carePlans(), devices);
        BrokerConnection nowhere =
                new BrokerConnection(URI.create("ssl://127.0.0.1:" + freePort()), stack.identity(HUB + "-shared"));
        try (Services.Hub offline = Services.startHub(
                stack,
                HUB + "-shared",
                data,
                shared,
                new Uplink.Settings(250, 4, 10_000, 60_000, 0),
                new StorageLimits(LIMIT, StorageLimits.defaults().maxBytes()),
                nowhere)) {
            offline.service()
                    .simulatedHome()
                    .backfill(2, 8, Services.OXIMETER)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(120, TimeUnit.SECONDS);
            await().atMost(DEADLINE)
                    .until(() -> pendingAlerts(data, "hub-storage").size() >= 2);
            // Once per worsening, each time for both partners (a shared device has no patient of its own).
            List<String> told = pendingAlerts(data, "hub-storage");
            assertThat(told).containsOnly(Services.PATIENT, "patient-it-2");
            assertThat(told.stream().filter(Services.PATIENT::equals).count() * 2)
                    .isEqualTo(told.size());
        }
    }

    /** The patients of the alerts of one rule waiting in the hub's outbox. */
    private static List<String> pendingAlerts(Path data, String ruleId) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("outbox.db"));
                Statement s = c.createStatement();
                ResultSet rows =
                        s.executeQuery("SELECT json_extract(body, '$.patientId') FROM outbox WHERE kind = 'ALERT'"
                                + " AND json_extract(body, '$.ruleId') = '" + ruleId + "'")) {
            List<String> patients = new ArrayList<>();
            while (rows.next()) {
                patients.add(rows.getString(1));
            }
            return patients;
        }
    }

    private static long alertSeq(JsonNode stored) {
        for (JsonNode entry : stored.get("stored")) {
            if (entry.has("ruleId")) {
                return entry.get("seq").asLong();
            }
        }
        throw new AssertionError("no alert in " + stored);
    }

    private static JsonNode post(Services.Hub hub, String pathAndQuery) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(hub.installerPost(pathAndQuery).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return new ObjectMapper().readTree(response.body());
    }

    /** The rule ids of the alerts waiting in the hub's outbox, read from its database as an installer would. */
    private static List<String> pendingAlertRules(Path data) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("outbox.db"));
                Statement s = c.createStatement();
                ResultSet rows =
                        s.executeQuery("SELECT json_extract(body, '$.ruleId') FROM outbox WHERE kind = 'ALERT'")) {
            List<String> rules = new ArrayList<>();
            while (rows.next()) {
                rules.add(rows.getString(1));
            }
            return rules;
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
