package io.nara.ingest.rights;

import io.nara.ingest.alerting.AlertLifecycle;
import io.nara.ingest.feedback.AlertSeenPublisher;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The PostgreSQL half of erasing a patient: every row about her, in the order the foreign keys need, in the caller's
 * transaction. Another patient's rows are never touched: a shared device keeps its other users, the household and the
 * hub's config history keep the other members (her plan and her entries are taken out of the stored configs), and the
 * household loses its label when that was her name. The access log stays: it is the record of who read patient
 * data, which the law keeps longer than the data, and holds her id, never her data.
 */
final class PatientErasure {

    private static final String HER_ALERTS = "(SELECT id FROM alert WHERE patient_id = ?)";
    private static final String ALERTS = "alerts";
    private static final String ALERT_SEEN = "hub_alert_seen";

    /** Statements in order; each takes the patient's id for every '?'. */
    private static final Map<String, String> DELETES = new LinkedHashMap<>();

    static {
        DELETES.put("notification", "DELETE FROM notification WHERE alert_id IN " + HER_ALERTS);
        DELETES.put("relative_alarm", "DELETE FROM relative_alarm WHERE patient_id = ?");
        DELETES.put("fhir_push", "DELETE FROM fhir_push WHERE patient_id = ?");
        // What her hub was last told about her alert ("seen by a nurse"), here and retained on the broker: blanked by
        // its publisher, which alone writes it (see delete). The hub itself wipes her on the next config.
        DELETES.put(ALERT_SEEN, null);
        // Home-care staff's reports name her alerts, so they go before them.
        DELETES.put("home_care_report", "DELETE FROM home_care_report WHERE patient_id = ?");
        DELETES.put(
                "delegation_done",
                "DELETE FROM delegation_done WHERE delegation_id IN (SELECT id FROM delegation WHERE patient_id = ?)");
        DELETES.put("delegation", "DELETE FROM delegation WHERE patient_id = ?");
        // Her alerts, their state, trail and snoozes: erased by alerting, which alone writes them (see delete).
        DELETES.put(ALERTS, null);
        DELETES.put("care_plan", "DELETE FROM care_plan WHERE patient_id = ?");
        DELETES.put("care_plan_history", "DELETE FROM care_plan_history WHERE patient_id = ?");
        DELETES.put("latest_reading", "DELETE FROM latest_reading WHERE patient_id = ?");
        DELETES.put("unattributed_reading", "DELETE FROM unattributed_reading WHERE patient_id = ?");
        DELETES.put("admission", "DELETE FROM admission WHERE patient_id = ?");
        DELETES.put(
                "web_session",
                "DELETE FROM web_session WHERE relative_id IN " + "(SELECT id FROM relative WHERE patient_id = ?)");
        DELETES.put("relative_consent", "DELETE FROM relative_consent WHERE patient_id = ?");
        DELETES.put("relative", "DELETE FROM relative WHERE patient_id = ?");
        DELETES.put("care_relation", "DELETE FROM care_relation WHERE patient_id = ?");
        DELETES.put("household_member", "DELETE FROM household_member WHERE patient_id = ?");
        // A binding replaced by one of hers, or replacing one: the link goes, the other binding stays.
        DELETES.put(
                "device_binding.replaced_by",
                "UPDATE device_binding SET replaced_by = NULL WHERE replaced_by IN "
                        + "(SELECT id FROM device_binding WHERE patient_id = ?)");
        DELETES.put("device_binding", "DELETE FROM device_binding WHERE patient_id = ?");
        DELETES.put(
                "device_binding.users",
                "UPDATE device_binding SET users = (SELECT coalesce(jsonb_agg(u), '[]') "
                        + "FROM jsonb_array_elements(users) u WHERE u->>'patientId' IS DISTINCT FROM ?) "
                        + "WHERE users @> jsonb_build_array(jsonb_build_object('patientId', ?::text))");
        DELETES.put(
                "hub_config_history",
                "UPDATE hub_config_history SET document = " + scrub("document")
                        + " WHERE jsonb_path_exists(document, '$.** ? (@.patientId == $p)', jsonb_build_object('p', ?::text))"
                        + " OR jsonb_exists(coalesce(document->'nationalIds', '{}'), ?)");
        DELETES.put(
                "hub_config",
                "UPDATE hub_config SET devices = " + scrubDevices("devices")
                        + " WHERE jsonb_path_exists(devices, '$.** ? (@.patientId == $p)', jsonb_build_object('p', ?::text))");
        DELETES.put("patient", "DELETE FROM patient WHERE id = ?");
    }

    private PatientErasure() {}

    /**
     * {@code column}'s HubConfig document without her care plan, her devices or device-user entries, and her national
     * id (which the hub compares with what an analyzer names).
     */
    private static String scrub(String column) {
        return "(jsonb_set(jsonb_set(" + column + ", '{carePlans}', (SELECT coalesce(jsonb_agg(p), '[]') FROM "
                + "jsonb_array_elements(coalesce(" + column
                + "->'carePlans', '[]')) p WHERE p->>'patientId' IS DISTINCT "
                + "FROM ?)), '{devices}', " + scrubDevices(column + "->'devices'") + ") #- ARRAY['nationalIds', ?])";
    }

    private static String scrubDevices(String devices) {
        return "(SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(d->'users') = 'array' THEN jsonb_set(d, '{users}', "
                + "(SELECT coalesce(jsonb_agg(u), '[]') FROM jsonb_array_elements(d->'users') u "
                + "WHERE u->>'patientId' IS DISTINCT FROM ?)) ELSE d END), '[]') FROM jsonb_array_elements(coalesce("
                + devices + ", '[]')) d WHERE d->>'patientId' IS DISTINCT FROM ?)";
    }

    /** The '?' parameters of the statement: those outside its quoted literals (a JSON path has its own '?'). */
    static int parameters(String sql) {
        int n = 0;
        boolean quoted = false;
        for (char ch : sql.toCharArray()) {
            if (ch == '\'') {
                quoted = !quoted;
            } else if (ch == '?' && !quoted) {
                n++;
            }
        }
        return n;
    }

    /** Whether she is in a household now, and the newest thing PostgreSQL recorded about her. */
    static ErasurePolicy.Facts facts(Connection c, String patientId, Instant newestReading) throws SQLException {
        boolean monitored;
        try (PreparedStatement q =
                c.prepareStatement("SELECT 1 FROM household_member WHERE patient_id = ? " + "AND until IS NULL")) {
            q.setString(1, patientId);
            try (ResultSet r = q.executeQuery()) {
                monitored = r.next();
            }
        }
        Instant last = newestReading;
        for (String sql : List.of(
                "SELECT max(received_at) AS at FROM alert WHERE patient_id = ?",
                "SELECT max(e.at) AS at FROM alert_event e JOIN alert a ON a.id = e.alert_id WHERE a.patient_id = ?",
                "SELECT max(changed_at) AS at FROM care_plan_history WHERE patient_id = ?",
                "SELECT max(greatest(recorded_at, discharged_at)) AS at FROM admission WHERE patient_id = ?",
                "SELECT max(greatest(given_at, withdrawn_at)) AS at FROM relative_consent WHERE patient_id = ?",
                "SELECT greatest(enrolled_at, monitoring_ended_at) AS at FROM patient WHERE id = ?")) {
            try (PreparedStatement q = c.prepareStatement(sql)) {
                q.setString(1, patientId);
                try (ResultSet r = q.executeQuery()) {
                    Timestamp t = r.next() ? r.getTimestamp("at") : null;
                    if (t != null && (last == null || t.toInstant().isAfter(last))) {
                        last = t.toInstant();
                    }
                }
            }
        }
        return new ErasurePolicy.Facts(monitored, last);
    }

    /** Deletes her rows; the number per table (updates of shared rows counted under their own names). */
    static Map<String, Integer> delete(Connection c, String patientId) throws SQLException {
        String name = null;
        try (PreparedStatement q = c.prepareStatement("SELECT name FROM patient WHERE id = ?")) {
            q.setString(1, patientId);
            try (ResultSet r = q.executeQuery()) {
                if (r.next()) {
                    name = r.getString("name");
                }
            }
        }
        Map<String, Integer> removed = new LinkedHashMap<>();
        if (name != null) {
            try (PreparedStatement u =
                    c.prepareStatement("UPDATE household SET label = 'hushåll ' || id WHERE label = ? "
                            + "AND id IN (SELECT household_id FROM household_member WHERE patient_id = ?)")) {
                u.setString(1, name);
                u.setString(2, patientId);
                removed.put("household.label", u.executeUpdate());
            }
        }
        for (Map.Entry<String, String> d : DELETES.entrySet()) {
            String sql = d.getValue();
            if (d.getKey().equals(ALERTS)) {
                removed.putAll(AlertLifecycle.erase(c, patientId));
                continue;
            }
            if (d.getKey().equals(ALERT_SEEN)) {
                removed.put(ALERT_SEEN, AlertSeenPublisher.erase(c, patientId));
                continue;
            }
            try (PreparedStatement s = c.prepareStatement(sql)) {
                int params = parameters(sql);
                for (int i = 1; i <= params; i++) {
                    s.setString(i, patientId);
                }
                removed.put(d.getKey(), s.executeUpdate());
            }
        }
        // A household left without members is hers alone: it goes too.
        try (PreparedStatement d = c.prepareStatement("DELETE FROM household h WHERE NOT EXISTS (SELECT 1 FROM "
                + "household_member m WHERE m.household_id = h.id) AND h.ended_at IS NOT NULL")) {
            removed.put("household", d.executeUpdate());
        }
        return removed;
    }
}
