package io.nara.ingest.consumer;

import io.nara.protocol.Checks;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.AlertMessage;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationBatch;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.vocabulary.ClinicalCode;
import io.nara.protocol.vocabulary.Vocabulary;
import io.nara.rules.Plausibility;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * The cloud's own checks of what a hub sends, beyond the message's shape: the cloud does not trust the hub's. A code
 * outside the vocabulary, a unit that is not the code's (nor one the vocabulary converts into it), or a time later than the node's clock plus the tolerance
 * refuses the message (IllegalArgumentException naming the reading); a value outside what a body can produce is
 * flagged IMPLAUSIBLE exactly as the hub flags it, so no rule and no chart takes it for a reading. Pure.
 */
public final class IncomingReadings {

    private IncomingReadings() {}

    /** The batch as the cloud stores it, or an exception naming the first reading it refuses. */
    public static ObservationBatch check(ObservationBatch batch, Instant now) {
        List<Observation> checked = new ArrayList<>(batch.observations().size());
        boolean changed = false;
        for (Observation o : batch.observations()) {
            String which = "observation " + o.seq();
            Checks.requireNotFuture(o.effective(), which + " effective", now);
            Checks.requireNotFuture(o.received(), which + " received", now);
            ClinicalCode code = known(o.code(), o.unit(), which);
            if (!code.ucum().equals(o.unit())) {
                // A unit the vocabulary converts (haemoglobin in g/dL from a hub older than its change to g/L) is
                // stored in the vocabulary's unit, so one series never mixes 13.5 and 135.
                o = new Observation(
                        o.seq(),
                        o.patientId(),
                        o.deviceId(),
                        o.code(),
                        o.value() == null
                                ? null
                                : Vocabulary.toVocabularyUnit(code, o.value(), o.unit())
                                        .orElseThrow(),
                        code.ucum(),
                        o.effective(),
                        o.received(),
                        o.flags());
                changed = true;
            }
            if (o.value() != null
                    && !o.has(ObservationFlag.IMPLAUSIBLE)
                    && !Plausibility.isPlausible(code, o.value())) {
                EnumSet<ObservationFlag> flags = EnumSet.of(ObservationFlag.IMPLAUSIBLE);
                flags.addAll(o.flags());
                o = new Observation(
                        o.seq(),
                        o.patientId(),
                        o.deviceId(),
                        o.code(),
                        o.value(),
                        o.unit(),
                        o.effective(),
                        o.received(),
                        flags);
                changed = true;
            }
            checked.add(o);
        }
        return changed
                ? new ObservationBatch(batch.v(), batch.outbox(), batch.seqFrom(), batch.seqTo(), checked)
                : batch;
    }

    /** The alert message, or an exception naming what the cloud refuses in it. */
    public static AlertMessage check(AlertMessage message, Instant now) {
        Alert a = message.alert();
        String which = "alert " + a.seq();
        Checks.requireNotFuture(a.raisedAt(), which + " raisedAt", now);
        if (a.code() != null) {
            ClinicalCode code = Vocabulary.byCode(a.code())
                    .orElseThrow(() ->
                            new IllegalArgumentException(which + ": code " + a.code() + " is not in the vocabulary"));
            if (a.unit() != null && !a.unit().equals(code.ucum())) {
                throw new IllegalArgumentException(
                        which + ": unit '" + a.unit() + "' is not the unit of " + a.code() + " (" + code.ucum() + ")");
            }
        }
        return message;
    }

    /** The code, when its unit is the vocabulary's or one the vocabulary converts into it. */
    private static ClinicalCode known(String loinc, String unit, String which) {
        ClinicalCode code = Vocabulary.byCode(loinc)
                .orElseThrow(
                        () -> new IllegalArgumentException(which + ": code " + loinc + " is not in the vocabulary"));
        if (!code.ucum().equals(unit)
                && (unit == null || Vocabulary.toVocabularyUnit(code, 1.0, unit).isEmpty())) {
            throw new IllegalArgumentException(
                    which + ": unit '" + unit + "' is not the unit of " + loinc + " (" + code.ucum() + ")");
        }
        return code;
    }
}
