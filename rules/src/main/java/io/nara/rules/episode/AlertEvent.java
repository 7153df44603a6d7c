package io.nara.rules.episode;

import io.nara.protocol.Limits;
import io.nara.protocol.message.Alert;
import io.nara.protocol.message.AlertStatus;
import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.time.Instant;

/** What an evaluation tells the nurse: an alert before it has a sequence number. */
public record AlertEvent(
        AlertStatus status,
        String episode,
        String patientId,
        String ruleId,
        Severity severity,
        String code,
        Double value,
        String unit,
        String message,
        long observationSeq,
        String carePlanVersion,
        String respondFirst,
        Duration escalateAfter) {

    public AlertEvent {
        if (message.length() > Limits.MAX_TEXT_LENGTH) {
            message = message.substring(0, Limits.MAX_TEXT_LENGTH - 1) + "…";
        }
    }

    public Alert toAlert(long seq, Instant raisedAt) {
        return new Alert(
                seq,
                patientId,
                ruleId,
                severity,
                code,
                value,
                unit,
                message,
                raisedAt,
                observationSeq,
                carePlanVersion,
                respondFirst,
                escalateAfter,
                status,
                episode);
    }
}
