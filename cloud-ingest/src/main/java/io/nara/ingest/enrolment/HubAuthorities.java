package io.nara.ingest.enrolment;

import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.DeviceBinding;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Loads a hub's {@link HubAuthority} from PostgreSQL: its bindings, household and plans, and its applied config. */
public final class HubAuthorities {

    /** How far a hub's clock may run ahead of the cloud's when it stamps a reading taken just before a change. */
    public static final Duration GRACE = Duration.ofMinutes(5);

    private final MessageCodec codec;

    public HubAuthorities(MessageCodec codec) {
        this.codec = codec;
    }

    public HubAuthority load(Connection c, String hubId) throws SQLException {
        Long applied = null;
        try (PreparedStatement q = c.prepareStatement("SELECT config_applied FROM hub WHERE hub_id = ?")) {
            q.setString(1, hubId);
            try (ResultSet r = q.executeQuery()) {
                if (r.next()) {
                    long v = r.getLong("config_applied");
                    applied = r.wasNull() ? null : v;
                }
            }
        }
        List<HubAuthority.Binding> bindings = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT device_id, patient_id, users::text AS users, retired_at, "
                + "retired_version FROM device_binding WHERE hub_id = ?")) {
            q.setString(1, hubId);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    Set<String> users = new HashSet<>();
                    for (DeviceBinding.DeviceUser u : codec.decode(
                            r.getString("users").getBytes(StandardCharsets.UTF_8), DeviceBinding.DeviceUser[].class)) {
                        users.add(u.patientId());
                    }
                    Timestamp retired = r.getTimestamp("retired_at");
                    Long version = r.getObject("retired_version", Long.class);
                    bindings.add(new HubAuthority.Binding(
                            r.getString("device_id"),
                            r.getString("patient_id"),
                            users,
                            retired == null ? null : retired.toInstant(),
                            version));
                }
            }
        }
        List<HubAuthority.Member> members = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("""
                SELECT m.patient_id, m.until FROM household h JOIN household_member m ON m.household_id = h.id
                WHERE h.hub_id = ?
                UNION ALL SELECT patient_id, NULL FROM care_plan WHERE hub_id = ?""")) {
            q.setString(1, hubId);
            q.setString(2, hubId);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    Timestamp until = r.getTimestamp("until");
                    members.add(new HubAuthority.Member(
                            r.getString("patient_id"), until == null ? null : until.toInstant(), null));
                }
            }
        }
        return new HubAuthority(hubId, applied, bindings, members, GRACE);
    }
}
