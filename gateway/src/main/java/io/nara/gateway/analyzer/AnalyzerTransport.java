package io.nara.gateway.analyzer;

import io.nara.devices.Quirks;
import io.nara.devices.analyzer.Analytes;
import io.nara.devices.catalogue.DeviceCatalogue;
import io.nara.devices.catalogue.DeviceProfile;
import io.nara.gateway.pipeline.ReadingPipeline;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The point-of-care analyzers: for each configured endpoint a TCP listener (ASTM or POCT1) or a serial port (ASTM).
 * Each connection gets its own session; one analyzer that misbehaves or hangs cannot stall another.
 */
public final class AnalyzerTransport {

    private static final Logger LOG = LoggerFactory.getLogger(AnalyzerTransport.class);
    /** E1381: the receiver gives up 30 s after the last frame; POCT1-A2 devices use a similar idle limit. */
    public static final long DEFAULT_TIMEOUT_MS = 30_000;

    private final Vertx vertx;
    private final ReadingPipeline pipeline;
    private final List<AnalyzerEndpoint> endpoints;
    private final long timeoutMs;
    private final Clock clock;
    private final AnalyzerEvents events;
    private final DeviceCatalogue catalogue = DeviceCatalogue.builtIn();
    private final List<NetServer> servers = new ArrayList<>();
    private final List<SerialAnalyzerPort> serialPorts = new ArrayList<>();
    private final Map<String, Integer> ports = new ConcurrentHashMap<>();

    public AnalyzerTransport(
            Vertx vertx,
            ReadingPipeline pipeline,
            List<AnalyzerEndpoint> endpoints,
            long timeoutMs,
            Clock clock,
            AnalyzerEvents events) {
        this.vertx = vertx;
        this.pipeline = pipeline;
        this.endpoints = List.copyOf(endpoints);
        this.timeoutMs = timeoutMs;
        this.clock = clock;
        this.events = events;
    }

    public Future<Void> start() {
        List<Future<?>> started = new ArrayList<>();
        for (AnalyzerEndpoint e : endpoints) {
            if (e.link() == AnalyzerEndpoint.Link.TCP) {
                started.add(listen(e));
            } else {
                SerialAnalyzerPort port =
                        new SerialAnalyzerPort(vertx, e, (context, link) -> astm(context, e, link), events);
                serialPorts.add(port);
                started.add(port.start());
            }
        }
        return Future.all(started).mapEmpty();
    }

    public Future<Void> stop() {
        List<Future<?>> stopped = new ArrayList<>();
        servers.forEach(s -> stopped.add(s.close()));
        serialPorts.forEach(p -> stopped.add(p.stop()));
        servers.clear();
        serialPorts.clear();
        return Future.join(stopped).mapEmpty();
    }

    /** The TCP port an endpoint listens on (useful when configured as 0). */
    public int port(String deviceId) {
        Integer port = ports.get(deviceId);
        if (port == null) {
            throw new IllegalArgumentException("no TCP analyzer endpoint for " + deviceId);
        }
        return port;
    }

    private Future<NetServer> listen(AnalyzerEndpoint e) {
        NetServer server = vertx.createNetServer();
        server.connectHandler(socket -> accept(e, socket));
        servers.add(server);
        return server.listen(e.port(), e.host()).onSuccess(s -> {
            ports.put(e.deviceId(), s.actualPort());
            LOG.info("{} analyzer {} listening on {}:{}", e.protocol(), e.deviceId(), e.host(), s.actualPort());
        });
    }

    private void accept(AnalyzerEndpoint e, NetSocket socket) {
        Context context = vertx.getOrCreateContext();
        ByteLink link = new ByteLink() {
            @Override
            public void write(byte[] bytes) {
                socket.write(Buffer.buffer(bytes));
            }

            @Override
            public void close() {
                socket.close();
            }
        };
        events.connected(e.deviceId(), true);
        LOG.info("{} analyzer {} connected from {}", e.protocol(), e.deviceId(), socket.remoteAddress());
        if (e.protocol() == AnalyzerEndpoint.Protocol.ASTM) {
            AstmSession session = astm(context, e, link);
            socket.handler(b -> session.onBytes(b.getBytes()));
            socket.closeHandler(v -> {
                session.close();
                events.connected(e.deviceId(), false);
            });
        } else {
            Poct1Session session = new Poct1Session(
                    context,
                    pipeline,
                    e,
                    profile(e).map(DeviceProfile::analyteMap).orElse(Analytes.COMMON_ONLY),
                    link,
                    timeoutMs,
                    clock,
                    events);
            socket.handler(b -> session.onBytes(b.getBytes()));
            socket.closeHandler(v -> {
                session.close();
                events.connected(e.deviceId(), false);
            });
        }
    }

    private AstmSession astm(Context context, AnalyzerEndpoint e, ByteLink link) {
        Optional<DeviceProfile> profile = profile(e);
        return new AstmSession(
                context,
                pipeline,
                e,
                profile.map(DeviceProfile::analyteMap).orElse(Analytes.COMMON_ONLY),
                profile.map(DeviceProfile::decoderQuirks).orElse(Quirks.NONE),
                link,
                timeoutMs,
                events);
    }

    /** The catalogue profile of the model the device's binding names (test codes and quirks), if any. */
    private Optional<DeviceProfile> profile(AnalyzerEndpoint e) {
        return pipeline.config().bindingFor(e.deviceId()).flatMap(b -> catalogue.find(b.model()));
    }
}
