package io.nara.gateway.pipeline;

import io.nara.devices.Measurement;
import io.nara.gateway.careplan.HubRules;
import io.nara.gateway.outbox.OutboxEntry;
import io.nara.protocol.Limits;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationFlag;
import io.nara.rules.Plausibility;
import io.nara.rules.episode.AlertEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Turns decoded measurements into outbox entries: observations with sequence numbers, patient and quality flags, and
 * the alerts the patient's care plan raises for them. Pure: the pipeline runs it inside the outbox transaction.
 */
public final class ReadingAssembler {

    /** How far ahead of the hub a device clock may run before its time is not believed. */
    static final Duration DEVICE_CLOCK_TOLERANCE = Duration.ofMinutes(10);

    private final HubRules rules;
    private final ZoneId deviceZone;

    /**
     * @param deviceZone the zone device clocks are set in (devices send local time without a zone)
     * @param rules      the care-plan rules with their memory (episodes, history); see {@code RuleStateStore}
     */
    public ReadingAssembler(ZoneId deviceZone, HubRules rules) {
        this.deviceZone = deviceZone;
        this.rules = rules;
    }

    /**
     * @param deviceId        the device
     * @param patientId       the patient the reading is attributed to; null for an unattributed reading
     * @param plan            the patient's care plan, or null when the hub has none for this patient
     * @param measurements    decoded values
     * @param received        when the hub received them
     * @param clockTrusted    whether the hub's clock is known to be right
     * @param seqs            draws outbox sequence numbers
     */
    public List<OutboxEntry> assemble(
            String deviceId,
            String patientId,
            CarePlan plan,
            List<Measurement> measurements,
            Instant received,
            boolean clockTrusted,
            LongSupplier seqs) {
        return assemble(deviceId, patientId, plan, measurements, received, clockTrusted, false, seqs);
    }

    /**
     * ... and {@code live}: the device sent it as it measured (a GATT indication), not from its memory. A live reading
     * cannot be older than the plan's {@code staleAfter}: a device time that says so is a clock that reset (a cuff
     * whose batteries were changed says 2000-01-01), so the reading takes the hub's time of receipt, is flagged
     * {@link ObservationFlag#DEVICE_CLOCK_UNRELIABLE} and is evaluated, rather than stored as history nobody judges.
     */
    public List<OutboxEntry> assemble(
            String deviceId,
            String patientId,
            CarePlan plan,
            List<Measurement> measurements,
            Instant received,
            boolean clockTrusted,
            boolean live,
            LongSupplier seqs) {
        Duration staleAfter = plan == null ? CarePlan.DEFAULT_STALE_AFTER : plan.effectiveStaleAfter();
        List<OutboxEntry> entries = new ArrayList<>(measurements.size() + 1);
        for (Measurement m : measurements) {
            EnumSet<ObservationFlag> flags = EnumSet.noneOf(ObservationFlag.class);
            flags.addAll(m.flags());
            if (m.value() != null && !Plausibility.isPlausible(m.code(), m.value())) {
                flags.add(ObservationFlag.IMPLAUSIBLE);
            }
            if (!clockTrusted) {
                flags.add(ObservationFlag.HUB_CLOCK_UNSYNCHRONIZED);
            }
            if (patientId == null) {
                flags.add(ObservationFlag.UNATTRIBUTED); // a shared device that could not tell whose reading it is
            }
            Instant effective = m.deviceTime() == null
                    ? null
                    : m.deviceTime().atZone(deviceZone).toInstant();
            // A stored record may be old, but none is from the future: a device clock ahead of a right hub clock is
            // wrong, so the reading takes the hub's time of receipt and says why.
            if (clockTrusted
                    && effective != null
                    && (effective.isAfter(received.plus(DEVICE_CLOCK_TOLERANCE))
                            || live && effective.isBefore(received.minus(staleAfter)))) {
                flags.add(ObservationFlag.DEVICE_CLOCK_UNRELIABLE);
                effective = null;
            }
            // Nor from before 2000 or after the times Nära keeps (a reset or garbled clock), whatever the hub's clock.
            if (effective != null
                    && (effective.isBefore(Limits.EARLIEST_TIME) || !effective.isBefore(Limits.LATEST_TIME))) {
                flags.add(ObservationFlag.DEVICE_CLOCK_UNRELIABLE);
                effective = null;
            }
            Observation observation = new Observation(
                    seqs.getAsLong(),
                    patientId,
                    deviceId,
                    m.code().code(),
                    m.value(),
                    m.unit(),
                    effective,
                    received,
                    flags);
            entries.add(new OutboxEntry.ObservationEntry(observation));
            if (plan != null) {
                for (AlertEvent event : rules.evaluate(plan, observation, received)) {
                    entries.add(new OutboxEntry.AlertEntry(event.toAlert(seqs.getAsLong(), received)));
                }
            }
        }
        return List.copyOf(entries);
    }
}
