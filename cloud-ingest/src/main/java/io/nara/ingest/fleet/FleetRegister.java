package io.nara.ingest.fleet;

import io.nara.ingest.access.CareAccess;
import io.nara.ingest.auth.Principal;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fleet register as rows for the page and the API: one row per hub the principal may see, its columns defined
 * once in {@link #COLUMNS} (add one there and it appears in {@code GET /api/fleet/hubs}).
 *
 * <p>Who sees what: the operator key every hub; a person with the OPERATOR role every hub of their organisation;
 * anyone else the hubs of the patients they care for (a care plan names the hub).
 */
public final class FleetRegister {

    /** A column: its JSON name and the SQL that computes it (aliases: h hub, a hub_assignment, c hub_config). */
    record Column(String name, String sql) {}

    static final List<Column> COLUMNS = List.of(
            new Column("hubId", "h.hub_id"),
            new Column("lifecycle", "h.lifecycle"),
            // Derived: a hub that serves a household is "assigned", and "in a home" once heard from after that.
            new Column("state", """
                    CASE WHEN h.lifecycle IN ('REVOKED', 'RETURNED') THEN h.lifecycle
                         WHEN a.household_id IS NOT NULL AND h.lifecycle = 'ENROLLED'
                              AND h.last_seen_at > coalesce(h.lifecycle_changed_at, '-infinity') THEN 'IN_HOME'
                         WHEN a.household_id IS NOT NULL THEN 'ASSIGNED'
                         ELSE h.lifecycle END"""),
            new Column("householdId", "a.household_id"),
            new Column("household", "a.household_label"),
            new Column("organisationId", "h.organisation_id"),
            new Column("online", "h.state"),
            new Column("software", "h.software"),
            // The update the hub last refused or rolled back (its status message says which and why).
            new Column("failedUpdateVersion", "h.failed_update_version"),
            new Column("failedUpdateOutcome", "h.failed_update_outcome"),
            new Column("failedUpdateReason", "h.failed_update_reason"),
            new Column("failedUpdateAt", "h.failed_update_at"),
            // What the hub holds in quarantine (its last status): how many, and the newest with its reason.
            new Column("quarantined", "h.quarantine_held"),
            new Column("quarantineNewestDevice", "h.quarantine_newest_device"),
            new Column("quarantineNewestProblem", "h.quarantine_newest_problem"),
            new Column("quarantineNewestAt", "h.quarantine_newest_at"),
            // The hub's outbox storage (its last status): OK, THINNED, DROPPED or FULL, what its policy gave up since
            // the outbox was last empty, and how full it is against its record limit.
            new Column("storageLevel", "h.storage_level"),
            new Column("storageThinnedSamples", "h.storage_thinned_samples"),
            new Column("storageDroppedReadings", "h.storage_dropped_readings"),
            new Column("storageFull", "h.storage_full"),
            new Column("storageRecords", "h.storage_records"),
            new Column("storageMaxRecords", "h.storage_max_records"),
            new Column("lastSeen", "h.last_seen_at"),
            new Column("outboxPending", "h.outbox_pending"),
            new Column("clock", "h.clock"),
            new Column("configVersion", "c.version"),
            new Column("configPublished", "c.published_version"),
            // What the hub reports it applied: the page shows "applied" or "waiting for the hub".
            new Column("configApplied", "h.config_applied"),
            new Column("certificateValidUntil", """
                    (SELECT max(x.not_after) FROM hub_certificate x WHERE x.hub_id = h.hub_id AND x.revoked_at IS NULL)"""),
            new Column("codeValidUntil", """
                    (SELECT max(e.expires_at) FROM enrolment_code e
                     WHERE e.hub_id = h.hub_id AND e.used_at IS NULL AND e.ended_at IS NULL)"""),
            new Column("rejectedMessages", """
                    (SELECT coalesce(sum(r.times), 0) FROM rejected_message r WHERE r.hub_id = h.hub_id)"""),
            // Of those, what the hub sent for patients or devices not bound to it.
            new Column("unauthorised", """
                    (SELECT coalesce(sum(u.refused), 0) FROM hub_refusals u WHERE u.hub_id = h.hub_id)"""),
            new Column("lifecycleChanged", "h.lifecycle_changed_at"),
            new Column("lifecycleChangedBy", "h.lifecycle_changed_by"));

    /**
     * What to list.
     *
     * @param lifecycle     only hubs in this lifecycle state, or null
     * @param offlineFor    only hubs not heard from for at least this long (never heard from counts), or null
     * @param storageProblem only hubs whose last status said their storage is not OK (thinned, dropped or full)
     */
    public record Filter(String lifecycle, Duration offlineFor, boolean storageProblem) {
        public static Filter all() {
            return new Filter(null, null, false);
        }
    }

    private FleetRegister() {}

    public static List<Map<String, Object>> list(Connection c, Principal who, Filter filter, Instant now)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < COLUMNS.size(); i++) {
            sql.append(i == 0 ? "" : ", ")
                    .append(COLUMNS.get(i).sql())
                    .append(" AS \"")
                    .append(COLUMNS.get(i).name())
                    .append('"');
        }
        sql.append(" FROM hub h LEFT JOIN hub_assignment a ON a.hub_id = h.hub_id")
                .append(" LEFT JOIN hub_config c ON c.hub_id = h.hub_id WHERE true");
        List<Object> params = new ArrayList<>();
        if (!who.operator()) {
            List<String> organisations = operatorOrganisations(c, who);
            List<String> patients = CareAccess.visiblePatients(c, who, now);
            // A nurse sees the hubs of her patients' households (and of their plans, for hubs before households).
            sql.append(" AND (h.organisation_id = ANY (?) OR h.hub_id IN "
                    + "(SELECT p.hub_id FROM care_plan p WHERE p.patient_id = ANY (?)) OR h.hub_id IN "
                    + "(SELECT hh.hub_id FROM household hh JOIN household_member m ON m.household_id = hh.id "
                    + "WHERE hh.ended_at IS NULL AND m.until IS NULL AND m.patient_id = ANY (?)))");
            params.add(c.createArrayOf("text", organisations.toArray()));
            params.add(c.createArrayOf("text", patients.toArray()));
            params.add(c.createArrayOf("text", patients.toArray()));
        }
        if (filter.lifecycle() != null) {
            sql.append(" AND h.lifecycle = ?");
            params.add(filter.lifecycle());
        }
        if (filter.offlineFor() != null) {
            sql.append(" AND h.lifecycle = 'ENROLLED' AND (h.last_seen_at IS NULL OR h.last_seen_at < ?)");
            params.add(Timestamp.from(now.minus(filter.offlineFor())));
        }
        if (filter.storageProblem()) {
            sql.append(" AND h.storage_level <> 'OK'");
        }
        sql.append(" ORDER BY h.hub_id");
        List<Map<String, Object>> rows = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
                q.setObject(i + 1, params.get(i));
            }
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (Column column : COLUMNS) {
                        Object value = r.getObject(column.name());
                        row.put(
                                column.name(),
                                value instanceof Timestamp t
                                        ? t.toInstant().toString()
                                        : value instanceof BigDecimal d ? d.longValue() : value);
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    /** The organisations in which the person holds the OPERATOR role. */
    public static List<String> operatorOrganisations(Connection c, Principal who) throws SQLException {
        List<String> out = new ArrayList<>();
        if (who.personId() == null) {
            return out;
        }
        try (PreparedStatement q = c.prepareStatement("""
                SELECT DISTINCT t.organisation_id FROM team_member m JOIN care_team t ON t.id = m.team_id
                WHERE m.person_id = ? AND m.role = 'OPERATOR' ORDER BY 1
                """)) {
            q.setString(1, who.personId());
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString("organisation_id"));
                }
            }
        }
        return out;
    }

    /** The hub's organisation, or empty when the hub is unknown ({@code Optional} of null: no organisation). */
    public static Optional<Optional<String>> organisationOf(Connection c, String hubId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT organisation_id FROM hub WHERE hub_id = ?")) {
            q.setString(1, hubId);
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? Optional.of(Optional.ofNullable(r.getString("organisation_id"))) : Optional.empty();
            }
        }
    }
}
