package io.nara.systemtest;

import io.nara.ingest.observation.InfluxDatabase;
import io.nara.ingest.observation.ObservationRollup;
import io.nara.ingest.observation.ObservationStore;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.ExpectedMeasurement;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.Severity;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.influxdb.InfluxDB;
import org.influxdb.dto.BatchPoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Benchmark, not a test: the patient page's data (overview, then 90 days of trends) for a patient with 90 days of
 * readings including continuous pulse-oximeter samples: SpO2 and pulse once a second for {@code nightHours} every
 * night, plus a daily weight and blood pressure. The samples go into InfluxDB in batched line-protocol writes of the
 * exact points the ingest writes ({@link ObservationStore#point}), and the one-minute rollup the charts read is built
 * over them ({@link ObservationRollup#rebuild}; the ingest builds it batch by batch). Then a signed-in nurse asks for the page's data
 * over HTTP, one request after the other, as the page does. Runs only with {@code -Dnara.benchmark=true} (see
 * docs/benchmarks.md); it asserts no timing.
 */
@EnabledIfSystemProperty(named = "nara.benchmark", matches = "true")
class PatientPageBenchmarkIT {

    private static final String HUB = "hub-bench-patient-page-1";
    private static final String PATIENT = Alerting.PATIENT;
    private static final ZoneId SE = ZoneId.of("Europe/Stockholm");
    private static final int WRITE_BATCH = 10_000;

    @Test
    void overviewAndNinetyDaysOfTrendsForAPatientWithNightlyOximetry() throws Exception {
        int days = Integer.getInteger("nara.benchmark.days", 90);
        int nightHours = Integer.getInteger("nara.benchmark.nightHours", 6);
        int requests = Integer.getInteger("nara.benchmark.requests", 50);
        int warmUp = Integer.getInteger("nara.benchmark.warmup", 5);
        DevStack stack = DevStack.ensureUp();
        try (Services.Ingest ingest =
                Alerting.startIngest(stack, Clock.systemUTC(), Alerting.plainHttp(), Alerting.organisation())) {
            Services.result(ingest.service().carePlans().save(HUB, carePlan(), "david", "benchmark"));
            long loadStart = System.nanoTime();
            long points = load(stack, ingest.influx(), days, nightHours);
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            // The ingest builds the one-minute rollup batch by batch; a bulk load builds it in one pass.
            long rollupStart = System.nanoTime();
            try (InfluxDatabase database = InfluxDatabase.connect(ingest.influx())) {
                new ObservationRollup(database)
                        .rebuild(PATIENT, Instant.now().minus(Duration.ofDays(days + 1L)), Instant.now());
            }
            double rollupSeconds = (System.nanoTime() - rollupStart) / 1e9;

            Alerting.Session nurse = Alerting.Session.of(ingest.baseUrl(), "anna", "anna-secret-1");
            long[] overview = new long[requests];
            long[] trends = new long[requests];
            long[] page = new long[requests];
            int trendPoints = 0;
            for (int i = -warmUp; i < requests; i++) {
                long start = System.nanoTime();
                HttpResponse<String> o = nurse.get("/api/patients/" + PATIENT + "/overview");
                long between = System.nanoTime();
                HttpResponse<String> t = nurse.get("/api/patients/" + PATIENT + "/trends?range=90d");
                long end = System.nanoTime();
                if (o.statusCode() != 200 || t.statusCode() != 200) {
                    throw new IllegalStateException(
                            "answered " + o.statusCode() + " / " + t.statusCode() + ": " + t.body());
                }
                if (i >= 0) {
                    overview[i] = between - start;
                    trends[i] = end - between;
                    page[i] = end - start;
                }
                trendPoints = new JsonObject(t.body())
                        .getJsonArray("signals").stream()
                                .mapToInt(s ->
                                        ((JsonObject) s).getJsonArray("points").size())
                                .sum();
            }
            report(
                    points,
                    days,
                    nightHours,
                    loadSeconds,
                    rollupSeconds,
                    trendPoints,
                    requests,
                    warmUp,
                    page,
                    overview,
                    trends);
        }
    }

    /** Writes the readings; how many points. */
    private static long load(DevStack stack, ObservationStore.Settings settings, int days, int nightHours) {
        Random random = new Random(8);
        String outbox = UUID.randomUUID().toString();
        long seq = 1;
        long written = 0;
        LocalDate today = LocalDate.now(SE);
        try (InfluxDB influx = stack.influx()) {
            BatchPoints batch = newBatch(settings);
            for (int d = days; d >= 1; d--) {
                LocalDate day = today.minusDays(d);
                Instant morning = day.atTime(8, 0).atZone(SE).toInstant();
                for (Observation o : List.of(
                        reading(seq++, "scale-1", "29463-7", 80 + random.nextGaussian(), "kg", morning),
                        reading(seq++, "cuff-1", "8480-6", 125 + 8 * random.nextGaussian(), "mm[Hg]", morning),
                        reading(seq++, "cuff-1", "8462-4", 78 + 5 * random.nextGaussian(), "mm[Hg]", morning),
                        reading(seq++, "cuff-1", "8867-4", 68 + 4 * random.nextGaussian(), "/min", morning))) {
                    batch.point(ObservationStore.point(HUB, outbox, o));
                }
                Instant night = day.atTime(23, 0).atZone(SE).toInstant();
                for (int s = 0; s < nightHours * 3600; s++) {
                    Instant at = night.plusSeconds(s);
                    double spo2 = Math.min(100, Math.round(95 + 1.5 * random.nextGaussian()));
                    batch.point(ObservationStore.point(
                            HUB, outbox, reading(seq++, "oximeter-1", "59408-5", spo2, "%", at)));
                    batch.point(ObservationStore.point(
                            HUB,
                            outbox,
                            reading(
                                    seq++,
                                    "oximeter-1",
                                    "8867-4",
                                    (double) Math.round(60 + 5 * random.nextGaussian()),
                                    "/min",
                                    at)));
                    if (batch.getPoints().size() >= WRITE_BATCH) {
                        influx.write(batch);
                        written += batch.getPoints().size();
                        batch = newBatch(settings);
                    }
                }
            }
            if (!batch.getPoints().isEmpty()) {
                influx.write(batch);
                written += batch.getPoints().size();
            }
        }
        return written;
    }

    private static BatchPoints newBatch(ObservationStore.Settings settings) {
        return BatchPoints.database(settings.database())
                .precision(TimeUnit.NANOSECONDS)
                .build();
    }

    private static Observation reading(long seq, String device, String code, double value, String unit, Instant at) {
        return new Observation(seq, PATIENT, device, code, value, unit, at, at, Set.of());
    }

    private static CarePlan carePlan() {
        return new CarePlan(
                PATIENT,
                "1",
                List.of(
                        new ThresholdRule(
                                "systolic-low",
                                "8480-6",
                                90.0,
                                null,
                                Severity.URGENT,
                                "Systoliskt / Systolic",
                                null,
                                null),
                        new ThresholdRule("spo2-low", "59408-5", 90.0, null, Severity.WARNING, "SpO2", null, null)),
                List.of(
                        new ExpectedMeasurement("29463-7", Duration.ofDays(1), null),
                        new ExpectedMeasurement("8480-6", Duration.ofDays(1), null),
                        new ExpectedMeasurement("59408-5", Duration.ofDays(1), null)),
                null,
                null,
                null,
                null);
    }

    private static void report(
            long points,
            int days,
            int nightHours,
            double loadSeconds,
            double rollupSeconds,
            int trendPoints,
            int requests,
            int warmUp,
            long[] page,
            long[] overview,
            long[] trends)
            throws Exception {
        String text = String.format(
                Locale.ROOT,
                "patient page data, %d points over %d days (SpO2 and pulse at 1 Hz %d h a night), loaded in %.1f s, "
                        + "one-minute rollup built in %.1f s; %d requests after %d warm-up, %s%n"
                        + "overview + trends?range=90d (%d points in the answer): %s%n"
                        + "overview alone: %s%ntrends?range=90d alone: %s%n",
                points,
                days,
                nightHours,
                loadSeconds,
                rollupSeconds,
                requests,
                warmUp,
                Instant.now(),
                trendPoints,
                stats(page),
                stats(overview),
                stats(trends));
        System.out.print(text);
        Path out = Path.of("target", "benchmark", "patient-page.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, text);
    }

    private static String stats(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format(
                Locale.ROOT,
                "p50 %.1f ms  p95 %.1f ms  max %.1f ms",
                rank(sorted, 0.50) / 1e6,
                rank(sorted, 0.95) / 1e6,
                sorted[sorted.length - 1] / 1e6);
    }

    /** Nearest-rank percentile. */
    private static long rank(long[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
