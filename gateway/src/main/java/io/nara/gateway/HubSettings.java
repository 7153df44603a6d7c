package io.nara.gateway;

import io.nara.gateway.installer.TransportSettings;
import io.nara.gateway.outbox.StorageLimits;
import io.nara.gateway.uplink.Uplink;
import io.nara.mqtt.BrokerConnection;
import java.nio.file.Path;
import java.time.ZoneId;

/**
 * Everything a hub needs to start.
 *
 * @param hubId           this hub's id, the common name of its certificate
 * @param broker          where the cloud's broker is and the hub's certificate
 * @param dataDir         where the outbox and the last known config live (on a Pi: /var/lib/nara)
 * @param bootstrapConfig the installer's first config (HubConfig JSON), or null once the hub has one
 * @param httpHost        address of the local status page; loopback unless an installer needs it on the LAN
 * @param httpPort        port of the local status page; 0 picks a free one
 * @param deviceZone      zone the device clocks are set in
 * @param clockTrusted    whether the hub's clock is known to be right
 * @param simulate        run the simulated home (demo and tests)
 * @param simulateEveryMs period of the simulated home's normal readings; 0 for on demand only
 * @param uplink          uplink tuning
 * @param storage         how much the outbox may hold
 * @param transports      the device transports: BLE, CoAP, analyzers, GPIO (none by default)
 * @param updateResult    the updater's last-result file, whose failed update the hub reports in its status; null
 *                        when no updater runs beside the hub
 */
public record HubSettings(
        String hubId,
        BrokerConnection broker,
        Path dataDir,
        Path bootstrapConfig,
        String httpHost,
        int httpPort,
        ZoneId deviceZone,
        boolean clockTrusted,
        boolean simulate,
        long simulateEveryMs,
        Uplink.Settings uplink,
        StorageLimits storage,
        TransportSettings transports,
        Path updateResult) {

    /** A hub without an updater beside it. */
    public HubSettings(
            String hubId,
            BrokerConnection broker,
            Path dataDir,
            Path bootstrapConfig,
            String httpHost,
            int httpPort,
            ZoneId deviceZone,
            boolean clockTrusted,
            boolean simulate,
            long simulateEveryMs,
            Uplink.Settings uplink,
            StorageLimits storage,
            TransportSettings transports) {
        this(
                hubId,
                broker,
                dataDir,
                bootstrapConfig,
                httpHost,
                httpPort,
                deviceZone,
                clockTrusted,
                simulate,
                simulateEveryMs,
                uplink,
                storage,
                transports,
                null);
    }

    /** A hub without device transports (the simulated home only). */
    public HubSettings(
            String hubId,
            BrokerConnection broker,
            Path dataDir,
            Path bootstrapConfig,
            String httpHost,
            int httpPort,
            ZoneId deviceZone,
            boolean clockTrusted,
            boolean simulate,
            long simulateEveryMs,
            Uplink.Settings uplink,
            StorageLimits storage) {
        this(
                hubId,
                broker,
                dataDir,
                bootstrapConfig,
                httpHost,
                httpPort,
                deviceZone,
                clockTrusted,
                simulate,
                simulateEveryMs,
                uplink,
                storage,
                TransportSettings.none());
    }
}
