package io.nara.benchmarks;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.CarePlanTemplate;
import io.nara.protocol.careplan.Rule;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationFlag;
import io.nara.rules.episode.CarePlanEngine;
import io.nara.rules.episode.Evaluation;
import io.nara.rules.episode.PatientState;
import io.nara.rules.episode.Reading;
import io.nara.rules.episode.ReadingHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Care-plan evaluation per observation on the hub: a patient with the 20 hub-side rules of the heart-failure template
 * (the cloud-side ones filtered out) and 90 days of history (weight and blood pressure twice a day, pulse, SpO2 daily,
 * a blood test a week: ~1,200 readings), judging a new weight, a systolic pressure and a failed cuff reading.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CarePlanBenchmark {

    private final CarePlanEngine engine = new CarePlanEngine();
    private CarePlan plan;
    private PatientState state;
    private Observation weight;
    private Observation systolic;
    private Observation failed;
    private Instant now;

    @Setup
    public void setUp() {
        CarePlan template = CarePlanTemplate.heartFailure(new MessageCodec(), "p1");
        List<Rule> hubRules = template.rules().stream()
                .filter(r -> r.where() == Rule.Where.HUB)
                .toList();
        plan = new CarePlan("p1", "7", hubRules);
        if (plan.rules().size() != 20) {
            throw new IllegalStateException(
                    "expected 20 hub rules, got " + plan.rules().size());
        }
        Instant start = Instant.parse("2026-08-01T06:00:00Z");
        Random random = new Random(42);
        List<Reading> readings = new ArrayList<>();
        long seq = 1;
        for (int day = 0; day < 90; day++) {
            for (int half = 0; half < 2; half++) {
                Instant t = start.plus(Duration.ofDays(day)).plus(Duration.ofHours(half * 11L));
                readings.add(new Reading(
                        seq++, "scale", "29463-7", 80 + random.nextGaussian() * 0.4, "kg", t, false, false));
                readings.add(new Reading(
                        seq++, "cuff", "8480-6", 125 + random.nextGaussian() * 8, "mm[Hg]", t, false, false));
                readings.add(new Reading(
                        seq++, "cuff", "8462-4", 75 + random.nextGaussian() * 5, "mm[Hg]", t, false, false));
                readings.add(
                        new Reading(seq++, "cuff", "8867-4", 70 + random.nextGaussian() * 6, "/min", t, false, false));
            }
            Instant t = start.plus(Duration.ofDays(day)).plus(Duration.ofHours(2));
            readings.add(new Reading(seq++, "oximeter", "59408-5", 96 + random.nextGaussian(), "%", t, false, false));
            if (day % 7 == 0) {
                readings.add(new Reading(
                        seq++, "analyzer", "33762-6", 900 + random.nextGaussian() * 80, "pg/mL", t, false, false));
                readings.add(new Reading(
                        seq++, "analyzer", "2823-3", 4.3 + random.nextGaussian() * 0.2, "mmol/L", t, false, false));
                readings.add(new Reading(
                        seq++, "analyzer", "14682-9", 110 + random.nextGaussian() * 8, "umol/L", t, false, false));
            }
        }
        state = new PatientState(ReadingHistory.of(readings), Map.of());
        now = start.plus(Duration.ofDays(90));
        weight = new Observation(seq++, "p1", "scale", "29463-7", 82.6, "kg", now, now, Set.of());
        systolic = new Observation(seq++, "p1", "cuff", "8480-6", 86.0, "mm[Hg]", now, now, Set.of());
        failed = new Observation(
                seq, "p1", "cuff", "8480-6", null, "mm[Hg]", now, now, Set.of(ObservationFlag.MEASUREMENT_FAILED));
    }

    @Benchmark
    public Evaluation weightWithWindowRules() {
        return engine.evaluate(plan, state, weight, now);
    }

    @Benchmark
    public Evaluation systolicWithThresholdsCombinationAndRepetition() {
        return engine.evaluate(plan, state, systolic, now);
    }

    @Benchmark
    public Evaluation failedCuffReading() {
        return engine.evaluate(plan, state, failed, now);
    }
}
