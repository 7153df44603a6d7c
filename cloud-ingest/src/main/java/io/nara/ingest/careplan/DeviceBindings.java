package io.nara.ingest.careplan;

import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.DeviceBinding;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The device bindings of every hub, with their history (table {@code device_binding}; this class is its one writer).
 * A binding is never deleted: unbinding or replacing a device retires it, and binding a device that is bound
 * elsewhere is refused. {@link CarePlanService} calls these inside its transactions and publishes the hub's config.
 */
public final class DeviceBindings {

    /** A device is already bound elsewhere (another hub, or another patient): unbind or replace it first. */
    public static final class AlreadyBound extends IllegalStateException {
        public AlreadyBound(String deviceId, String hubId, String whom) {
            super("enheten " + deviceId + " är redan kopplad till " + whom + " på hubben " + hubId
                    + "; koppla bort den först / device " + deviceId + " is already bound to " + whom + " on hub "
                    + hubId + "; unbind it there first");
        }
    }

    /** The device is not bound to the hub. */
    public static final class NotBound extends IllegalArgumentException {
        public NotBound(String deviceId, String hubId) {
            super("enheten " + deviceId + " är inte kopplad till hubben " + hubId + " / device " + deviceId
                    + " is not bound to hub " + hubId);
        }
    }

    /** A binding in force or retired, as the enrolment page shows it. */
    public record Row(
            long id,
            String hubId,
            DeviceBinding binding,
            String boundBy,
            Instant boundAt,
            String retiredBy,
            Instant retiredAt,
            Long replacedBy) {}

    private final MessageCodec codec;

    DeviceBindings(MessageCodec codec) {
        this.codec = codec;
    }

    /**
     * Binds the device to the hub; a binding equal to the one in force is a no-op (returns false). A device bound on
     * another hub, or on this hub to someone else, is refused with {@link AlreadyBound}.
     */
    boolean bind(Connection c, String hubId, DeviceBinding binding, String by, Instant now) throws SQLException {
        Optional<Row> current = active(c, binding.deviceId());
        if (current.isPresent()) {
            Row row = current.get();
            if (row.hubId().equals(hubId) && row.binding().equals(binding)) {
                return false;
            }
            throw new AlreadyBound(binding.deviceId(), row.hubId(), whom(row.binding()));
        }
        insert(c, hubId, binding, by, now);
        return true;
    }

    /** Retires the device's binding on the hub: an explicit removal. */
    void retire(Connection c, String hubId, String deviceId, String by, Instant now) throws SQLException {
        Row row = active(c, deviceId)
                .filter(r -> r.hubId().equals(hubId))
                .orElseThrow(() -> new NotBound(deviceId, hubId));
        retire(c, row.id(), by, now, null);
    }

    /**
     * Replaces a device by a new one for the same patient or users (a new cuff): the old binding is retired and points
     * at the new one, so the patient's history runs on without a gap.
     */
    DeviceBinding replace(
            Connection c, String hubId, String oldDeviceId, String newDeviceId, String model, String by, Instant now)
            throws SQLException {
        Row old = active(c, oldDeviceId)
                .filter(r -> r.hubId().equals(hubId))
                .orElseThrow(() -> new NotBound(oldDeviceId, hubId));
        Optional<Row> taken = active(c, newDeviceId);
        if (taken.isPresent()) {
            throw new AlreadyBound(
                    newDeviceId, taken.get().hubId(), whom(taken.get().binding()));
        }
        DeviceBinding fresh = new DeviceBinding(
                newDeviceId,
                model == null ? old.binding().model() : model,
                old.binding().patientId(),
                old.binding().users());
        long id = insert(c, hubId, fresh, by, now);
        retire(c, old.id(), by, now, id);
        return fresh;
    }

    /**
     * Takes the patient off every binding of the hub: her own devices are retired; a shared device is retired and
     * bound again for the users left (one left: that patient's own device). Returns the devices changed.
     */
    List<String> removePatient(Connection c, String hubId, String patientId, String by, Instant now)
            throws SQLException {
        List<String> changed = new ArrayList<>();
        for (Row row : rows(c, "hub_id = ? AND retired_at IS NULL", hubId)) {
            DeviceBinding b = row.binding();
            if (patientId.equals(b.patientId())) {
                retire(c, row.id(), by, now, null);
                changed.add(b.deviceId());
            } else if (b.users().stream().anyMatch(u -> u.patientId().equals(patientId))) {
                List<DeviceBinding.DeviceUser> left = b.users().stream()
                        .filter(u -> !u.patientId().equals(patientId))
                        .toList();
                retire(c, row.id(), by, now, null);
                if (!left.isEmpty()) {
                    insert(
                            c,
                            hubId,
                            left.size() == 1
                                    ? new DeviceBinding(
                                            b.deviceId(), b.model(), left.get(0).patientId())
                                    : new DeviceBinding(b.deviceId(), b.model(), null, left),
                            by,
                            now);
                }
                changed.add(b.deviceId());
            }
        }
        return changed;
    }

    /** The bindings in force on the hub, by device id: what its config holds. */
    List<DeviceBinding> inForce(Connection c, String hubId) throws SQLException {
        return rows(c, "hub_id = ? AND retired_at IS NULL", hubId).stream()
                .map(Row::binding)
                .toList();
    }

    /** Every binding the hub ever had, newest first. */
    public List<Row> history(Connection c, String hubId) throws SQLException {
        List<Row> rows = new ArrayList<>(rows(c, "hub_id = ?", hubId));
        rows.sort((a, b) -> b.boundAt().compareTo(a.boundAt()));
        return rows;
    }

    /** Marks the bindings the hub's new config version no longer holds with that version (message authorisation). */
    static void stampRetired(Connection c, String hubId, long version) throws SQLException {
        try (PreparedStatement u = c.prepareStatement("UPDATE device_binding SET retired_version = ? "
                + "WHERE hub_id = ? AND retired_at IS NOT NULL AND retired_version IS NULL")) {
            u.setLong(1, version);
            u.setString(2, hubId);
            u.executeUpdate();
        }
    }

    private Optional<Row> active(Connection c, String deviceId) throws SQLException {
        return rows(c, "device_id = ? AND retired_at IS NULL FOR UPDATE", deviceId).stream()
                .findFirst();
    }

    private long insert(Connection c, String hubId, DeviceBinding binding, String by, Instant now) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("""
                INSERT INTO device_binding (hub_id, device_id, model, patient_id, users, bound_by, bound_at)
                VALUES (?, ?, ?, ?, ?::jsonb, ?, ?) RETURNING id""")) {
            q.setString(1, hubId);
            q.setString(2, binding.deviceId());
            q.setString(3, binding.model() == null ? "" : binding.model());
            q.setString(4, binding.patientId());
            q.setString(5, codec.toJson(binding.users()));
            q.setString(6, by);
            q.setTimestamp(7, Timestamp.from(now));
            try (ResultSet r = q.executeQuery()) {
                r.next();
                return r.getLong("id");
            }
        }
    }

    private static void retire(Connection c, long id, String by, Instant now, Long replacedBy) throws SQLException {
        try (PreparedStatement u = c.prepareStatement(
                "UPDATE device_binding SET retired_at = ?, retired_by = ?, " + "replaced_by = ? WHERE id = ?")) {
            u.setTimestamp(1, Timestamp.from(now));
            u.setString(2, by);
            if (replacedBy == null) {
                u.setNull(3, Types.BIGINT);
            } else {
                u.setLong(3, replacedBy);
            }
            u.setLong(4, id);
            u.executeUpdate();
        }
    }

    private List<Row> rows(Connection c, String where, String key) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement q =
                c.prepareStatement("SELECT id, hub_id, device_id, model, patient_id, users::text AS users, "
                        + "bound_by, bound_at, retired_by, retired_at, replaced_by FROM device_binding WHERE "
                        + where)) {
            q.setString(1, key);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    String model = r.getString("model");
                    DeviceBinding binding = new DeviceBinding(
                            r.getString("device_id"),
                            model.isEmpty() ? null : model,
                            r.getString("patient_id"),
                            users(r.getString("users")));
                    Timestamp retired = r.getTimestamp("retired_at");
                    Long replacedBy = r.getObject("replaced_by", Long.class);
                    rows.add(new Row(
                            r.getLong("id"),
                            r.getString("hub_id"),
                            binding,
                            r.getString("bound_by"),
                            r.getTimestamp("bound_at").toInstant(),
                            r.getString("retired_by"),
                            retired == null ? null : retired.toInstant(),
                            replacedBy));
                }
            }
        }
        return rows;
    }

    private List<DeviceBinding.DeviceUser> users(String json) {
        DeviceBinding.DeviceUser[] users =
                codec.decode(json.getBytes(StandardCharsets.UTF_8), DeviceBinding.DeviceUser[].class);
        return List.of(users);
    }

    private static String whom(DeviceBinding b) {
        return b.patientId() != null
                ? "patienten " + b.patientId() + " / patient " + b.patientId()
                : "hushållet / the household";
    }
}
