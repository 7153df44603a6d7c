package io.nara.gateway.ble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.gateway.testkit.PipelineFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The BLE cases every backend must pass, against a fake BlueZ on a private D-Bus ({@link FakeBluez}): a
 * blood-pressure cuff (A&D UA-651BLE: bonding, clock 0x2A08, RACP 0x2A52, indications on 0x2A35), a weight scale
 * (0x2A9D), a cuff nobody bound, a keyboard, a cuff that drops the link mid-transfer and one that never answers.
 */
abstract class BleTransportCases {

    static final Duration LIMIT = Duration.ofSeconds(30);
    static final String CUFF = "AA:00:00:00:00:01";
    static final String SCALE = "AA:00:00:00:00:02";
    static final String CUFF_3 = "AA:00:00:00:00:03";
    static final String CUFF_4 = "AA:00:00:00:00:04";
    static final String STRANGER = "CC:00:00:00:00:09";
    static final String KEYBOARD = "DD:00:00:00:00:0A";
    /** The cuff's clock characteristic 0x2A08 on the fake (fake_bluez.py numbers the handles in order). */
    static final String CUFF_CLOCK = "/org/bluez/hci0/dev_AA_00_00_00_00_01/service0010/char0014";

    @TempDir
    Path dir;

    FakeBluez bluez;
    BleHub hub;
    /** How {@link #start} started the hub, for {@link #restartHub}. */
    private String[] bindings;

    private Integer passkey;
    private Duration connectTimeout;

    /** Starts the hub with the backend under test, on the fake's bus. */
    abstract BleHub hub(Path dir, String busAddress, Integer passkey, Duration connectTimeout, String... bindings)
            throws Exception;

    @AfterEach
    void stop() {
        if (hub != null) {
            String report = hub.toString();
            hub.close();
            if (bluez != null) {
                // what the fake devices saw and the hub's states, for a failing test's report
                System.out.println("fake BlueZ events:\n"
                        + String.join(
                                "\n",
                                bluez.events()
                                        .lines()
                                        .filter(l -> !l.matches("^\\d+\\.\\d+ .*"))
                                        .toList()) + "\n" + report);
            }
        }
        if (bluez != null) {
            bluez.close();
        }
    }

    /** A stored blood-pressure record (flags: mmHg, time stamp, pulse) at 08:mm on 2026-11-23. */
    static String bp(int systolic, int minute) {
        return "06%02x00%02x00%02x00ea070b1708%02x00%02x00".formatted(systolic, 80, 93, minute, 70);
    }

    /** A weight (SI, time stamp) of 80.000 kg. */
    static String weight() {
        return "02803eea070b1709000000";
    }

    static String device(String address, String kind, String uuids, boolean paired, String behaviour, String extra) {
        return """
                {"address":"%s","kind":"%s","uuids":[%s],"paired":%s,"behaviour":"%s"%s}""".formatted(address, kind, uuids, paired, behaviour, extra);
    }

    void start(String bindings, Integer passkey, Duration connectTimeout, String... devices) throws Exception {
        bluez = FakeBluez.start(dir, "{\"devices\":[" + String.join(",", devices) + "]}");
        this.bindings = bindings.split(",");
        this.passkey = passkey;
        this.connectTimeout = connectTimeout;
        hub = hub(dir, bluez.address, passkey, connectTimeout, this.bindings);
    }

    /** Stops the hub (its BLE transport and backend) and starts a new one on the same folder: outbox and config. */
    void restartHub() throws Exception {
        BleHub old = hub;
        hub = null;
        old.close();
        hub = hub(dir, bluez.address, passkey, connectTimeout, bindings);
    }

    boolean is(String address, String connection) {
        BleHub.State s = hub.state(address);
        return s != null && s.connection().equals(connection);
    }

    List<Double> systolic(String device) {
        return hub.observations().stream()
                .filter(o -> o.code().equals("8480-6") && o.deviceId().equals(device))
                .map(BleHub.Obs::value)
                .toList();
    }

    List<Double> weights(String device) {
        return hub.observations().stream()
                .filter(o -> o.code().equals("29463-7") && o.deviceId().equals(device))
                .map(BleHub.Obs::value)
                .toList();
    }

    @Test
    void discoveryIsFilteredByHealthServicesAndOnlyBoundDevicesAreUsed() throws Exception {
        start(
                CUFF + ":and-ua-651ble," + SCALE + ":generic-weight-scale",
                null,
                Duration.ofSeconds(5),
                device(CUFF, "bp", "\"1810\",\"180A\"", true, "normal", ""),
                device(SCALE, "scale", "\"181D\"", false, "normal", ",\"live\":[\"" + weight() + "\"]"),
                device(STRANGER, "bp", "\"1810\"", false, "normal", ""),
                device(KEYBOARD, "other", "\"1812\"", false, "normal", ""));
        // the weight arrives as PropertiesChanged(Value) on the scale's 0x2A9D
        await().atMost(LIMIT).until(() -> weights(SCALE).size() == 1);
        await().atMost(LIMIT)
                .until(() ->
                        is(CUFF, "CONNECTED") && "SET".equals(hub.state(CUFF).clock()));
        // Every health service the catalogue knows (devices not bound yet are reported to the cloud), never HID's.
        assertThat(bluez.events().lines())
                .anySatisfy(e -> assertThat(e)
                        .startsWith("FILTER ")
                        .contains("1810", "181D")
                        .doesNotContain("1812")
                        .endsWith(" le"));
        assertThat(bluez.events()).contains("ADVERTISES " + STRANGER);
        assertThat(bluez.saw("ADVERTISES " + KEYBOARD)).as(bluez.events()).isFalse();
        assertThat(bluez.saw("CONNECT " + STRANGER)).as(bluez.events()).isFalse();
        // The cuff's indication is subscribed after its clock is set: wait for it, do not race it.
        await().atMost(LIMIT)
                .until(() -> bluez.events().contains("NOTIFY " + SCALE + " 2A9D")
                        && bluez.events().contains("NOTIFY " + CUFF + " 2A35"));
        assertThat(weights(SCALE).get(0)).isEqualTo(80.0);
        // The cuff's clock was set on connecting: the fake device holds the written Date Time.
        byte[] written = bluez.value(CUFF_CLOCK);
        assertThat(written).hasSize(7);
        LocalDateTime deviceTime = LocalDateTime.of(
                (written[0] & 0xFF) | (written[1] & 0xFF) << 8,
                written[2],
                written[3],
                written[4],
                written[5],
                written[6]);
        assertThat(deviceTime)
                .isCloseTo(LocalDateTime.now(PipelineFixture.ZONE), Assertions.within(2, ChronoUnit.MINUTES));
        await().atMost(LIMIT)
                .until(() -> Integer.valueOf(80).equals(hub.state(CUFF).battery()));
    }

    @Test
    void anUnpairedCuffIsPairedJustWorksOnlyInPairingMode() throws Exception {
        start(
                CUFF + ":and-ua-651ble",
                null,
                Duration.ofSeconds(5),
                device(CUFF, "bp", "\"1810\"", false, "normal", ""));
        await().atMost(LIMIT)
                .until(() ->
                        hub.state(CUFF) != null && hub.state(CUFF).pairing().equals("NOT_PAIRED"));
        assertThat(hub.state(CUFF).attention()).contains("pairing mode");
        assertThat(bluez.saw("PAIRED")).isFalse();
        hub.pairingMode();
        await().atMost(LIMIT).until(() -> bluez.saw("PAIRED " + CUFF + " NoInputNoOutput"));
        await().atMost(LIMIT).until(() -> is(CUFF, "CONNECTED"));
        assertThat(hub.state(CUFF).pairing()).isEqualTo("PAIRED");
    }

    @Test
    void aCuffThatDemandsAPasskeyGetsTheConfiguredOne() throws Exception {
        start(
                CUFF + ":and-ua-651ble",
                123456,
                Duration.ofSeconds(5),
                device(CUFF, "bp", "\"1810\"", false, "normal", ",\"needsPasskey\":123456"));
        hub.pairingMode();
        await().atMost(LIMIT).until(() -> bluez.saw("PAIRED " + CUFF + " KeyboardOnly"));
        assertThat(bluez.saw("PAIR-FAILED")).isFalse();
        await().atMost(LIMIT).until(() -> is(CUFF, "CONNECTED"));
    }

    @Test
    void aWrongPasskeyIsReportedAsAFailedPairingNotAStaleBond() throws Exception {
        start(
                CUFF + ":and-ua-651ble",
                111111,
                Duration.ofSeconds(5),
                device(CUFF, "bp", "\"1810\"", false, "normal", ",\"needsPasskey\":123456"));
        hub.pairingMode();
        await().atMost(LIMIT).until(() -> bluez.saw("PAIR-FAILED " + CUFF + " passkey 111111"));
        await().atMost(LIMIT)
                .until(() -> hub.state(CUFF).attention() != null
                        && hub.state(CUFF).attention().startsWith("pairing failed"));
        assertThat(hub.state(CUFF).pairing()).isEqualTo("NOT_PAIRED");
        assertThat(bluez.saw("CONNECT " + CUFF)).isFalse();
    }

    @Test
    void storedRecordsAreReplayedWithRacpAndDeletedOnlyOnceTheOutboxHoldsThem() throws Exception {
        start(
                CUFF + ":and-ua-651ble",
                null,
                Duration.ofSeconds(5),
                device(
                        CUFF,
                        "bp",
                        "\"1810\"",
                        true,
                        "normal",
                        ",\"stored\":[\"%s\",\"%s\",\"%s\"]".formatted(bp(120, 1), bp(85, 2), bp(130, 3))));
        hub.hold();
        try {
            await().atMost(LIMIT).until(() -> bluez.saw("INDICATED " + CUFF + " 2A52 06000101"));
            assertThat(bluez.count("INDICATED " + CUFF + " 2A35")).isEqualTo(3);
            assertThat(bluez.events()).contains("WRITE " + CUFF + " 2A52 0101");
            assertThat(bluez.saw("DELETED"))
                    .as("records deleted on the device before the outbox held them")
                    .isFalse();
        } finally {
            hub.release();
        }
        await().atMost(LIMIT).until(() -> bluez.saw("DELETED " + CUFF + " 3"));
        assertThat(systolic(CUFF)).containsExactlyInAnyOrder(120.0, 85.0, 130.0);
    }

    @Test
    void aCuffThatDropsTheLinkMidTransferIsReconnectedAndNothingIsStoredTwiceOrLost() throws Exception {
        start(
                CUFF + ":and-ua-651ble," + SCALE + ":generic-weight-scale",
                null,
                Duration.ofSeconds(5),
                device(
                        CUFF,
                        "bp",
                        "\"1810\"",
                        true,
                        "drop-once",
                        ",\"stored\":[\"%s\",\"%s\",\"%s\",\"%s\"]"
                                .formatted(bp(120, 1), bp(121, 2), bp(122, 3), bp(123, 4))),
                device(SCALE, "scale", "\"181D\"", false, "normal", ",\"live\":[\"" + weight() + "\"]"));
        await().atMost(LIMIT).until(() -> bluez.saw("DELETED " + CUFF + " 4"));
        assertThat(bluez.events()).contains("DROP " + CUFF, "CONNECT " + CUFF + " 2");
        await().atMost(LIMIT)
                .until(() -> systolic(CUFF).size() >= 4 && weights(SCALE).size() == 1);
        assertThat(systolic(CUFF)).containsExactlyInAnyOrder(120.0, 121.0, 122.0, 123.0);
    }

    @Test
    void aCuffThatNeverAnswersTimesOutAndDoesNotStallTheScale() throws Exception {
        start(
                CUFF + ":and-ua-651ble," + SCALE + ":generic-weight-scale",
                null,
                Duration.ofSeconds(2),
                device(CUFF, "bp", "\"1810\"", true, "silent", ""),
                device(SCALE, "scale", "\"181D\"", false, "normal", ",\"live\":[\"" + weight() + "\"]"));
        await().atMost(LIMIT).until(() -> weights(SCALE).size() == 1);
        // each attempt is bounded by the connect timeout, then retried with backoff
        await().atMost(LIMIT).until(() -> bluez.count("CONNECT " + CUFF) >= 2);
        assertThat(hub.state(CUFF).connection()).isIn("UNREACHABLE", "CONNECTING");
        assertThat(hub.state(SCALE).connection()).isEqualTo("CONNECTED");
    }

    @Test
    void aStaleBondIsReportedWithWhatToDoAndTheDeviceIsLeftAloneUntilPairingMode() throws Exception {
        // CUFF was reset: BlueZ's Connect fails authentication. CUFF_3 too, but its link comes up and every GATT
        // request is refused as not paired. CUFF_4 never answers and is retried meanwhile: the hub's clock for this
        // test.
        start(
                CUFF + ":and-ua-651ble," + CUFF_3 + ":and-ua-651ble," + CUFF_4 + ":and-ua-651ble",
                null,
                Duration.ofSeconds(2),
                device(CUFF, "bp", "\"1810\"", true, "normal", ",\"forgotBond\":\"connect\""),
                device(CUFF_3, "bp", "\"1810\"", true, "normal", ",\"forgotBond\":\"gatt\""),
                device(CUFF_4, "bp", "\"1810\"", true, "silent", ""));
        for (String cuff : List.of(CUFF, CUFF_3)) {
            await().atMost(LIMIT)
                    .until(() ->
                            hub.state(cuff) != null && hub.state(cuff).pairing().equals("STALE_BOND"));
            // what the status page, the installer's command line and the LED ("needs attention") show
            assertThat(hub.state(cuff).attention())
                    .as(cuff)
                    .contains("stale bond", "turn on pairing mode", "pair it again");
        }
        assertThat(bluez.events()).contains("AUTH-REJECTED " + CUFF + " connect", "AUTH-REJECTED " + CUFF_3 + " gatt");
        // While the silent cuff was tried three times, neither stale one was tried again: no hammering.
        await().atMost(LIMIT).until(() -> bluez.count("CONNECT " + CUFF_4) >= 3);
        assertThat(bluez.count("AUTH-REJECTED " + CUFF)).isEqualTo(1);
        assertThat(bluez.count("AUTH-REJECTED " + CUFF_3)).isEqualTo(1);
        assertThat(bluez.saw("REMOVED")).isFalse();

        hub.pairingMode();
        await().atMost(LIMIT).until(() -> bluez.saw("PAIRED " + CUFF) && bluez.saw("PAIRED " + CUFF_3));
        assertThat(bluez.events()).contains("REMOVED " + CUFF, "REMOVED " + CUFF_3);
        await().atMost(LIMIT).until(() -> is(CUFF, "CONNECTED") && is(CUFF_3, "CONNECTED"));
        for (String cuff : List.of(CUFF, CUFF_3)) {
            assertThat(hub.state(cuff).pairing()).isEqualTo("PAIRED");
            assertThat(hub.state(cuff).attention()).isNull();
        }
    }

    @Test
    void aBondIsKeptAcrossAHubRestartAndTheDeviceIsReadWithoutPairingAgain() throws Exception {
        start(
                CUFF + ":and-ua-651ble",
                null,
                Duration.ofSeconds(5),
                device(CUFF, "bp", "\"1810\"", false, "normal", ",\"battery\":70"));
        hub.pairingMode();
        await().atMost(LIMIT)
                .until(() -> is(CUFF, "CONNECTED")
                        && Integer.valueOf(70).equals(hub.state(CUFF).battery()));
        assertThat(bluez.count("PAIRED " + CUFF)).isEqualTo(1);

        restartHub(); // a new hub, not in pairing mode, with the bond BlueZ kept
        await().atMost(LIMIT).until(() -> bluez.saw("CONNECT " + CUFF + " 2"));
        await().atMost(LIMIT)
                .until(() -> is(CUFF, "CONNECTED")
                        && Integer.valueOf(70).equals(hub.state(CUFF).battery())
                        && "SET".equals(hub.state(CUFF).clock()));
        assertThat(hub.state(CUFF).pairing()).isEqualTo("PAIRED");
        assertThat(bluez.count("PAIRED " + CUFF)).as("paired again").isEqualTo(1);
        assertThat(bluez.saw("REMOVED " + CUFF)).as("the bond removed").isFalse();
    }

    @Test
    void storedRecordsTheDeviceSendsAgainAfterAHubRestartAreNotStoredTwice() throws Exception {
        start(
                CUFF + ":and-ua-651ble",
                null,
                Duration.ofSeconds(5),
                device(
                        CUFF,
                        "bp",
                        "\"1810\"",
                        true,
                        "drop-before-delete",
                        ",\"stored\":[\"%s\",\"%s\",\"%s\"]".formatted(bp(120, 1), bp(85, 2), bp(130, 3))));
        // The hub stores the three records; the link drops before the device hears it may delete them.
        await().atMost(LIMIT).until(() -> bluez.saw("DROP-BEFORE-DELETE " + CUFF));
        assertThat(systolic(CUFF)).containsExactlyInAnyOrder(120.0, 85.0, 130.0);

        restartHub();
        bluez.inRange(CUFF, true);
        // The cuff sends all three again; the new hub tells it to delete them only once it knows they are held.
        await().atMost(LIMIT).until(() -> bluez.saw("DELETED " + CUFF + " 3"));
        assertThat(bluez.count("INDICATED " + CUFF + " 2A35")).isEqualTo(6);
        assertThat(systolic(CUFF)).containsExactlyInAnyOrder(120.0, 85.0, 130.0);
    }
}
