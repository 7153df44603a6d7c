package io.nara.ingest.rights;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.postgresql.util.PGobject;

/**
 * A register extract of one patient (GDPR art. 15, Patientdatalagen 8 kap.): everything PostgreSQL holds about her, in
 * sections named after what they hold, each a list of rows with their stored column names, plus her readings from
 * InfluxDB and the access log of who read her data. Nothing about anyone else: rows are selected by her id only, the
 * household appears without its label (another member's name), a shared device without its other users, and an
 * access-log entry about several patients names only her. The format is documented in cloud-ingest/README.md.
 */
public final class RegisterExtract {

    /** The format's name and version, the document's first field. */
    public static final String FORMAT = "nara-register-extract/1";

    /** The sections read from PostgreSQL: name → query with one parameter, the patient's id. */
    static final Map<String, String> SECTIONS = new LinkedHashMap<>();

    static {
        SECTIONS.put("careRelations", """
                SELECT r.team_id, t.name AS team_name, o.name AS organisation, r.valid_from, r.valid_to, r.responds_first
                FROM care_relation r JOIN care_team t ON t.id = r.team_id JOIN organisation o ON o.id = t.organisation_id
                WHERE r.patient_id = ? ORDER BY r.valid_from, r.id""");
        SECTIONS.put("households", """
                SELECT h.hub_id, m.since, m.until FROM household_member m JOIN household h ON h.id = m.household_id
                WHERE m.patient_id = ? ORDER BY m.since""");
        SECTIONS.put("deviceBindings", """
                SELECT b.hub_id, b.device_id, b.model, (SELECT (u->>'userIndex')::int FROM jsonb_array_elements(b.users) u
                       WHERE u->>'patientId' = ?1 LIMIT 1) AS user_index,
                       b.bound_by, b.bound_at, b.retired_by, b.retired_at
                FROM device_binding b WHERE b.patient_id = ?1 OR b.users @> jsonb_build_array(jsonb_build_object(
                      'patientId', ?1::text)) ORDER BY b.bound_at, b.id""");
        SECTIONS.put("carePlan", """
                SELECT version, hub_id, document AS plan, since, changed_by, changed_at FROM care_plan WHERE patient_id = ?""");
        SECTIONS.put("carePlanVersions", """
                SELECT version, hub_id, document AS plan, changed_by, changed_at, reason FROM care_plan_history
                WHERE patient_id = ? ORDER BY version""");
        SECTIONS.put("alerts", """
                SELECT a.id, a.hub_id, a.rule_id, a.severity, a.code, a.value, a.unit, a.message, a.raised_at,
                       a.received_at, a.care_plan_version, s.state, s.owner_id, s.acknowledged_at, s.outcome,
                       s.outcome_note, s.resolved_at
                FROM alert a LEFT JOIN alert_state s ON s.alert_id = a.id WHERE a.patient_id = ? ORDER BY a.raised_at, a.id""");
        SECTIONS.put("alertTrails", """
                SELECT e.* FROM alert_event e JOIN alert a ON a.id = e.alert_id WHERE a.patient_id = ?
                ORDER BY e.alert_id, e.id""");
        SECTIONS.put("alertActions", """
                SELECT x.alert_id, x.kind, x.taken_at, x.taken_by, x.team_id, x.note, x.outcome, x.outcome_at,
                       x.outcome_by, x.outcome_note
                FROM alert_action x JOIN alert a ON a.id = x.alert_id WHERE a.patient_id = ? ORDER BY x.alert_id, x.id""");
        SECTIONS.put("admissions", """
                SELECT admitted_at, discharged_at, reason,
                       coalesce(recorded_by, 'fhir-client:' || recorded_by_client) AS recorded_by, recorded_at
                FROM admission WHERE patient_id = ?
                ORDER BY admitted_at""");
        SECTIONS.put("relatives", """
                SELECT id, name, phone, email, username IS NOT NULL AS signs_in FROM relative WHERE patient_id = ?
                ORDER BY id""");
        SECTIONS.put("consents", """
                SELECT relative_id, scope, given_at, recorded_by, withdrawn_at, withdrawn_by FROM relative_consent
                WHERE patient_id = ? ORDER BY given_at, id""");
        SECTIONS.put("assignedReadings", """
                SELECT hub_id, device_id, code, value, unit, effective, received, flags, state, decided_by, decided_at
                FROM unattributed_reading WHERE patient_id = ? ORDER BY effective, id""");
        SECTIONS.put("accessLog", """
                SELECT l.at, l.actor, coalesce(p.name, r.name) AS actor_name, l.action, l.detail FROM access_log l
                LEFT JOIN person p ON l.actor = 'person:' || p.id LEFT JOIN relative r ON l.actor = 'relative:' || r.id
                WHERE ? = ANY (l.patient_ids) ORDER BY l.at, l.id""");
    }

    private RegisterExtract() {}

    /**
     * The patient's own record: id, name, national identifier, enrolment and its end, her contact details and named
     * care contact.
     */
    static JsonObject patient(Connection c, String patientId) throws SQLException {
        JsonArray rows = rows(
                c,
                "SELECT id, name, national_id, national_id_kind, enrolled_by, enrolled_at, "
                        + "monitoring_ended_at, monitoring_ended_by, phone, address, care_contact_name, "
                        + "care_contact_role, care_contact_phone, sip_url, sip_date::text AS sip_date, sip_responsibilities, "
                        + "contact_changed_by, contact_changed_at FROM patient WHERE id = ?",
                patientId);
        return rows.isEmpty() ? null : rows.getJsonObject(0);
    }

    /** The PostgreSQL sections, in {@link #SECTIONS}' order. */
    static JsonObject sections(Connection c, String patientId) throws SQLException {
        JsonObject sections = new JsonObject();
        for (Map.Entry<String, String> s : SECTIONS.entrySet()) {
            sections.put(s.getKey(), rows(c, s.getValue(), patientId));
        }
        return sections;
    }

    /** The query's rows as JSON objects with the columns' names; times as ISO instants, jsonb as JSON. */
    static JsonArray rows(Connection c, String sql, String patientId) throws SQLException {
        // "?1" marks a query that uses the id more than once; JDBC wants one '?' per use.
        int uses = sql.contains("?1") ? sql.split("\\?1", -1).length - 1 : 1;
        JsonArray rows = new JsonArray();
        try (PreparedStatement q = c.prepareStatement(sql.replace("?1", "?"))) {
            for (int i = 1; i <= uses; i++) {
                q.setString(i, patientId);
            }
            try (ResultSet r = q.executeQuery()) {
                ResultSetMetaData meta = r.getMetaData();
                while (r.next()) {
                    JsonObject row = new JsonObject();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        row.put(meta.getColumnLabel(i), value(r.getObject(i)));
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    private static Object value(Object v) throws SQLException {
        if (v instanceof Timestamp t) {
            return t.toInstant().toString();
        }
        if (v instanceof Array a) {
            return new JsonArray(List.of((Object[]) a.getArray()));
        }
        if (v instanceof PGobject o) {
            return o.getValue() == null ? null : Json.decodeValue(o.getValue());
        }
        if (v instanceof byte[] || v instanceof UUID) {
            return String.valueOf(v);
        }
        return v;
    }
}
