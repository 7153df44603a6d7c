package io.nara.gateway.coap;

import io.nara.devices.senml.SenmlDecoder;
import io.nara.gateway.pipeline.ReadingPipeline;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.time.ZoneId;
import java.util.List;
import java.util.function.Consumer;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.Endpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;

/**
 * The hub's CoAP server for IP devices (Eclipse Californium): {@code /senml} over DTLS with a pre-shared key per
 * device (Scandium), optionally also over plain CoAP on a bench.
 *
 * <p>Californium runs its own threads; the resource hands readings to the pipeline and answers from the pipeline's
 * future, so the event loop never waits on a datagram and the device's 2.04 waits for the outbox.
 */
public final class CoapTransport {

    private final Vertx vertx;
    private final CoapSettings settings;
    private final ReadingPipeline pipeline;
    private final ZoneId deviceZone;
    private final Consumer<String> onDevice;
    private final Consumer<String> onUnknownKey;
    private final CoapKeys keys;
    private CoapServer server;
    private Endpoint dtls;
    private Endpoint plain;

    static {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
    }

    /**
     * @param onDevice     told the device id of every authenticated request (the status page's "last seen")
     * @param onUnknownKey told the PSK identity of every DTLS handshake that failed because the hub's key file holds
     *                     no key for it (on a Scandium thread)
     */
    public CoapTransport(
            Vertx vertx,
            CoapSettings settings,
            ReadingPipeline pipeline,
            ZoneId deviceZone,
            Consumer<String> onDevice,
            Consumer<String> onUnknownKey) {
        this(vertx, settings, new CoapKeys(settings.pskFile()), pipeline, deviceZone, onDevice, onUnknownKey);
    }

    /** @param keys the device keys, which the installer may add to while the server runs */
    public CoapTransport(
            Vertx vertx,
            CoapSettings settings,
            CoapKeys keys,
            ReadingPipeline pipeline,
            ZoneId deviceZone,
            Consumer<String> onDevice,
            Consumer<String> onUnknownKey) {
        this.vertx = vertx;
        this.keys = keys;
        this.onUnknownKey = onUnknownKey;
        this.settings = settings;
        this.pipeline = pipeline;
        this.deviceZone = deviceZone;
        this.onDevice = onDevice;
    }

    /** Binds the endpoints (on a worker: reading the key file and binding sockets block). */
    public Future<Void> start() {
        return vertx.executeBlocking(() -> {
            Configuration config = Configuration.createStandardWithoutFile();
            // Device retransmissions arrive within EXCHANGE_LIFETIME; the deduplicator answers them from the
            // exchange, so a repeated POST is never stored twice.
            CoapServer s = new CoapServer(config);
            s.add(new SenmlResource(pipeline, new SenmlDecoder(deviceZone), onDevice));
            if (settings.dtlsPort() >= 0) {
                keys.load();
                DtlsConnectorConfig dtlsConfig = DtlsConnectorConfig.builder(config)
                        .setAddress(new InetSocketAddress(settings.host(), settings.dtlsPort()))
                        .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY)
                        // PSK suites only (the hub hands out keys, not certificates, to constrained devices), and
                        // only AEAD ones: CCM_8 is what RFC 7252 mandates for PSK, GCM what TLS stacks offer.
                        .set(
                                DtlsConfig.DTLS_CIPHER_SUITES,
                                List.of(
                                        CipherSuite.TLS_PSK_WITH_AES_128_CCM_8,
                                        CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256))
                        .setAdvancedPskStore(new ReportingPskStore(keys.store(), onUnknownKey))
                        .build();
                dtls = new CoapEndpoint.Builder()
                        .setConfiguration(config)
                        .setConnector(new DTLSConnector(dtlsConfig))
                        .build();
                s.addEndpoint(dtls);
            }
            if (settings.plainPort() >= 0) {
                plain = new CoapEndpoint.Builder()
                        .setConfiguration(config)
                        .setInetSocketAddress(new InetSocketAddress(settings.host(), settings.plainPort()))
                        .build();
                s.addEndpoint(plain);
            }
            s.start();
            server = s;
            return null;
        });
    }

    public Future<Void> stop() {
        CoapServer s = server;
        server = null;
        if (s == null) {
            return Future.succeededFuture();
        }
        return vertx.executeBlocking(() -> {
            s.destroy();
            return null;
        });
    }

    /** The DTLS port actually bound (useful when configured as 0), or -1. */
    public int dtlsPort() {
        return dtls == null ? -1 : dtls.getAddress().getPort();
    }

    public int plainPort() {
        return plain == null ? -1 : plain.getAddress().getPort();
    }
}
