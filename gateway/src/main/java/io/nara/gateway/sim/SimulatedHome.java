package io.nara.gateway.sim;

import io.nara.gateway.outbox.OutboxEntry;
import io.nara.gateway.pipeline.RawReading;
import io.nara.gateway.pipeline.ReadingPipeline;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A home with a scale and a cuff that send raw GATT bytes through the same pipeline a real device's bytes go
 * through: on a schedule (a stable patient) and on demand (the demo's low systolic).
 */
public final class SimulatedHome {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedHome.class);

    private final Vertx vertx;
    private final ReadingPipeline pipeline;
    private final String cuffId;
    private final String scaleId;
    private final Clock clock;
    private final ZoneId deviceZone;
    private final RandomGenerator random;

    public SimulatedHome(Vertx vertx, ReadingPipeline pipeline, String cuffId, String scaleId, Clock clock,
                         ZoneId deviceZone, RandomGenerator random) {
        this.vertx = vertx;
        this.pipeline = pipeline;
        this.cuffId = cuffId;
        this.scaleId = scaleId;
        this.clock = clock;
        this.deviceZone = deviceZone;
        this.random = random;
    }

    /** Sends normal readings every {@code periodMillis}. */
    public void scheduleEvery(long periodMillis) {
        vertx.setPeriodic(periodMillis, id -> {
            cuff(118.0 + random.nextInt(-6, 7), 76 + random.nextInt(-4, 5), 68 + random.nextInt(-5, 6))
                    .onFailure(e -> LOG.warn("simulated cuff reading failed: {}", e.getMessage()));
            scale(81.5 + random.nextInt(-3, 4) * 0.1)
                    .onFailure(e -> LOG.warn("simulated scale reading failed: {}", e.getMessage()));
        });
    }

    /** A cuff measurement; a null systolic simulates a failed measurement (NaN). */
    public Future<List<OutboxEntry>> cuff(Double systolic, double diastolic, double pulse) {
        return pipeline.accept(new RawReading(cuffId, SimulatedCuff.characteristic(),
                SimulatedCuff.measurement(systolic, diastolic, pulse, now())));
    }

    public Future<List<OutboxEntry>> scale(double kilograms) {
        return pipeline.accept(new RawReading(scaleId, SimulatedScale.characteristic(),
                SimulatedScale.measurement(kilograms, now())));
    }

    /** Raw bytes from a device, as they came; for trying out what the hub does with bad input. */
    public Future<List<OutboxEntry>> raw(String deviceId, int characteristic, byte[] value) {
        return pipeline.accept(new RawReading(deviceId, characteristic, value));
    }

    private LocalDateTime now() {
        return LocalDateTime.now(clock.withZone(deviceZone)).withNano(0);
    }
}
