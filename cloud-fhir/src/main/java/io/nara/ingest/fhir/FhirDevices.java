package io.nara.ingest.fhir;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which devices belong to which patient, from PostgreSQL: the hubs' device bindings ({@code hub_config.devices}) and
 * the devices that have measured for the patient ({@code latest_reading}), which covers devices bound on the hub alone.
 */
final class FhirDevices {

    /** A device and the patients it measures. */
    record Known(String deviceId, String model, Set<String> patients) {
        /** The one patient of a personal device; null for a device shared by several (a couple's scale). */
        String onlyPatient() {
            return patients.size() == 1 ? patients.iterator().next() : null;
        }
    }

    private static final String BINDINGS = """
            SELECT d->>'deviceId', d->>'model', COALESCE(d->>'patientId', u->>'patientId')
            FROM hub_config h CROSS JOIN LATERAL jsonb_array_elements(h.devices) d
                 LEFT JOIN LATERAL jsonb_array_elements(COALESCE(d->'users', '[]'::jsonb)) u ON true
            """;

    private FhirDevices() {}

    /** The devices of a patient, by device id. */
    static Map<String, Known> ofPatient(Connection c, String patientId) throws SQLException {
        Map<String, Known> devices = new LinkedHashMap<>();
        try (PreparedStatement q = c.prepareStatement(
                "SELECT DISTINCT device_id FROM latest_reading WHERE patient_id = ? " + "ORDER BY device_id")) {
            q.setString(1, patientId);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    devices.put(
                            r.getString("device_id"),
                            new Known(r.getString("device_id"), null, new TreeSet<>(Set.of(patientId))));
                }
            }
        }
        try (PreparedStatement q =
                c.prepareStatement("SELECT b.* FROM (" + BINDINGS + ") b(device_id, model, patient_id) "
                        + "WHERE b.device_id IN (SELECT d->>'deviceId' FROM hub_config h2 CROSS JOIN LATERAL "
                        + "jsonb_array_elements(h2.devices) d LEFT JOIN LATERAL jsonb_array_elements(COALESCE(d->'users', "
                        + "'[]'::jsonb)) u ON true WHERE COALESCE(d->>'patientId', u->>'patientId') = ?)")) {
            q.setString(1, patientId);
            collect(q, devices);
        }
        return devices;
    }

    /** One device with every patient it measures; empty patients when Nära does not know it. */
    static Known one(Connection c, String deviceId) throws SQLException {
        Map<String, Known> devices = new LinkedHashMap<>();
        try (PreparedStatement q =
                c.prepareStatement("SELECT DISTINCT patient_id FROM latest_reading WHERE device_id = ?")) {
            q.setString(1, deviceId);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    devices.computeIfAbsent(deviceId, id -> new Known(id, null, new TreeSet<>()))
                            .patients()
                            .add(r.getString("patient_id"));
                }
            }
        }
        try (PreparedStatement q = c.prepareStatement(
                "SELECT b.* FROM (" + BINDINGS + ") b(device_id, model, patient_id) " + "WHERE b.device_id = ?")) {
            q.setString(1, deviceId);
            collect(q, devices);
        }
        return devices.getOrDefault(deviceId, new Known(deviceId, null, Set.of()));
    }

    private static void collect(PreparedStatement q, Map<String, Known> devices) throws SQLException {
        try (ResultSet r = q.executeQuery()) {
            while (r.next()) {
                String id = r.getString("device_id");
                Known before = devices.get(id);
                Set<String> patients = before == null ? new TreeSet<>() : new TreeSet<>(before.patients());
                if (r.getString("patient_id") != null) {
                    patients.add(r.getString("patient_id"));
                }
                String model =
                        r.getString("model") != null ? r.getString("model") : before == null ? null : before.model();
                devices.put(id, new Known(id, model, patients));
            }
        }
    }
}
