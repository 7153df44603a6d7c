package io.nara.gateway.pipeline;

import io.nara.devices.Measurement;
import java.util.List;

/**
 * Measurements a protocol session decoded itself, with the bytes they came from (kept for quarantine and logs).
 *
 * @param deviceId     the device (its binding id: an analyzer's id, a CoAP device's PSK identity)
 * @param source       how the value arrived, e.g. {@code coap:senml+json}, {@code astm:tcp}, {@code poct1:tcp}
 * @param raw          the message as received
 * @param measurements what it held, mapped to the vocabulary
 * @param statedPatientId the patient the device itself named (an analyzer's patient id), checked against the
 *                     binding; null when it named nobody
 */
public record DecodedReading(
        String deviceId, String source, byte[] raw, List<Measurement> measurements, String statedPatientId) {

    /** Measurements from a device that does not say whose they are. */
    public DecodedReading(String deviceId, String source, byte[] raw, List<Measurement> measurements) {
        this(deviceId, source, raw, measurements, null);
    }

    /** The same reading with only some of its measurements. */
    public DecodedReading with(List<Measurement> some) {
        return new DecodedReading(deviceId, source, raw, some, statedPatientId);
    }

    public DecodedReading {
        raw = raw == null ? new byte[0] : raw.clone();
        measurements = List.copyOf(measurements);
    }

    @Override
    public byte[] raw() {
        return raw.clone();
    }

    @Override
    public String toString() {
        return deviceId + " " + source + " " + measurements.size() + " measurement(s)";
    }
}
