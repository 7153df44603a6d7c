package io.nara.gateway.pipeline;

import io.nara.devices.Measurement;
import io.nara.gateway.outbox.OutboxEntry;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationFlag;
import io.nara.rules.CarePlanEvaluator;
import io.nara.rules.Finding;
import io.nara.rules.Plausibility;
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

    private final CarePlanEvaluator evaluator = new CarePlanEvaluator();
    private final ZoneId deviceZone;

    /** @param deviceZone the zone device clocks are set in (devices send local time without a zone) */
    public ReadingAssembler(ZoneId deviceZone) {
        this.deviceZone = deviceZone;
    }

    /**
     * @param deviceId        the device
     * @param patientId       the patient the device is bound to
     * @param plan            the patient's care plan, or null when the hub has none for this patient
     * @param measurements    decoded values
     * @param received        when the hub received them
     * @param clockTrusted    whether the hub's clock is known to be right
     * @param seqs            draws outbox sequence numbers
     */
    public List<OutboxEntry> assemble(String deviceId, String patientId, CarePlan plan, List<Measurement> measurements,
                                      Instant received, boolean clockTrusted, LongSupplier seqs) {
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
            Instant effective = m.deviceTime() == null ? null : m.deviceTime().atZone(deviceZone).toInstant();
            Observation observation = new Observation(seqs.getAsLong(), patientId, deviceId, m.code().loinc(),
                    m.value(), m.unit(), effective, received, flags);
            entries.add(new OutboxEntry.ObservationEntry(observation));
            if (plan != null) {
                for (Finding finding : evaluator.evaluate(plan, observation)) {
                    entries.add(new OutboxEntry.AlertEntry(finding.toAlert(seqs.getAsLong(), received)));
                }
            }
        }
        return List.copyOf(entries);
    }
}
