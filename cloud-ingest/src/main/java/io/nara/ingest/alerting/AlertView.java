package io.nara.ingest.alerting;

import io.nara.protocol.message.Severity;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** An alert as the cloud stored it: what the nurse's inbox and the API show. */
public record AlertView(
        long id,
        String hubId,
        long seq,
        String patientId,
        String ruleId,
        Severity severity,
        String code,
        Double value,
        String unit,
        String message,
        Instant raisedAt,
        Instant receivedAt,
        long observationSeq,
        String carePlanVersion) {

    static final String COLUMNS = "id, hub_id, seq, patient_id, rule_id, severity, code, value, unit, message, "
            + "raised_at, received_at, observation_seq, care_plan_version";

    static AlertView from(ResultSet row) throws SQLException {
        return new AlertView(
                row.getLong("id"),
                row.getString("hub_id"),
                row.getLong("seq"),
                row.getString("patient_id"),
                row.getString("rule_id"),
                Severity.valueOf(row.getString("severity")),
                row.getString("code"),
                row.getObject("value", Double.class),
                row.getString("unit"),
                row.getString("message"),
                row.getTimestamp("raised_at").toInstant(),
                row.getTimestamp("received_at").toInstant(),
                row.getLong("observation_seq"),
                row.getString("care_plan_version"));
    }
}
