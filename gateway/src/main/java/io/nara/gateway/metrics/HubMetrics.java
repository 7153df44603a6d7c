package io.nara.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nara.gateway.installer.DeviceStates;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The hub's Prometheus metrics, {@code GET /metrics} on the status page's port (loopback by default). Gauges read
 * values the hub keeps anyway (no SQLite on a scrape: the outbox's numbers are refreshed each second on its thread);
 * counters and the commit timer are told by the hub as things happen.
 */
public final class HubMetrics {

    // As DeviceTransports and BleTransport name them (analyzers: their endpoint kind).
    private static final List<String> TRANSPORTS = List.of("ble", "coap", "astm-tcp", "astm-serial", "poct1-tcp");

    /**
     * What the gauges read.
     *
     * @param outboxPending       records waiting for an acknowledgement
     * @param oldestPendingMillis age of the oldest of them, or 0 when there is none
     * @param replayRate          acknowledged records per second, smoothed
     * @param quarantined         device values the hub could not decode or use
     * @param mqttConnections     broker connections made since start
     */
    public record Sources(
            LongSupplier outboxPending,
            LongSupplier oldestPendingMillis,
            Supplier<Double> replayRate,
            LongSupplier quarantined,
            LongSupplier mqttConnections,
            DeviceStates devices) {}

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter evaluations;
    private final Counter alerts;
    private final Timer commits;

    public HubMetrics(Sources sources) {
        Gauge.builder("nara_outbox_pending", () -> sources.outboxPending().getAsLong())
                .description("Records in the outbox not yet acknowledged by the cloud")
                .register(registry);
        Gauge.builder(
                        "nara_outbox_oldest_age_seconds",
                        () -> sources.oldestPendingMillis().getAsLong() / 1000.0)
                .description("Age of the oldest unacknowledged record (0 when none)")
                .register(registry);
        Gauge.builder(
                        "nara_replay_records_per_second",
                        () -> sources.replayRate().get())
                .description("Records acknowledged per second, smoothed")
                .register(registry);
        Gauge.builder("nara_decode_failures", () -> sources.quarantined().getAsLong())
                .description("Device values kept in quarantine: undecodable or from an unbound device")
                .register(registry);
        Gauge.builder(
                        "nara_mqtt_reconnects",
                        () -> Math.max(0, sources.mqttConnections().getAsLong() - 1))
                .description("Broker connections made after the first")
                .register(registry);
        for (String transport : TRANSPORTS) {
            device(
                    sources.devices(),
                    transport,
                    "nara_device_connections",
                    "Bound devices of this transport connected now",
                    s -> s.connection() == DeviceStates.Connection.CONNECTED);
            device(
                    sources.devices(),
                    transport,
                    "nara_device_failures",
                    "Bound devices of this transport unreachable, disconnected or needing attention",
                    s -> s.connection() == DeviceStates.Connection.UNREACHABLE
                            || s.connection() == DeviceStates.Connection.DISCONNECTED
                            || s.attention() != null);
        }
        evaluations = Counter.builder("nara_rule_evaluations")
                .description("Readings evaluated against a care plan")
                .register(registry);
        alerts = Counter.builder("nara_alerts")
                .description("Alerts the hub raised")
                .register(registry);
        commits = Timer.builder("nara_sqlite_commit")
                .description("Outbox commit time (fsync included)")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        new JvmMemoryMetrics().bindTo(registry);
    }

    private void device(
            DeviceStates devices,
            String transport,
            String name,
            String description,
            Predicate<DeviceStates.State> counted) {
        ToDoubleFunction<DeviceStates> count = d -> d.all().values().stream()
                .filter(s -> transport.equals(s.transport()))
                .filter(counted)
                .count();
        Gauge.builder(name, devices, count)
                .tag("transport", transport)
                .description(description)
                .register(registry);
    }

    public void evaluated(int readings) {
        evaluations.increment(readings);
    }

    public void alertRaised() {
        alerts.increment();
    }

    public void committed(long nanos) {
        commits.record(Duration.ofNanos(nanos));
    }

    /** Mounts {@code GET /metrics} (Prometheus text format). */
    public void mount(Router router) {
        router.get("/metrics")
                .handler(ctx -> ctx.response()
                        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                        .end(registry.scrape()));
    }
}
