package io.nara.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.codec.InvalidMessageException;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Ack;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.AlertMessage;
import io.nara.protocol.message.DeviceBinding;
import io.nara.protocol.message.HubConfig;
import io.nara.protocol.message.HubStatus;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.message.SeqRange;
import io.nara.protocol.message.Severity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

    private static final Instant T = Instant.parse("2026-11-23T07:30:00Z");
    private static final String OUTBOX = "6f1c2a52-0d43-4c3e-9a8f-1d2b3c4d5e6f";
    private final MessageCodec codec = new MessageCodec();

    static Observation systolic(long seq, Double value) {
        return new Observation(
                seq,
                "patient-1",
                "cuff-1",
                "8480-6",
                value,
                "mm[Hg]",
                T,
                T.plusSeconds(2),
                value == null ? Set.of(ObservationFlag.MEASUREMENT_FAILED) : Set.of());
    }

    @Test
    void everyMessageRoundTrips() {
        ObservationBatch batch = ObservationBatch.of(OUTBOX, List.of(systolic(7, 85.0), systolic(9, null)));
        AlertMessage alert = AlertMessage.of(
                OUTBOX,
                new Alert(
                        8,
                        "patient-1",
                        "sys-low",
                        Severity.URGENT,
                        "8480-6",
                        85.0,
                        "mm[Hg]",
                        "Systolic below 90",
                        T,
                        7,
                        "3",
                        "municipal-nurses",
                        Duration.ofMinutes(15)));
        Ack ack = Ack.of(OUTBOX, List.of(7L, 8L, 9L, 12L));
        HubStatus status = new HubStatus(
                1,
                HubStatus.State.ONLINE,
                T,
                "0.1.0",
                HubStatus.ClockState.SYNCHRONIZED,
                4,
                List.of(new HubStatus.DeviceStatus("cuff-1", "ad-ua-651ble", T, 80)));
        HubConfig config = new HubConfig(
                1,
                3,
                List.of(new CarePlan(
                        "patient-1",
                        "3",
                        List.of(new ThresholdRule(
                                "sys-low",
                                "8480-6",
                                90.0,
                                null,
                                Severity.URGENT,
                                "Systolic below 90",
                                "municipal-nurses",
                                Duration.ofMinutes(15))))),
                List.of(new DeviceBinding("cuff-1", "ad-ua-651ble", "patient-1")));

        // A status with a device the hub sees unbound and what it sent: a weight, and a failed one (no value).
        HubStatus withDiscovered = new HubStatus(
                1,
                HubStatus.State.ONLINE,
                T,
                "0.1.0",
                HubStatus.ClockState.SYNCHRONIZED,
                0,
                List.of(),
                3L,
                List.of(new HubStatus.DiscoveredDevice(
                        "ip-scale-1",
                        "coap",
                        null,
                        null,
                        "readings held in quarantine (coap:dtls)",
                        T,
                        List.of(
                                new HubStatus.HeldReading(
                                        "29463-7", 81.6, "kg", LocalDateTime.of(2026, 11, 23, 8, 30), T),
                                new HubStatus.HeldReading("29463-7", null, "kg", null, T)))));
        for (Object message : List.of(batch, alert, ack, status, withDiscovered, config, HubStatus.offline())) {
            assertThat(codec.decode(codec.encode(message), message.getClass())).isEqualTo(message);
        }
        assertThat(ack.ranges()).containsExactly(new SeqRange(7, 9), new SeqRange(12, 12));
    }

    @Test
    void aHeldReadingIsNeverNaNAndADeviceCarriesAtMostTen() {
        assertThatThrownBy(() -> new HubStatus.HeldReading("29463-7", Double.NaN, "kg", null, T))
                .hasMessageContaining("finite");
        List<HubStatus.HeldReading> eleven =
                Collections.nCopies(11, new HubStatus.HeldReading("29463-7", 80.0, "kg", null, T));
        assertThatThrownBy(() -> new HubStatus.DiscoveredDevice("ip-scale-1", "coap", null, null, null, T, eleven))
                .hasMessageContaining("discovered[].readings");
    }

    @Test
    void theQuarantineTravelsInTheStatusAndAnOlderHubsStatusReadsWithoutIt() {
        HubStatus.Quarantine held = new HubStatus.Quarantine(
                3, "poct-1", "the analyzer names patient 19401231-****, not the bound patient", T);
        HubStatus status = new HubStatus(
                1,
                HubStatus.State.ONLINE,
                T,
                "0.1.0",
                HubStatus.ClockState.SYNCHRONIZED,
                0,
                List.of(),
                3L,
                List.of(),
                null,
                held);
        String json = new String(codec.encode(status), StandardCharsets.UTF_8);
        assertThat(codec.decode(json.getBytes(StandardCharsets.UTF_8), HubStatus.class)
                        .quarantine())
                .isEqualTo(held);
        HubStatus older = new HubStatus(
                1,
                HubStatus.State.ONLINE,
                T,
                "0.1.0",
                HubStatus.ClockState.SYNCHRONIZED,
                0,
                List.of(),
                3L,
                List.of(),
                null);
        assertThat(codec.decode(codec.encode(older), HubStatus.class).quarantine())
                .isNull();
        assertThat(new HubStatus.Quarantine(0, null, null, null).held()).isZero();
        String negative = json.replace("\"held\":3", "\"held\":-1");
        assertThatThrownBy(() -> codec.decode(negative.getBytes(StandardCharsets.UTF_8), HubStatus.class))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("quarantine.held must not be negative");
    }

    @Test
    void theStorageStateTravelsInTheStatusAndAnOlderHubsStatusReadsWithoutIt() {
        HubStatus.Storage thinned = new HubStatus.Storage(1200, 0, false, 6000, 6000);
        HubStatus status = new HubStatus(
                1,
                HubStatus.State.ONLINE,
                T,
                "0.1.0",
                HubStatus.ClockState.SYNCHRONIZED,
                0,
                List.of(),
                3L,
                List.of(),
                null,
                null,
                thinned);
        String json = new String(codec.encode(status), StandardCharsets.UTF_8);
        assertThat(json)
                .contains("\"storage\":{\"thinnedSamples\":1200,\"droppedReadings\":0,\"full\":false,"
                        + "\"records\":6000,\"maxRecords\":6000}");
        HubStatus.Storage read = codec.decode(json.getBytes(StandardCharsets.UTF_8), HubStatus.class)
                .storage();
        assertThat(read).isEqualTo(thinned);
        assertThat(read.level()).isEqualTo(HubStatus.Storage.Level.THINNED);
        assertThat(new HubStatus.Storage(0, 0, false, 3, 6000).level()).isEqualTo(HubStatus.Storage.Level.OK);
        assertThat(new HubStatus.Storage(5, 2, false, 6000, 6000).level()).isEqualTo(HubStatus.Storage.Level.DROPPED);
        assertThat(new HubStatus.Storage(5, 2, true, 6001, 6000).level()).isEqualTo(HubStatus.Storage.Level.FULL);
        HubStatus older = new HubStatus(
                1,
                HubStatus.State.ONLINE,
                T,
                "0.1.0",
                HubStatus.ClockState.SYNCHRONIZED,
                0,
                List.of(),
                3L,
                List.of(),
                null,
                null);
        assertThat(codec.decode(codec.encode(older), HubStatus.class).storage()).isNull();
        String negative = json.replace("\"droppedReadings\":0", "\"droppedReadings\":-4");
        assertThatThrownBy(() -> codec.decode(negative.getBytes(StandardCharsets.UTF_8), HubStatus.class))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("storage.droppedReadings must not be negative, was -4");
        String noLimit = json.replace(",\"maxRecords\":6000", "");
        assertThatThrownBy(() -> codec.decode(noLimit.getBytes(StandardCharsets.UTF_8), HubStatus.class))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("storage.maxRecords");
        String zeroLimit = json.replace("\"maxRecords\":6000", "\"maxRecords\":0");
        assertThatThrownBy(() -> codec.decode(zeroLimit.getBytes(StandardCharsets.UTF_8), HubStatus.class))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("storage.maxRecords must be at least 1");
    }

    @Test
    void aFailedUpdateTravelsInTheStatusAndAnOlderHubsStatusReadsWithoutOne() {
        HubStatus.FailedUpdate failed = new HubStatus.FailedUpdate(
                "0.2.0",
                HubStatus.FailedUpdate.Outcome.ROLLED_BACK,
                "0.2.0 did not start (nara-hub.service is failed); running 0.1.0",
                T);
        HubStatus status = new HubStatus(
                1,
                HubStatus.State.ONLINE,
                T,
                "0.1.0",
                HubStatus.ClockState.SYNCHRONIZED,
                0,
                List.of(),
                3L,
                List.of(),
                failed);
        String json = new String(codec.encode(status), StandardCharsets.UTF_8);
        assertThat(json).contains("\"failedUpdate\":{\"version\":\"0.2.0\",\"outcome\":\"ROLLED_BACK\"");
        assertThat(codec.decode(json.getBytes(StandardCharsets.UTF_8), HubStatus.class)
                        .failedUpdate())
                .isEqualTo(failed);

        String older = "{\"v\":1,\"state\":\"ONLINE\",\"at\":\"" + T + "\",\"software\":\"0.1.0\","
                + "\"clock\":\"SYNCHRONIZED\",\"outboxPending\":0,\"devices\":[]}";
        assertThat(codec.decode(older.getBytes(StandardCharsets.UTF_8), HubStatus.class)
                        .failedUpdate())
                .isNull();
        String noReason = json.replaceFirst(",\"reason\":\"[^\"]*\"", "");
        assertThatThrownBy(() -> codec.decode(noReason.getBytes(StandardCharsets.UTF_8), HubStatus.class))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("failedUpdate.reason");
    }

    @Test
    void aFailedMeasurementIsNeverANumber() {
        String json = new String(
                codec.encode(ObservationBatch.of(OUTBOX, List.of(systolic(1, null)))), StandardCharsets.UTF_8);
        assertThat(json).contains("\"value\":null").contains("MEASUREMENT_FAILED");

        String lying = json.replace("\"value\":null", "\"value\":0");
        assertThatThrownBy(() -> codec.decode(lying.getBytes(StandardCharsets.UTF_8), ObservationBatch.class))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("flagged MEASUREMENT_FAILED but has a value");
        String unflagged = json.replace("\"MEASUREMENT_FAILED\"", "");
        assertThatThrownBy(() -> codec.decode(unflagged.getBytes(StandardCharsets.UTF_8), ObservationBatch.class))
                .hasMessageContaining("has no value but is not flagged");
    }

    @Test
    void malformedPayloadsNameTheProblem() {
        assertThatThrownBy(() -> decodeBatch("{not json"))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageStartingWith("not valid JSON");
        assertThatThrownBy(() -> decodeBatch(
                        "{\"v\":2,\"outbox\":\"" + OUTBOX + "\",\"seqFrom\":1,\"seqTo\":1,\"observations\":[]}"))
                .hasMessageContaining("unsupported schema version 2");
        assertThatThrownBy(() -> decodeBatch("{\"v\":1,\"outbox\":\"" + OUTBOX
                        + "\",\"seqFrom\":1,\"seqTo\":1,\"observations\":[{\"seq\":1}]}"))
                .hasMessageContaining("deviceId is missing");
        assertThatThrownBy(() -> decodeBatch(
                        "{\"v\":1,\"outbox\":\"" + OUTBOX + "\",\"seqFrom\":5,\"seqTo\":9,\"observations\":["
                                + "{\"seq\":9,\"deviceId\":\"d\",\"code\":\"8480-6\",\"value\":1,\"unit\":\"mm[Hg]\","
                                + "\"received\":\"2026-01-01T00:00:00Z\"}]}"))
                .hasMessageContaining("do not match the observations 9..9");
        assertThatThrownBy(() ->
                        decodeBatch("{\"v\":1,\"outbox\":\"hub-1\",\"seqFrom\":1,\"seqTo\":1,\"observations\":[]}"))
                .hasMessageContaining("outbox 'hub-1' is not a UUID");
        assertThatThrownBy(() -> codec.decode(new byte[0], ObservationBatch.class))
                .hasMessageContaining("empty payload");
        assertThatThrownBy(() -> codec.decode(new byte[Limits.MAX_PAYLOAD_BYTES + 1], ObservationBatch.class))
                .hasMessageContaining("more than the limit");
    }

    @Test
    void timesThatCannotBeStoredAreRefusedNamingTheField() {
        for (String effective : List.of("9999-12-31T00:00:00Z", "+999999999-12-31T00:00:00Z", "1999-12-31T23:59:59Z")) {
            assertThatThrownBy(() -> decodeBatch(batchWith(
                            "\"effective\":\"" + effective + "\"," + "\"received\":\"2026-01-01T00:00:00Z\"", "p1")))
                    .as(effective)
                    .isInstanceOf(InvalidMessageException.class)
                    .hasMessageContaining("effective")
                    .hasMessageContaining("outside the times Nära keeps");
        }
        // A hub clock before its first synchronisation reads 1970: flagged by the hub, still storable.
        assertThat(decodeBatch(batchWith(
                                "\"received\":\"1970-01-01T00:00:10Z\",\"flags\":[\"HUB_CLOCK_UNSYNCHRONIZED\"]", "p1"))
                        .observations())
                .hasSize(1);
    }

    @Test
    void theReceiversClockBoundsTimesToNowPlusATolerance() {
        Instant now = Instant.parse("2026-11-23T12:00:00Z");
        assertThat(Checks.requireNotFuture(now.plus(Limits.FUTURE_TOLERANCE), "effective", now))
                .isNotNull();
        assertThatThrownBy(() -> Checks.requireNotFuture(
                        now.plus(Limits.FUTURE_TOLERANCE).plusSeconds(1), "effective", now))
                .hasMessageContaining("effective")
                .hasMessageContaining("lies in the future");
    }

    @Test
    void controlCharactersAreRefusedInNamesAndAllowedOnlyAsLineBreaksInFreeText() {
        assertThatThrownBy(() -> decodeBatch(batchWith("\"received\":\"2026-01-01T00:00:00Z\"", "p\\u0000x")))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("patientId holds the control " + "character U+0000");
        assertThatThrownBy(() -> decodeBatch(batchWith("\"received\":\"2026-01-01T00:00:00Z\"", "p\\u001bx")))
                .hasMessageContaining("U+001B");
        Alert twoLines =
                new Alert(1, "p1", "r", Severity.INFO, null, null, null, "rad ett\nline two", T, 0, "1", null, null);
        assertThat(twoLines.message()).contains("\n");
        assertThatThrownBy(() ->
                        new Alert(1, "p1", "r", Severity.INFO, null, null, null, "bell\u0007", T, 0, "1", null, null))
                .hasMessageContaining("message holds the control character U+0007");
    }

    @Test
    void aValueIsAJsonNumberNeverAStringThatLooksLikeOne() {
        assertThatThrownBy(() -> decodeBatch("{\"v\":1,\"outbox\":\"" + OUTBOX + "\",\"seqFrom\":1,\"seqTo\":1,"
                        + "\"observations\":[{\"seq\":1,\"deviceId\":\"d\",\"code\":\"29463-7\",\"value\":\"81.5\","
                        + "\"unit\":\"kg\",\"received\":\"2026-01-01T00:00:00Z\"}]}"))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("must be a JSON number");
    }

    private static String batchWith(String times, String patientJson) {
        return "{\"v\":1,\"outbox\":\"" + OUTBOX + "\",\"seqFrom\":1,\"seqTo\":1,\"observations\":[{\"seq\":1,"
                + "\"patientId\":\"" + patientJson + "\",\"deviceId\":\"d\",\"code\":\"29463-7\",\"value\":81.5,"
                + "\"unit\":\"kg\"," + times + "}]}";
    }

    @Test
    void unknownFieldsAndFlagsFromANewerHubAreKept() {
        String json = "{\"v\":1,\"outbox\":\"" + OUTBOX
                + "\",\"seqFrom\":1,\"seqTo\":1,\"extra\":true,\"observations\":[{\"seq\":1,\"deviceId\":\"d\","
                + "\"code\":\"29463-7\",\"value\":81.5,\"unit\":\"kg\",\"received\":\"2026-01-01T00:00:00Z\","
                + "\"flags\":[\"SOMETHING_NEW\"]}]}";
        Observation o = decodeBatch(json).observations().get(0);
        assertThat(o.value()).isEqualTo(81.5);
        assertThat(o.flags()).containsExactly(ObservationFlag.UNKNOWN);
    }

    @Test
    void oversizedBatchesAreRefusedWhenEncoded() {
        List<Observation> many = new ArrayList<>();
        for (int i = 1; i <= Limits.MAX_OBSERVATIONS_PER_BATCH + 1; i++) {
            many.add(systolic(i, 120.0));
        }
        assertThatThrownBy(() -> ObservationBatch.of(OUTBOX, many)).hasMessageContaining("at most 500");
    }

    @Test
    void carePlanRefusesUnknownCodesAndEmptyRules() {
        assertThatThrownBy(() -> new CarePlan(
                        "p", "1", List.of(new ThresholdRule("r", "0000-0", 1.0, null, Severity.INFO, "x", null, null))))
                .hasMessageContaining("unknown LOINC code 0000-0");
        assertThatThrownBy(() -> new ThresholdRule("r", "8480-6", null, null, Severity.INFO, "x", null, null))
                .hasMessageContaining("neither 'below' nor 'above'");
    }

    private ObservationBatch decodeBatch(String json) {
        return codec.decode(json.getBytes(StandardCharsets.UTF_8), ObservationBatch.class);
    }
}
