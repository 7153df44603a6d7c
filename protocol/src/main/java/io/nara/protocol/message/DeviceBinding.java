package io.nara.protocol.message;

import static io.nara.protocol.Checks.optionalText;
import static io.nara.protocol.Checks.requireText;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which patient a device's readings belong to.
 *
 * @param deviceId  the device (its Bluetooth address, or its identity for IP devices)
 * @param model     the catalogue model id
 * @param patientId the patient; null for a device shared by several patients
 * @param users     the patients sharing the device (a couple's scale or cuff), each with the device's user index
 *                  when it has one; absent for a device of one patient
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record DeviceBinding(String deviceId, String model, String patientId, List<DeviceUser> users) {

    @JsonCreator
    public DeviceBinding {
        requireText(deviceId, "deviceId");
        optionalText(model, "model");
        optionalText(patientId, "patientId");
        users = users == null ? List.of() : List.copyOf(users);
        if ((patientId == null) == users.isEmpty()) {
            throw new IllegalArgumentException("device " + deviceId
                    + ": give either patientId (one patient's device) or users (a shared device), not both or neither");
        }
        if (!users.isEmpty() && users.size() < 2) {
            throw new IllegalArgumentException("device " + deviceId + ": a shared device needs at least two users");
        }
        Set<String> patients = new HashSet<>();
        Set<Integer> indexes = new HashSet<>();
        for (DeviceUser user : users) {
            if (!patients.add(user.patientId())) {
                throw new IllegalArgumentException(
                        "device " + deviceId + ": patient " + user.patientId() + " is a user twice");
            }
            if (user.userIndex() != null && !indexes.add(user.userIndex())) {
                throw new IllegalArgumentException(
                        "device " + deviceId + ": user index " + user.userIndex() + " is given to two patients");
            }
        }
    }

    /** A device of one patient. */
    public DeviceBinding(String deviceId, String model, String patientId) {
        this(deviceId, model, patientId, null);
    }

    @JsonIgnore
    public boolean shared() {
        return patientId == null;
    }

    /** A patient who shares a device, with the device's user index for them when it has one. */
    public record DeviceUser(String patientId, Integer userIndex) {
        @JsonCreator
        public DeviceUser {
            requireText(patientId, "users[].patientId");
            if (userIndex != null && (userIndex < 0 || userIndex > 254)) {
                throw new IllegalArgumentException("user index must be 0-254, was " + userIndex);
            }
        }
    }
}
