package io.nara.protocol.message;

import static io.nara.protocol.Checks.requireAtMost;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import io.nara.protocol.Checks;
import io.nara.protocol.Limits;
import io.nara.protocol.SchemaVersion;
import io.nara.protocol.careplan.CarePlan;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Topic {@code config}, retained: what a hub needs to work offline. The hub also keeps its last copy on disk, and a
 * hub's first configuration is a file in this same format.
 *
 * @param version   increases with every change; a hub ignores a config older than the one it has. 0 is the empty
 *                  config of a hub that has heard nothing from the cloud yet ({@link #none()}); never sent
 * @param carePlans the care plans of the patients in this home
 * @param devices   device bindings
 * @param pairingUntil pairing mode opened from the cloud by a nurse: until then the hub pairs devices bound to it
 *                  that ask for bonding; null when not opened
 * @param nationalIds the national id (personnummer, samordningsnummer or reserve number, as the cloud keeps it) of
 *                  each patient of the household, by patient id: what a point-of-care analyzer names the patient by,
 *                  so the hub can refuse a result that names someone else. Absent for a patient without one
 */
public record HubConfig(
        int v,
        long version,
        List<CarePlan> carePlans,
        List<DeviceBinding> devices,
        Instant pairingUntil,
        Map<String, String> nationalIds) {

    /** A config without pairing mode. */
    public HubConfig(int v, long version, List<CarePlan> carePlans, List<DeviceBinding> devices) {
        this(v, version, carePlans, devices, null);
    }

    /** A config that names no patient's national id. */
    public HubConfig(int v, long version, List<CarePlan> carePlans, List<DeviceBinding> devices, Instant pairingUntil) {
        this(v, version, carePlans, devices, pairingUntil, null);
    }

    @JsonCreator
    public HubConfig {
        SchemaVersion.require(v);
        if (version < 0) {
            throw new IllegalArgumentException("version must not be negative, was " + version);
        }
        carePlans = carePlans == null ? List.of() : List.copyOf(carePlans);
        devices = devices == null ? List.of() : List.copyOf(devices);
        requireAtMost(carePlans, Limits.MAX_CARE_PLANS_PER_CONFIG, "carePlans");
        Set<String> patients = new HashSet<>();
        for (CarePlan plan : carePlans) {
            if (!patients.add(plan.patientId())) {
                throw new IllegalArgumentException("two care plans for patient " + plan.patientId());
            }
        }
        if (nationalIds != null) {
            nationalIds.forEach((patient, id) -> {
                Checks.requireText(patient, "nationalIds key");
                Checks.requireText(id, "nationalIds[" + patient + "]");
            });
        }
        nationalIds = nationalIds == null ? Map.of() : Map.copyOf(nationalIds);
        Set<String> deviceIds = new HashSet<>();
        for (DeviceBinding binding : devices) {
            if (!deviceIds.add(binding.deviceId())) {
                throw new IllegalArgumentException("device " + binding.deviceId() + " is bound twice");
            }
        }
    }

    /**
     * The household: every patient this hub serves (by a care plan, a device of their own or a place on a shared
     * device), in order of first mention, each once. What belongs to the home rather than to one reading (the help
     * button, the hub's storage) concerns all of them.
     */
    @JsonIgnore
    public List<String> patients() {
        LinkedHashSet<String> patients = new LinkedHashSet<>();
        carePlans.forEach(plan -> patients.add(plan.patientId()));
        for (DeviceBinding binding : devices) {
            if (binding.patientId() != null) {
                patients.add(binding.patientId());
            }
            binding.users().forEach(user -> patients.add(user.patientId()));
        }
        return List.copyOf(patients);
    }

    /** What a new hub holds before its first config from the cloud: no plans, no devices. */
    public static HubConfig none() {
        return new HubConfig(SchemaVersion.CURRENT, 0, List.of(), List.of());
    }

    public Optional<CarePlan> carePlanFor(String patientId) {
        return carePlans.stream().filter(p -> p.patientId().equals(patientId)).findFirst();
    }

    /** The national id the cloud gave for the patient, if any. */
    public Optional<String> nationalIdOf(String patientId) {
        return Optional.ofNullable(patientId == null ? null : nationalIds.get(patientId));
    }

    public Optional<DeviceBinding> bindingFor(String deviceId) {
        return devices.stream().filter(d -> d.deviceId().equals(deviceId)).findFirst();
    }
}
