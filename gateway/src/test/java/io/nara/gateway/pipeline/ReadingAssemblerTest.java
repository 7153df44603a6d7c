package io.nara.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.devices.Measurement;
import io.nara.gateway.outbox.OutboxEntry;
import io.nara.gateway.testkit.InMemoryRules;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.message.Severity;
import io.nara.protocol.vocabulary.Vocabulary;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** How a reading's time is judged before the care plan sees it. */
class ReadingAssemblerTest {

    private static final ZoneId ZONE = ZoneId.of("Europe/Stockholm");
    private static final Instant RECEIVED = Instant.parse("2026-11-24T08:00:00Z");
    private static final CarePlan PLAN = new CarePlan(
            "patient-1",
            "p1",
            List.of(new ThresholdRule(
                    "systolic-low", "8480-6", 90.0, null, Severity.URGENT, "Systolic below 90", null, null)));
    /**
     * A cuff whose batteries were changed a day ago: its clock started again at 2000-01-01. (A time before 2000 UTC
     * is outside what the protocol stores at all and is dropped whatever the record; this one is inside.)
     */
    private static final Measurement RESET_CLOCK =
            new Measurement(Vocabulary.SYSTOLIC, 84.0, LocalDateTime.of(2000, 1, 2, 0, 3), null, Set.of());

    private final ReadingAssembler assembler = new ReadingAssembler(ZONE, new InMemoryRules());
    private final AtomicLong seqs = new AtomicLong();

    @Test
    void aLiveReadingFromAClockThatResetIsEvaluatedAtItsReceiptAndFlagged() {
        List<OutboxEntry> entries = assembler.assemble(
                "cuff-1", "patient-1", PLAN, List.of(RESET_CLOCK), RECEIVED, true, true, seqs::incrementAndGet);
        Observation observation = ((OutboxEntry.ObservationEntry) entries.get(0)).observation();
        assertThat(observation.flags()).contains(ObservationFlag.DEVICE_CLOCK_UNRELIABLE);
        assertThat(observation.effective()).isNull();
        assertThat(observation.received()).isEqualTo(RECEIVED);
        assertThat(entries)
                .filteredOn(e -> e instanceof OutboxEntry.AlertEntry)
                .hasSize(1)
                .allSatisfy(e -> assertThat(((OutboxEntry.AlertEntry) e).alert().ruleId())
                        .isEqualTo("systolic-low"));
    }

    @Test
    void aStoredRecordKeepsItsOldTime() {
        // A record from the device's memory may truly be old: it keeps its time (the engine keeps it as history).
        List<OutboxEntry> entries = assembler.assemble(
                "cuff-1", "patient-1", PLAN, List.of(RESET_CLOCK), RECEIVED, true, false, seqs::incrementAndGet);
        Observation observation = ((OutboxEntry.ObservationEntry) entries.get(0)).observation();
        assertThat(observation.flags()).doesNotContain(ObservationFlag.DEVICE_CLOCK_UNRELIABLE);
        assertThat(observation.effective())
                .isEqualTo(RESET_CLOCK.deviceTime().atZone(ZONE).toInstant());
    }

    @Test
    void aLiveReadingOfTheLastHoursKeepsTheDevicesTime() {
        Measurement recent = new Measurement(
                Vocabulary.SYSTOLIC,
                84.0,
                LocalDateTime.ofInstant(RECEIVED.minusSeconds(3 * 3600), ZONE),
                null,
                Set.of());
        List<OutboxEntry> entries = assembler.assemble(
                "cuff-1", "patient-1", PLAN, List.of(recent), RECEIVED, true, true, seqs::incrementAndGet);
        Observation observation = ((OutboxEntry.ObservationEntry) entries.get(0)).observation();
        assertThat(observation.flags()).doesNotContain(ObservationFlag.DEVICE_CLOCK_UNRELIABLE);
        assertThat(observation.effective()).isEqualTo(RECEIVED.minusSeconds(3 * 3600));
    }
}
