package io.nara.devices.gatt;

import io.nara.protocol.message.ObservationFlag;
import java.util.EnumSet;
import java.util.Set;

/**
 * The PLX Measurement Status (16 bits) and Device and Sensor Status (24 bits) fields shared by 0x2A5E and 0x2A5F,
 * mapped to flags. Every defined bit has a mapping, so no status a device reports is lost silently.
 */
final class PlxStatus {

    // Measurement Status (bits 0-4 reserved)
    private static final int MEASUREMENT_ONGOING = 1 << 5;
    private static final int EARLY_ESTIMATE = 1 << 6;
    // bit 7 validated data, bit 8 fully qualified data, bit 9 data from measurement storage: good news, no flag
    private static final int DEMONSTRATION = 1 << 10;
    private static final int TESTING = 1 << 11;
    private static final int CALIBRATION_ONGOING = 1 << 12;
    private static final int MEASUREMENT_UNAVAILABLE = 1 << 13;
    private static final int QUESTIONABLE = 1 << 14;
    private static final int INVALID = 1 << 15;

    // Device and Sensor Status
    // bit 0 extended display update ongoing: a display matter, no flag
    private static final int EQUIPMENT_MALFUNCTION = 1 << 1;
    private static final int SIGNAL_QUALITY_BITS = (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7)
            | (1 << 8) | (1 << 10); // irregularity, inadequate, poor, low perfusion, erratic, nonpulsatile,
    // questionable pulse, sensor interference
    private static final int SIGNAL_ANALYSIS_ONGOING = 1 << 9;
    private static final int SENSOR_FAILURE_BITS = (1 << 11) | (1 << 12) | (1 << 13) | (1 << 14) | (1 << 15);
    // unconnected to user, unknown sensor, displaced, malfunctioning, disconnected

    private PlxStatus() {}

    /**
     * Flags for the given status words. A reading the device calls unavailable or invalid, or taken with a failed
     * sensor, is a failed measurement: the caller drops the value and keeps the device's number.
     */
    static Set<ObservationFlag> flags(int measurementStatus, int sensorStatus) {
        Set<ObservationFlag> flags = EnumSet.noneOf(ObservationFlag.class);
        if ((measurementStatus & (MEASUREMENT_ONGOING | EARLY_ESTIMATE | CALIBRATION_ONGOING)) != 0
                || (sensorStatus & SIGNAL_ANALYSIS_ONGOING) != 0) {
            flags.add(ObservationFlag.PRELIMINARY);
        }
        if ((measurementStatus & (DEMONSTRATION | TESTING)) != 0) {
            flags.add(ObservationFlag.NOT_PATIENT_DATA);
        }
        if ((measurementStatus & QUESTIONABLE) != 0) {
            flags.add(ObservationFlag.QUESTIONABLE);
        }
        if ((sensorStatus & SIGNAL_QUALITY_BITS) != 0) {
            flags.add(ObservationFlag.POOR_SIGNAL);
        }
        if (!flags.isEmpty()) {
            flags.add(ObservationFlag.QUESTIONABLE);
        }
        if ((measurementStatus & (MEASUREMENT_UNAVAILABLE | INVALID)) != 0
                || (sensorStatus & (EQUIPMENT_MALFUNCTION | SENSOR_FAILURE_BITS)) != 0) {
            flags.add(ObservationFlag.MEASUREMENT_FAILED);
        }
        return flags;
    }
}
