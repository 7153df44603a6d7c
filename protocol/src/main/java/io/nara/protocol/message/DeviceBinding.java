package io.nara.protocol.message;

import static io.nara.protocol.Checks.optionalText;
import static io.nara.protocol.Checks.requireText;

/**
 * Which patient a device's readings belong to.
 *
 * @param deviceId  the device (its Bluetooth address, or its identity for IP devices)
 * @param model     the catalogue model id
 * @param patientId the patient
 */
public record DeviceBinding(String deviceId, String model, String patientId) {

    public DeviceBinding {
        requireText(deviceId, "deviceId");
        optionalText(model, "model");
        requireText(patientId, "patientId");
    }
}
