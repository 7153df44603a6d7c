package io.nara.gateway.installer;

import io.nara.gateway.analyzer.AnalyzerEndpoint;
import io.nara.gateway.ble.BleSettings;
import io.nara.gateway.coap.CoapSettings;
import io.nara.gateway.gpio.GpioSettings;
import io.nara.gateway.voice.Speaker;
import java.util.List;

/**
 * Which device transports the hub runs. Each is off unless configured, so a hub without a Bluetooth adapter, IP
 * devices, analyzers or pins starts all the same.
 *
 * @param ble       Bluetooth through BlueZ, or null
 * @param coap      the CoAP/DTLS server for IP devices, or null
 * @param analyzers point-of-care analyzers (ASTM over serial or TCP, POCT1-A2 over TCP)
 * @param gpio      help button, status LED, buzzer, or null
 * @param voice     the hub's voice (espeak-ng and a player), or null for a hub that does not speak
 */
public record TransportSettings(
        BleSettings ble,
        CoapSettings coap,
        List<AnalyzerEndpoint> analyzers,
        GpioSettings gpio,
        Speaker.Settings voice) {

    public TransportSettings {
        analyzers = analyzers == null ? List.of() : List.copyOf(analyzers);
    }

    /** A hub that does not speak. */
    public TransportSettings(BleSettings ble, CoapSettings coap, List<AnalyzerEndpoint> analyzers, GpioSettings gpio) {
        this(ble, coap, analyzers, gpio, null);
    }

    public TransportSettings withVoice(Speaker.Settings speaker) {
        return new TransportSettings(ble, coap, analyzers, gpio, speaker);
    }

    public static TransportSettings none() {
        return new TransportSettings(null, null, List.of(), null);
    }
}
