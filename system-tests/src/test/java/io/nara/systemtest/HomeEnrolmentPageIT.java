package io.nara.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nara.gateway.ble.BleSettings;
import io.nara.gateway.installer.TransportSettings;
import io.nara.ingest.enrol.HubEnrolment;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * A home set up from nothing, against the real broker, databases and Chromium: the operator registers a hub in the
 * fleet register and gets its one-time code; the hub (its file holds only its identity and the cloud's address) makes
 * its own key pair, enrols over EST with the code, connects to Mosquitto with the certificate and broker account it
 * got, and waits for its config. The nurse, in Chromium, enrols a patient on the enrolment page; the hub reports a
 * blood-pressure cuff it sees behind a fake BlueZ on a private D-Bus; she opens pairing mode from the cloud and binds
 * the cuff to the patient; the hub applies the new config, pairs the cuff, fetches its stored reading of 85 mmHg, the
 * cloud (authorising every hub message against the bindings) accepts it, and the alert reaches her inbox.
 */
class HomeEnrolmentPageIT {

    /** A new hub id each run: the broker keeps the retained status of an earlier run's hub, and the cloud would know it. */
    private static final String HUB =
            "hub-it-home-" + UUID.randomUUID().toString().substring(0, 8);

    private static final String CUFF = "AA:00:00:00:00:0C";
    private static final Path BLE =
            Path.of("..", "gateway", "src", "test", "resources", "ble").toAbsolutePath();
    private static final Duration LONG = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static DevStack stack;
    private static Services.Ingest ingest;
    private static Process bus;
    private static Process bluez;
    private static Path dir;
    private static String bluezAddress;
    private static Services.Hub hub;
    private static Browser anna;

    @BeforeAll
    static void start() throws Exception {
        requireFakeBluez();
        stack = DevStack.ensureUp();
        dir = Files.createTempDirectory("nara-home-enrolment-");
        // The real clock on both sides: pairing mode opened in the cloud is a time the hub compares with its own. The
        // ingest is the hub CA too, and authorises every hub message against the bindings in the cloud.
        ingest = Services.startEnrollingIngest(
                stack, Clock.systemUTC(), Alerting.plainHttp(), HubEnrolment.Settings.defaults());
        Alerting.importOrganisation(ingest, Alerting.organisation());
        bluezAddress = startFakeBluez();
    }

    @AfterAll
    static void stop() throws Exception {
        Services.closeAll(anna, hub, ingest);
        for (Process p : new Process[] {bluez, bus}) {
            if (p != null) {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aHubEnrolsFromNothingANurseEnrolsAPatientBindsTheCuffTheHubFoundAndItsLowReadingReachesHerInbox()
            throws Exception {
        // The operator registers the hub in stock; its one-time code goes on its label (here: the code file).
        HttpResponse<String> registered = operatorPost("/api/fleet/hubs", "{\"hubId\":\"" + HUB + "\"}");
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        String code = JSON.readTree(registered.body()).get("code").asText();
        Path codeFile = Files.writeString(dir.resolve("enrolment-code"), code + "\n");
        assertThat(fleetRow().get("lifecycle").asText()).isEqualTo("IN_STOCK");

        // The hub from nothing: no certificate, no bootstrap config; BLE through the private bus.
        Path data = dir.resolve("hub");
        hub = Services.startNewHub(
                stack,
                ingest,
                HUB,
                data,
                codeFile,
                new TransportSettings(
                        new BleSettings(
                                "bluez-dbus", bluezAddress, "hci0", null, Duration.ofSeconds(5), Duration.ofSeconds(2)),
                        null,
                        List.of(),
                        null));
        await().atMost(LONG)
                .until(() -> Services.hubStatus(hub.statusUrl())
                        .get("connectedToCloud")
                        .asBoolean());
        JsonNode enrolment = Services.hubStatus(hub.statusUrl()).get("enrolment");
        assertThat(enrolment.get("enrolled").asBoolean()).isTrue();
        // The key was made on the hub and stays there; the cloud holds only the certificate it signed.
        assertThat(data.resolve("identity/hub.p12")).exists();
        assertThat(data.resolve("identity/pending-key.pem")).doesNotExist();
        assertThat(Alerting.rows(ingest, "SELECT count(*) FROM hub_certificate WHERE hub_id = '" + HUB + "'"))
                .containsExactly(List.of(1L));
        await().atMost(LONG).until(() -> !fleetRow().get("software").isNull());
        JsonNode fleet = fleetRow();
        assertThat(fleet.get("lifecycle").asText()).isEqualTo("ENROLLED");
        assertThat(fleet.get("codeValidUntil").isNull())
                .as("the code is used up")
                .isTrue();

        // The nurse of the home-nursing team on duty now (the alert goes to whoever is): Anna by day, Bertil in the
        // evening, Cecilia at night.
        int hour = LocalDateTime.now(ZoneId.of("Europe/Stockholm")).getHour();
        String nurse = hour < 7 ? "cecilia" : hour < 16 ? "anna" : "bertil";
        anna = Browser.start("home-enrolment");
        anna.signInToInbox(ingest.baseUrl(), nurse, nurse + "-secret-1");
        anna.open(ingest.baseUrl() + "/enrolment.html");
        anna.await(
                "the enrolment form with her teams",
                d -> !anna.findAll("input.team").isEmpty());
        anna.find("#name").sendKeys("Karin Ek");
        anna.find("#national-id").sendKeys("19121212-1212");
        // Her own team is ticked already; the region's doctors care for the patient too.
        for (WebElement team : anna.findAll("input.team")) {
            if ("region-oncall".equals(team.getAttribute("value")) && !team.isSelected()) {
                team.click();
            }
        }
        anna.find("#hub-id").sendKeys(HUB);
        anna.find("#enrol").click();
        anna.await(
                "the home the hub serves",
                d -> anna.find("#home").isDisplayed()
                        && anna.find("#home-patients").getText().contains("Karin Ek (19121212-1212)"));
        anna.screenshot("1-enrolled");

        // The hub reports the cuff it sees and that is not bound; she opens pairing mode and binds it to Karin.
        String row = "#discovered tr[data-device='" + CUFF + "']";
        anna.await("the cuff the hub found", LONG, d -> anna.findAll(row).size() == 1);
        assertThat(anna.find(row).getText()).contains("A&D UA-651BLE");
        anna.find("#pairing").click();
        anna.await(
                "pairing mode open", d -> anna.find("#pairing-state").getText().contains("Parkoppling öppen"));
        anna.await("the cuff still offered", d -> anna.findAll(row).size() == 1);
        new Select(anna.find(row + " select.whom")).selectByVisibleText("Karin Ek");
        anna.find(row + " button").click();
        anna.await(
                "the cuff bound",
                d -> anna.findAll("#bindings tr[data-device='" + CUFF + "']").size() == 1);
        anna.await(
                "the hub applying the config",
                LONG,
                d -> "APPLIED".equals(anna.find("#config-state").getAttribute("data-state")));
        anna.screenshot("2-cuff-bound-applied");

        // The hub pairs the cuff, fetches its stored 85 mmHg, raises the alert; the cloud routes it to Anna.
        anna.open(ingest.baseUrl() + "/");
        WebElement alert = anna.await(
                "Karin's alert in the inbox",
                LONG,
                d -> d.findElements(By.cssSelector("#unowned tr")).stream()
                        .filter(tr -> tr.getText().contains("Karin Ek"))
                        .findFirst()
                        .orElse(null));
        assertThat(alert.getText()).contains("85", "mmHg");
        anna.screenshot("3-alert-in-inbox");
        String patient = (String) Alerting.rows(ingest, "SELECT id FROM patient WHERE national_id = '191212121212'")
                .get(0)
                .get(0);
        assertThat(Alerting.rows(
                        ingest,
                        "SELECT rule_id FROM alert WHERE hub_id = '" + HUB + "' AND patient_id = '" + patient + "'"))
                .contains(List.of("systolic-low"));
        assertThat(Files.readString(dir.resolve("fake-bluez.log"))).contains("PAIRED " + CUFF);

        // Karin's page shows the hub, the cuff bound from the cloud and the measurements her plan expects.
        anna.open(ingest.baseUrl() + "/patient.html?id=" + patient);
        anna.await(
                "the hub on Karin's page",
                LONG,
                d -> anna.find("#hub").getText().contains(HUB));
        anna.await(
                "the cuff on Karin's page", d -> anna.find("#devices").getText().contains(CUFF));
        anna.await(
                "the plan's expected measurements",
                d -> !anna.findAll("#adherence tr").isEmpty());
        anna.screenshot("4-patient-page");
    }

    private static JsonNode fleetRow() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/api/fleet/hubs"))
                                .header("Authorization", "Bearer " + ingest.apiKey())
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        for (JsonNode row : JSON.readTree(r.body())) {
            if (row.get("hubId").asText().equals(HUB)) {
                return row;
            }
        }
        throw new AssertionError("hub " + HUB + " is not in the fleet register: " + r.body());
    }

    private static HttpResponse<String> operatorPost(String path, String body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingest.baseUrl() + path))
                                .header("Authorization", "Bearer " + ingest.apiKey())
                                .header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /** The stored record of an A&D cuff: 85/55 mmHg, MAP 65, pulse 92, taken a minute ago in Swedish time. */
    private static String lowReading() {
        LocalDateTime at =
                LocalDateTime.now(ZoneId.of("Europe/Stockholm")).minusMinutes(1).withNano(0);
        return String.format(
                "06%s%s%s%02x%02x%02x%02x%02x%02x%02x%s",
                "5500",
                "3700",
                "4100",
                at.getYear() & 0xFF,
                at.getYear() >> 8,
                at.getMonthValue(),
                at.getDayOfMonth(),
                at.getHour(),
                at.getMinute(),
                at.getSecond(),
                "5c00");
    }

    private static String startFakeBluez() throws Exception {
        bus = new ProcessBuilder(
                        "dbus-daemon", "--config-file=" + BLE.resolve("bus.conf"), "--nofork", "--print-address=1")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("dbus.log").toFile())
                .start();
        Pattern unix = Pattern.compile("(unix:\\S+)");
        String[] address = new String[1];
        await().atMost(Services.DEADLINE).until(() -> {
            Matcher m = unix.matcher(Files.readString(dir.resolve("dbus.log")));
            if (m.find()) {
                address[0] = m.group(1);
            }
            return address[0] != null;
        });
        // A cuff that is not paired yet, advertising the blood-pressure service, holding one low reading.
        String parameters = "{\"devices\":[{\"address\":\"" + CUFF + "\",\"name\":\"A&D UA-651BLE\",\"kind\":\"bp\","
                + "\"uuids\":[\"1810\"],\"paired\":false,\"behaviour\":\"normal\",\"battery\":80,\"stored\":[\""
                + lowReading() + "\"]}]}";
        ProcessBuilder fake = new ProcessBuilder(
                        python(),
                        "-u",
                        "-m",
                        "dbusmock",
                        "--system",
                        "-t",
                        BLE.resolve("fake_bluez.py").toString(),
                        "-p",
                        parameters)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("fake-bluez.log").toFile());
        fake.environment().put("DBUS_SYSTEM_BUS_ADDRESS", address[0]);
        bluez = fake.start();
        await().atMost(Services.DEADLINE)
                .until(() -> Files.readString(dir.resolve("fake-bluez.log")).contains("READY"));
        return address[0];
    }

    private static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    /** The fake BlueZ needs dbus-daemon and python3-dbusmock (deploy/dev/test.sh installs them; CI must have them). */
    private static void requireFakeBluez() throws IOException, InterruptedException {
        boolean ok;
        try {
            ok = new ProcessBuilder(python(), "-c", "import dbusmock").start().waitFor() == 0
                    && new ProcessBuilder("dbus-daemon", "--version").start().waitFor() == 0;
        } catch (IOException e) {
            ok = false;
        }
        if (!ok && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("dbus-daemon and python3-dbusmock are needed (deploy/dev/test.sh installs them)");
        }
        Assumptions.assumeTrue(ok, "dbus-daemon or python3-dbusmock is not installed");
    }
}
