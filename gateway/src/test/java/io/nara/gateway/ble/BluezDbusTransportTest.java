package io.nara.gateway.ble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nara.gateway.outbox.OutboxEntry;
import io.nara.gateway.testkit.PipelineFixture;
import io.nara.protocol.message.ObservationFlag;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.stream.Collectors;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** {@link BleTransportCases} with the bluez-dbus backend (the default), in this JVM, given the bus's address. */
class BluezDbusTransportTest extends BleTransportCases {

    /** Whether the hub's clock is synchronised; the hub reads it at each connection. */
    private volatile boolean hubClockSynchronised = true;

    @Override
    BleHub hub(Path dir, String busAddress, Integer passkey, Duration connectTimeout, String... bindings)
            throws Exception {
        return new BleHub.InProcess(
                dir, "bluez-dbus", busAddress, passkey, connectTimeout, () -> hubClockSynchronised, bindings);
    }

    @Test
    void aDeviceClockIsSetOnlyFromASynchronisedHubClock() throws Exception {
        hubClockSynchronised = false;
        start(
                CUFF + ":and-ua-651ble",
                null,
                Duration.ofSeconds(5),
                device(CUFF, "bp", "\"1810\",\"180A\"", true, "normal", ""));
        await().atMost(LIMIT)
                .until(() -> is(CUFF, "CONNECTED")
                        && "NOT_SET".equals(hub.state(CUFF).clock()));
        assertThat(bluez.events()
                        .lines()
                        .filter(l -> l.startsWith("WRITE " + CUFF))
                        .filter(l -> l.toLowerCase(Locale.ROOT).contains("2a08")))
                .as("nothing written to the cuff's clock")
                .isEmpty();

        // Once the hub's clock is right, the next connection sets the device's.
        hubClockSynchronised = true;
        restartHub();
        await().atMost(LIMIT)
                .until(() ->
                        is(CUFF, "CONNECTED") && "SET".equals(hub.state(CUFF).clock()));
        byte[] written = bluez.value(CUFF_CLOCK);
        LocalDateTime deviceTime = LocalDateTime.of(
                (written[0] & 0xFF) | (written[1] & 0xFF) << 8,
                written[2],
                written[3],
                written[4],
                written[5],
                written[6]);
        assertThat(deviceTime)
                .isCloseTo(LocalDateTime.now(PipelineFixture.ZONE), Assertions.within(2, ChronoUnit.MINUTES));
    }

    /** A blood pressure (mmHg, time stamp, pulse) of {@code systolic} stamped at 08:00 on the given day. */
    private static String bpOn(int systolic, int year, int month, int day) {
        return "06%02x00%02x00%02x00%02x%02x%02x%02x080000%02x00"
                .formatted(systolic, 60, 70, year & 0xFF, year >> 8, month, day, 70);
    }

    /**
     * The cuff's batteries were changed and its clock restarted at 2024-03-01; the hub reads its memory (one record
     * from two days ago, history) and then Anna measures 85 mmHg. That value is stamped 2024 but arrives after the
     * memory was read, on the same characteristic 0x2A35: it is live, so it is judged at its receipt (the urgent
     * systolic-low alert) and flagged, not filed as a 2024 record no rule looks at.
     */
    @Test
    void aLiveCuffReadingFromAClockThatResetIsJudgedAtReceiptAndFlagged() throws Exception {
        LocalDateTime twoDaysAgo = LocalDateTime.now(PipelineFixture.ZONE).minusDays(2);
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
                        ",\"stored\":[\"%s\"],\"measured\":[\"%s\"]"
                                .formatted(
                                        bpOn(
                                                118,
                                                twoDaysAgo.getYear(),
                                                twoDaysAgo.getMonthValue(),
                                                twoDaysAgo.getDayOfMonth()),
                                        bpOn(85, 2024, 3, 1))));
        PipelineFixture fixture = ((BleHub.InProcess) hub).fixture();
        await().atMost(LIMIT).until(() -> systolic(CUFF).size() == 2);
        var byValue = fixture.held().stream()
                .filter(o -> o.code().equals("8480-6"))
                .collect(Collectors.toMap(o -> o.value(), o -> o));
        // the record from the cuff's memory is history: its own time, no flag
        assertThat(byValue.get(118.0).effective()).isNotNull();
        assertThat(byValue.get(118.0).flags()).doesNotContain(ObservationFlag.DEVICE_CLOCK_UNRELIABLE);
        // the live value: the hub's time of receipt, flagged, and judged
        assertThat(byValue.get(85.0).effective()).isNull();
        assertThat(byValue.get(85.0).flags()).contains(ObservationFlag.DEVICE_CLOCK_UNRELIABLE);
        assertThat(fixture.stored)
                .filteredOn(e -> e instanceof OutboxEntry.AlertEntry)
                .extracting(e -> ((OutboxEntry.AlertEntry) e).alert().ruleId())
                .containsExactly("systolic-low");
    }
}
