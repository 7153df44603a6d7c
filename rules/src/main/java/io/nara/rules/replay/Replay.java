package io.nara.rules.replay;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.message.AlertStatus;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.Severity;
import io.nara.rules.episode.AlertEvent;
import io.nara.rules.episode.CarePlanEngine;
import io.nara.rules.episode.Evaluation;
import io.nara.rules.episode.PatientState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a care plan would have raised over a patient's readings: the hub's {@link CarePlanEngine}, fed the readings in
 * time order, each judged as it was taken (received at once, so nothing is stale). Pure: the caller reads the
 * readings (a CSV file, InfluxDB) and shows the outcome.
 */
public final class Replay {

    /** The most readings of one signal remembered, as on the hub, so a night of 1 Hz oximetry stays bounded. */
    static final int MAX_READINGS_PER_SIGNAL = 5_000;

    private final CarePlanEngine engine = new CarePlanEngine();

    /**
     * Replays {@code readings} through {@code plan}. Readings of other patients are ignored (a plan speaks only for its
     * patient); the order given does not matter, they are sorted by time.
     */
    public Outcome run(CarePlan plan, List<Observation> readings) {
        return run(plan, readings, Instant.MIN);
    }

    /**
     * Replays {@code readings}, counting only what happens from {@code countFrom}: the readings before it only build
     * the history the rules look back on (a 3-day weight window, a 90-day baseline), as they did on the hub.
     */
    public Outcome run(CarePlan plan, List<Observation> readings, Instant countFrom) {
        List<Observation> ordered = new ArrayList<>(readings);
        ordered.sort(Comparator.comparing(Observation::time).thenComparingLong(Observation::seq));
        PatientState state = PatientState.empty();
        List<Raised> events = new ArrayList<>();
        int evaluated = 0;
        for (Observation o : ordered) {
            if (!plan.patientId().equals(o.patientId())) {
                continue;
            }
            boolean counted = !o.time().isBefore(countFrom);
            evaluated += counted ? 1 : 0;
            Evaluation e = engine.evaluate(plan, state, o, o.time());
            Instant since = o.time().minus(plan.historyNeeded()).minus(Duration.ofDays(1));
            state = new PatientState(
                    e.state().history().trimmed(since, MAX_READINGS_PER_SIGNAL),
                    e.state().open());
            if (counted) {
                for (AlertEvent event : e.events()) {
                    events.add(new Raised(o.time(), event));
                }
            }
        }
        return new Outcome(
                plan.version(),
                evaluated,
                List.copyOf(events),
                summarise(events),
                List.copyOf(state.open().keySet()));
    }

    private static List<RuleCount> summarise(List<Raised> events) {
        record Key(String ruleId, Severity severity) {}
        Map<Key, int[]> counts = new HashMap<>();
        for (Raised r : events) {
            AlertEvent e = r.event();
            if (e.status() != AlertStatus.RESOLVED) {
                int[] c = counts.computeIfAbsent(new Key(e.ruleId(), e.severity()), k -> new int[2]);
                c[0]++;
                c[1] += e.status() == AlertStatus.RAISED ? 1 : 0;
            }
        }
        List<RuleCount> out = new ArrayList<>();
        counts.forEach((key, c) -> out.add(new RuleCount(key.ruleId(), key.severity(), c[0], c[1])));
        out.sort(Comparator.comparing(RuleCount::severity, Comparator.reverseOrder())
                .thenComparing(RuleCount::ruleId));
        return List.copyOf(out);
    }

    /** An alert event and the time of the reading that caused it. */
    public record Raised(Instant at, AlertEvent event) {}

    /**
     * Alerts of one rule at one severity.
     *
     * @param alerts   RAISED and ESCALATED events: each reaches a nurse
     * @param episodes episodes this rule opened (RAISED)
     */
    public record RuleCount(String ruleId, Severity severity, int alerts, int episodes) {}

    /**
     * @param readings    the patient's readings evaluated
     * @param events      every event in time order, resolutions included
     * @param perRule     alert counts by rule and severity, the most severe first
     * @param stillOpen   episodes open after the last reading
     */
    public record Outcome(
            String planVersion, int readings, List<Raised> events, List<RuleCount> perRule, List<String> stillOpen) {

        /** Alerts that reach a nurse (raised or escalated). */
        public int alerts() {
            return perRule.stream().mapToInt(RuleCount::alerts).sum();
        }

        /** Episodes opened. */
        public int episodes() {
            return perRule.stream().mapToInt(RuleCount::episodes).sum();
        }
    }
}
