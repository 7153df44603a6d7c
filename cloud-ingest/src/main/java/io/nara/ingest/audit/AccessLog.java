package io.nara.ingest.audit;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;

/**
 * The record of every read of patient data. Written in the same transaction as the read, so there is no read
 * without its entry.
 */
public final class AccessLog {

    private AccessLog() {}

    /**
     * @param actor      who read
     * @param action     what was read, e.g. {@code alerts.list}
     * @param patientIds whose data was in the answer
     * @param detail     anything that narrows it down (query, alert id)
     */
    public static void record(
            Connection connection, String actor, String action, Collection<String> patientIds, String detail)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO access_log (actor, action, patient_ids, detail) VALUES (?, ?, ?, ?)")) {
            Array patients = connection.createArrayOf(
                    "text", patientIds.stream().distinct().sorted().toArray());
            insert.setString(1, actor);
            insert.setString(2, action);
            insert.setArray(3, patients);
            insert.setString(4, detail);
            insert.executeUpdate();
        }
    }
}
