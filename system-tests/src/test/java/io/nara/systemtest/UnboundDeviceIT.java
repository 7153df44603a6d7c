package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.gateway.coap.CoapSettings;
import io.nara.gateway.installer.TransportSettings;
import io.nara.ingest.enrol.HubEnrolment;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;

/**
 * IP devices the hub sees but that are not bound, against the real broker and databases, with libcoap's coap-client
 * over DTLS as the devices: a scale whose key the hub lacks is refused in the handshake and still shows up on the
 * hub's enrolment page; a scale whose key the hub has but that is bound to nobody has its weight held by the hub, and
 * the nurse of the household sees that weight (value, device, time; the read access-logged), while nothing of it is
 * stored as anybody's observation. The nurse reads that the newcomer waits for its key; the installer gives it on the
 * hub (pairing mode, the hub's local API) and the newcomer's weight is held too. Once she binds the scale from the
 * cloud, its next weight is the patient's.
 */
class UnboundDeviceIT {

    /** A new hub id each run: the broker keeps the retained status of an earlier run's hub, and the cloud would know it. */
    private static final String HUB =
            "hub-it-unbound-" + UUID.randomUUID().toString().substring(0, 8);

    private static final String NEWCOMER = "ip-newcomer-1";
    private static final String SCALE = "ip-scale-unbound-1";
    private static final String KEY = "scale-key-0123456789";
    private static final Duration LONG = Duration.ofSeconds(90);

    private static DevStack stack;
    private static Services.Ingest ingest;
    private static Services.Hub hub;
    private static int coapPort;
    /** The hub's CoAP key file. */
    private static Path keys;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        stack = DevStack.ensureUp();
        ingest = Services.startEnrollingIngest(
                stack, Clock.systemUTC(), Alerting.plainHttp(), HubEnrolment.Settings.defaults());
        Alerting.importOrganisation(ingest, Alerting.organisationWithNeighbour());
        HttpResponse<String> registered = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/api/fleet/hubs"))
                                .header("Authorization", "Bearer " + ingest.apiKey())
                                .header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"hubId\":\"" + HUB + "\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        Path codeFile = Files.writeString(
                dir.resolve("enrolment-code"), new JsonObject(registered.body()).getString("code") + "\n");
        // The hub's key file: the installer put the scale's key there; the newcomer's key is not.
        keys = Files.writeString(dir.resolve("coap-psk"), "# device=key\n" + SCALE + "=" + KEY + "\n");
        try (DatagramSocket free = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            coapPort = free.getLocalPort();
        }
        hub = Services.startNewHub(
                stack,
                ingest,
                HUB,
                dir.resolve("hub"),
                codeFile,
                new TransportSettings(null, new CoapSettings("127.0.0.1", coapPort, -1, keys), List.of(), null));
        await().atMost(LONG)
                .until(() -> Services.hubStatus(hub.statusUrl())
                        .get("connectedToCloud")
                        .asBoolean());
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(hub, ingest);
    }

    @Test
    void theNurseSeesUnboundDevicesAndTheirReadingsAndBindsOne(@TempDir Path dir) throws Exception {
        Alerting.Session anna = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
        HttpResponse<String> enrolled = anna.post(
                "/api/enrolment/patients",
                new JsonObject()
                        .put("name", "Karin Ek")
                        .put("nationalId", "19121212-1212")
                        .put("teams", new JsonArray().add("home-nursing-north"))
                        .put("hubId", HUB),
                true);
        assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(201);
        String patient = new JsonObject(enrolled.body()).getString("patientId");

        // A scale whose key the hub lacks: no session, but the nurse sees it tried.
        DevStack.Result refused = postWeight(dir, NEWCOMER, "newcomer-key-0123", 79.0);
        assertThat(refused.output()).doesNotContainPattern("(?<![0-9.:])2\\.04(?![0-9])");
        JsonObject newcomer = await().atMost(LONG)
                .until(() -> discovered(anna, NEWCOMER), Optional::isPresent)
                .get();
        assertThat(newcomer.getString("transport")).isEqualTo("coap");
        assertThat(newcomer.getString("detail")).contains("key not in the hub's key file");
        assertThat(newcomer.getJsonArray("readings")).isEmpty();

        // A scale the hub has the key of, bound to nobody: its weight is held on the hub and shown to the nurse.
        DevStack.Result held = postWeight(dir, SCALE, KEY, 81.6);
        assertThat(held.output()).contains("4.01").contains("not bound");
        long logged = Alerting.lastAccessLogId(ingest);
        JsonObject scale = await().atMost(LONG)
                .until(
                        () -> discovered(anna, SCALE),
                        d -> d.isPresent() && !d.get().getJsonArray("readings").isEmpty())
                .get();
        JsonObject reading = scale.getJsonArray("readings").getJsonObject(0);
        assertThat(reading.getString("code")).isEqualTo("29463-7");
        assertThat(reading.getDouble("value")).isEqualTo(81.6);
        assertThat(reading.getString("unit")).isEqualTo("kg");
        assertThat(reading.getString("received")).isNotNull();
        assertThat(Alerting.accessLogAfter(ingest, logged)).anySatisfy(row -> {
            assertThat(row.get(1)).isEqualTo("person:anna");
            assertThat(row.get(2)).isEqualTo("enrolment.hub");
            assertThat(String.valueOf(row.get(3))).contains(patient);
        });
        // The hub's status tells what its quarantine holds: the nurse sees how many and the newest reason.
        JsonObject quarantine = await().atMost(LONG)
                .until(
                        () -> hubPage(anna).getJsonObject("quarantine"),
                        q -> q != null && q.getLong("held") >= 1 && SCALE.equals(q.getString("newestDevice")));
        assertThat(quarantine.getString("newestProblem")).contains("not bound");
        // The enrolment page shows it in Chromium, with the value as a Swedish nurse writes it.
        try (Browser browser = Browser.start("unbound-device")) {
            browser.signIn(ingest.baseUrl(), "anna", "anna-secret-1");
            browser.open(ingest.baseUrl() + "/enrolment.html?hub=" + HUB);
            String row = "#discovered tr[data-device='" + SCALE + "']";
            String shown = browser.await(
                    "the scale's held weight on the enrolment page",
                    LONG,
                    d -> browser.findAll(row + " .held").stream()
                            .map(WebElement::getText)
                            .filter(t -> t.contains("81,6 kg"))
                            .findFirst()
                            .orElse(null));
            assertThat(shown).contains("29463-7");
            assertThat(browser.findAll("#discovered tr[data-device='" + NEWCOMER + "']"))
                    .hasSize(1);
            // The newcomer's key is missing: the nurse reads what the installer does on the hub.
            assertThat(browser.find("#discovered tr[data-device='" + NEWCOMER + "'] .key-missing")
                            .getText())
                    .contains(
                            "Hubben saknar enhetens nyckel", "nara-installer coap-key " + NEWCOMER, "parkopplingsläge");
            assertThat(browser.find("#quarantine").getText())
                    .contains("I hubbens karantän")
                    .contains(SCALE)
                    .contains("not bound");
            browser.screenshot("held-readings");
            // Its storage, as its status said: nothing given up, a few records of its limit.
            assertThat(browser.find("#storage").getText())
                    .matches("(?s)Hubbens lagring.*: OK \\(\\d+ av \\d+ poster\\)");
        }
        // Nobody's observation: nothing in InfluxDB, no alert; and a nurse of another municipality sees nothing.
        assertThat(new CloudQueries(stack, ingest).observationSeqs(HUB)).isEmpty();
        assertThat(Alerting.rows(ingest, "SELECT count(*) FROM alert WHERE hub_id = '" + HUB + "'"))
                .containsExactly(List.of(0L));
        Alerting.Session eva = Alerting.Session.of(ingest.baseUrl(), "eva", "eva-secret-1");
        assertThat(eva.get("/api/enrolment/hubs/" + HUB).statusCode()).isEqualTo(404);

        // The installer lets the newcomer in on the hub: pairing mode, then its key. Its next weight gets through
        // the handshake and, bound to nobody yet, is held and shown like the scale's.
        HttpClient http = HttpClient.newHttpClient();
        assertThat(http.send(
                                hub.installerPost("/api/coap-keys")
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(
                                                "{\"identity\":\"" + NEWCOMER + "\",\"key\":\"newcomer-key-0123\"}"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .as("no key without pairing mode")
                .isEqualTo(409);
        assertThat(http.send(hub.installerPost("/api/pairing?minutes=5").build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(200);
        HttpResponse<String> keyed = http.send(
                hub.installerPost("/api/coap-keys")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"identity\":\"" + NEWCOMER + "\",\"key\":\"newcomer-key-0123\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(keyed.statusCode()).as(keyed.body()).isEqualTo(200);
        assertThat(Files.readString(keys)).contains(NEWCOMER + "=newcomer-key-0123");
        DevStack.Result letIn = postWeight(dir, NEWCOMER, "newcomer-key-0123", 79.2);
        assertThat(letIn.output()).contains("4.01").contains("not bound");
        JsonObject heldNewcomer = await().atMost(LONG)
                .until(
                        () -> discovered(anna, NEWCOMER),
                        d -> d.isPresent() && !d.get().getJsonArray("readings").isEmpty())
                .get();
        assertThat(heldNewcomer.getString("detail")).contains("quarantine");
        assertThat(heldNewcomer.getJsonArray("readings").getJsonObject(0).getDouble("value"))
                .isEqualTo(79.2);

        // She binds the scale to Karin; once the hub applied the config, its next weight is Karin's.
        HttpResponse<String> bound = anna.post(
                "/api/enrolment/hubs/" + HUB + "/devices",
                new JsonObject()
                        .put("deviceId", SCALE)
                        .put("model", "generic-weight-scale")
                        .put("patientId", patient),
                true);
        assertThat(bound.statusCode()).as(bound.body()).isEqualTo(200);
        await().atMost(LONG)
                .until(() ->
                        "APPLIED".equals(hubPage(anna).getJsonObject("config").getString("state")));
        assertThat(discovered(anna, SCALE))
                .as("a bound device is no longer offered")
                .isEmpty();
        DevStack.Result stored = postWeight(dir, SCALE, KEY, 81.4);
        assertThat(stored.exitCode()).as(stored.output()).isZero();
        assertThat(stored.output()).doesNotContain("4.");
        await().atMost(LONG)
                .until(() -> new CloudQueries(stack, ingest)
                        .pointsByPatient(HUB, "29463-7").stream()
                                .anyMatch(p -> p.startsWith(patient + " ") && p.endsWith(" 81.4")));
        assertThat(new CloudQueries(stack, ingest).pointsByPatient(HUB, "29463-7"))
                .hasSize(1);
    }

    private static DevStack.Result postWeight(Path dir, String identity, String key, double kg) {
        String senml = "[{\"bn\":\"urn:dev:" + identity + ":\",\"n\":\"weight\",\"u\":\"kg\",\"v\":" + kg + "}]";
        return DevStack.run(
                dir,
                List.of(
                        "coap-client-openssl",
                        "-m",
                        "post",
                        "-t",
                        "110",
                        "-B",
                        "10",
                        "-e",
                        senml,
                        "-u",
                        identity,
                        "-k",
                        key,
                        "coaps://127.0.0.1:" + coapPort + "/senml"),
                30);
    }

    private static JsonObject hubPage(Alerting.Session nurse) throws Exception {
        HttpResponse<String> r = nurse.get("/api/enrolment/hubs/" + HUB);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    private static Optional<JsonObject> discovered(Alerting.Session nurse, String deviceId) throws Exception {
        for (Object d : hubPage(nurse).getJsonArray("discovered")) {
            JsonObject device = (JsonObject) d;
            if (deviceId.equals(device.getString("deviceId"))) {
                return Optional.of(device);
            }
        }
        return Optional.empty();
    }
}
