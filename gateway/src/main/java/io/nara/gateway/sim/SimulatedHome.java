package io.nara.gateway.sim;

import io.nara.gateway.outbox.OutboxEntry;
import io.nara.gateway.pipeline.RawReading;
import io.nara.gateway.pipeline.ReadingPipeline;
import io.nara.gateway.pipeline.ReceivedReading;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
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
    /** Looked up at each reading: devices are bound from the cloud after the hub started. */
    private final Supplier<String> cuffId;

    private final Supplier<String> scaleId;
    private final Clock clock;
    private final ZoneId deviceZone;
    private final RandomGenerator random;

    private static final int BACKFILL_CHUNK = 2_000;

    public SimulatedHome(
            Vertx vertx,
            ReadingPipeline pipeline,
            Supplier<String> cuffId,
            Supplier<String> scaleId,
            Clock clock,
            ZoneId deviceZone,
            RandomGenerator random) {
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
            if (cuffId.get() == null || scaleId.get() == null) {
                return; // not bound yet: the home is waiting for its devices to be bound from the cloud
            }
            cuff(118.0 + random.nextInt(-6, 7), 76 + random.nextInt(-4, 5), 68 + random.nextInt(-5, 6))
                    .onFailure(e -> LOG.warn("simulated cuff reading failed: {}", e.getMessage()));
            scale(81.5 + random.nextInt(-3, 4) * 0.1)
                    .onFailure(e -> LOG.warn("simulated scale reading failed: {}", e.getMessage()));
        });
    }

    /** A cuff measurement; a null systolic simulates a failed measurement (NaN). */
    public Future<List<OutboxEntry>> cuff(Double systolic, double diastolic, double pulse) {
        return pipeline.accept(new RawReading(
                require(cuffId, "sim-cuff"),
                SimulatedCuff.characteristic(),
                SimulatedCuff.measurement(systolic, diastolic, pulse, now())));
    }

    public Future<List<OutboxEntry>> scale(double kilograms) {
        return pipeline.accept(new RawReading(
                require(scaleId, "sim-scale"),
                SimulatedScale.characteristic(),
                SimulatedScale.measurement(kilograms, now())));
    }

    /**
     * A compressed stretch of {@code days} ending now, as a home produces it while the hub is offline: a morning
     * weight, a cuff reading morning and evening, and a night (23:00–07:00) of oximeter samples every
     * {@code oximeterEverySeconds}. Sent in chunks of stored records, each chunk one outbox transaction.
     *
     * @param oximeterId the oximeter's device id (bound in the hub config)
     * @return how many outbox records were stored
     */
    public Future<Long> backfill(int days, int oximeterEverySeconds, String oximeterId) {
        ZonedDateTime end = ZonedDateTime.now(clock.withZone(deviceZone)).withNano(0);
        ZonedDateTime day = end.minusDays(days).truncatedTo(ChronoUnit.DAYS);
        List<ReceivedReading> readings = new ArrayList<>();
        String scaleId = require(this.scaleId, "sim-scale");
        String cuffId = require(this.cuffId, "sim-cuff");
        for (; day.isBefore(end); day = day.plusDays(1)) {
            add(
                    readings,
                    scaleId,
                    SimulatedScale.characteristic(),
                    day.withHour(7),
                    SimulatedScale.measurement(
                            81.5 + random.nextInt(-3, 4) * 0.1, day.withHour(7).toLocalDateTime()),
                    end);
            for (int hour : new int[] {8, 20}) {
                ZonedDateTime at = day.withHour(hour);
                add(
                        readings,
                        cuffId,
                        SimulatedCuff.characteristic(),
                        at,
                        SimulatedCuff.measurement(118.0 + random.nextInt(-6, 7), 76, 68, at.toLocalDateTime()),
                        end);
            }
            for (ZonedDateTime at = day.withHour(23);
                    at.isBefore(day.plusDays(1).withHour(7));
                    at = at.plusSeconds(oximeterEverySeconds)) {
                add(
                        readings,
                        oximeterId,
                        SimulatedOximeter.characteristic(),
                        at,
                        SimulatedOximeter.measurement(95 + random.nextInt(0, 3), 62 + random.nextInt(0, 6)),
                        end);
            }
        }
        Future<Long> stored = Future.succeededFuture(0L);
        for (int from = 0; from < readings.size(); from += BACKFILL_CHUNK) {
            List<ReceivedReading> chunk = readings.subList(from, Math.min(readings.size(), from + BACKFILL_CHUNK));
            stored = stored.compose(n -> pipeline.acceptAll(chunk).map(entries -> n + entries.size()));
        }
        return stored;
    }

    private static String require(Supplier<String> device, String model) {
        String id = device.get();
        if (id == null) {
            throw new IllegalStateException("no device of model '" + model + "' is bound to this hub yet; bind one "
                    + "from the cloud's enrolment page");
        }
        return id;
    }

    private static void add(
            List<ReceivedReading> readings,
            String deviceId,
            int characteristic,
            ZonedDateTime at,
            byte[] value,
            ZonedDateTime end) {
        if (at.isBefore(end)) {
            readings.add(new ReceivedReading(
                    new RawReading(deviceId, characteristic, value),
                    at.plusSeconds(1).toInstant()));
        }
    }

    /** Raw bytes from a device, as they came; for trying out what the hub does with bad input. */
    public Future<List<OutboxEntry>> raw(String deviceId, int characteristic, byte[] value) {
        return pipeline.accept(new RawReading(deviceId, characteristic, value));
    }

    private LocalDateTime now() {
        return LocalDateTime.now(clock.withZone(deviceZone)).withNano(0);
    }
}
