package io.nara.rules.episode;

import io.nara.protocol.careplan.BaselineChangeRule;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.CombinationRule;
import io.nara.protocol.careplan.DeviceAttentionRule;
import io.nara.protocol.careplan.RepetitionRule;
import io.nara.protocol.careplan.Rule;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.careplan.WindowChangeRule;
import io.nara.protocol.message.AlertStatus;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates the hub's rules of a care plan with episodes. Pure: no I/O and no clock; {@code now} is passed in, and
 * the same inputs always give the same outcome.
 *
 * <p>How a reading is judged:
 * <ul>
 *   <li>A device's re-sent record (same device, code and time) changes nothing.</li>
 *   <li>Every rule is judged as of the newest usable reading of its codes, over everything the hub knows: a reading
 *       that arrives late changes the window it falls in, not the clock.</li>
 *   <li>One alert per episode: RAISED when a rule of the episode starts to hold, ESCALATED when a worse one does,
 *       RESOLVED (severity INFO) when none holds any more. The same severity again raises nothing.</li>
 *   <li>Stale data never opens, raises or resolves an episode: when the newest reading is older than the plan's
 *       {@code staleAfter} at {@code now}, the reading is only remembered.</li>
 *   <li>Failed and implausible readings never trigger a value rule; they count for device-attention rules only.</li>
 * </ul>
 */
public final class CarePlanEngine {

    static final String RESOLVED_PREFIX = "Åter inom gränserna / Back within limits: ";
    static final String REMOVED_PREFIX =
            "Regeln finns inte längre i vårdplanen / The rule is no longer in the care plan: ";

    /** A rule that holds, with the reading that shows it and a short account of the numbers. */
    private record Hit(Rule rule, Reading evidence, String detail, Double reference) {
        Hit(Rule rule, Reading evidence, String detail) {
            this(rule, evidence, detail, null);
        }
    }

    public Evaluation evaluate(CarePlan plan, PatientState state, Observation observation, Instant now) {
        if (!plan.patientId().equals(observation.patientId())) {
            return new Evaluation(state, List.of(), null, List.of(), List.of());
        }
        Reading reading = Reading.of(observation);
        if (state.history().contains(reading)) {
            return new Evaluation(state, List.of(), null, List.of(), List.of());
        }
        ReadingHistory history = state.history().with(reading);
        Run run = new Run(plan, history, new HashMap<>(state.open()), now);
        run.trigger = reading;
        run.closeEpisodesOfRemovedRules(reading);
        if (reading.usable()) {
            for (String key : run.valueKeysFor(reading.code())) {
                run.judgeValueEpisode(key);
            }
        }
        if (!reading.notPatientData()) {
            for (Rule rule : run.rulesAt(reading.time())) {
                if (rule instanceof DeviceAttentionRule d) {
                    run.judgeDevice(d, reading.deviceId());
                }
            }
        }
        return new Evaluation(
                new PatientState(history, run.episodes),
                List.copyOf(run.events),
                reading,
                List.copyOf(run.changed.values()),
                List.copyOf(run.closed));
    }

    /** One evaluation's working state. */
    private static final class Run {
        final CarePlan plan;
        final ReadingHistory history;
        final Map<String, Episode> episodes;
        final Instant freshFrom;
        final ZoneId zone;
        final List<Rule> allRules;
        final List<AlertEvent> events = new ArrayList<>();
        final Map<String, Episode> changed = new HashMap<>();
        final Set<String> closed = new LinkedHashSet<>();

        /** The reading being evaluated. */
        Reading trigger;

        Run(CarePlan plan, ReadingHistory history, Map<String, Episode> episodes, Instant now) {
            this.plan = plan;
            this.history = history;
            this.episodes = episodes;
            this.freshFrom = now.minus(plan.effectiveStaleAfter());
            this.zone = plan.zoneId(); // parsed once per evaluation, not per rule
            this.allRules = plan.allRules();
        }

        List<Rule> rulesAt(Instant t) {
            // plan.rulesAt(t) itself answers plan.rules() outside the period: the covers() test is a shortcut, and
            // forcing it true is an equivalent mutant.
            return plan.postDischarge() != null && plan.postDischarge().covers(t, zone)
                    ? plan.rulesAt(t)
                    : plan.rules();
        }

        /** Episode keys of value rules (any period) that look at {@code code}, in plan order. */
        Set<String> valueKeysFor(String code) {
            Set<String> keys = new LinkedHashSet<>();
            for (Rule rule : allRules) {
                // A plan refuses an episode mixing hub and cloud rules, and holds() finds nothing for a cloud kind:
                // dropping the HUB test here or in judgeValueEpisode changes no outcome (equivalent).
                if (rule.where() == Rule.Where.HUB && rule.codes().contains(code)) {
                    keys.add(rule.episodeKey());
                }
            }
            return keys;
        }

        void judgeValueEpisode(String key) {
            Set<String> codes = new LinkedHashSet<>();
            for (Rule rule : allRules) {
                if (rule.episodeKey().equals(key)) {
                    codes.addAll(rule.codes());
                }
            }
            Reading newest = null;
            for (String code : codes) {
                Reading r = history.latestUsable(code);
                if (r != null && (newest == null || r.time().isAfter(newest.time()))) {
                    newest = r;
                }
            }
            if (newest == null || newest.time().isBefore(freshFrom)) {
                return; // stale data is remembered, never acted on
            }
            Hit worst = null;
            for (Rule rule : rulesAt(newest.time())) {
                if (!rule.episodeKey().equals(key) || rule.where() != Rule.Where.HUB) {
                    continue;
                }
                Hit hit = holds(rule, episodes.get(key));
                if (hit != null
                        && (worst == null
                                || hit.rule()
                                        .severity()
                                        .isWorseThan(worst.rule().severity()))) {
                    worst = hit;
                }
            }
            transition(key, worst, newest);
        }

        void judgeDevice(DeviceAttentionRule rule, String deviceId) {
            // One attempt = every value the device sent with one time; failed when any of them failed.
            List<Reading> mine = history.ofDevice(deviceId, rule.of());
            List<Reading> attempts = new ArrayList<>();
            List<Boolean> failed = new ArrayList<>();
            for (Reading r : mine) {
                if (r.notPatientData()) {
                    continue;
                }
                int last = attempts.size() - 1;
                if (last >= 0 && attempts.get(last).time().equals(r.time())) {
                    if (r.failed() && !failed.get(last)) {
                        failed.set(last, true);
                        attempts.set(last, r);
                    }
                } else {
                    attempts.add(r);
                    failed.add(r.failed());
                }
            }
            // Never empty: the engine calls this only for a patient reading of this device, itself an attempt. A
            // guard, not a decision; removing it is an equivalent mutant.
            if (attempts.isEmpty()) {
                return;
            }
            Reading newest = attempts.get(attempts.size() - 1);
            if (newest.time().isBefore(freshFrom)) {
                return;
            }
            int from = Math.max(0, attempts.size() - rule.of());
            int failures = 0;
            for (int i = from; i < attempts.size(); i++) {
                failures += failed.get(i) ? 1 : 0;
            }
            boolean holds = failed.get(attempts.size() - 1) && failures >= rule.failures();
            Hit hit = holds
                    ? new Hit(
                            rule,
                            newest,
                            failures + " av/of " + (attempts.size() - from) + " mätningar misslyckades/failed, "
                                    + deviceId)
                    : null;
            transition(rule.episodeKey() + "/" + deviceId, hit, newest);
        }

        void closeEpisodesOfRemovedRules(Reading reading) {
            for (Episode e : List.copyOf(episodes.values())) {
                String ruleKey =
                        e.key().contains("/") ? e.key().substring(0, e.key().indexOf('/')) : e.key();
                boolean exists = allRules.stream().anyMatch(r -> r.episodeKey().equals(ruleKey));
                if (!exists) {
                    episodes.remove(e.key());
                    closed.add(e.key());
                    events.add(new AlertEvent(
                            AlertStatus.RESOLVED,
                            e.id(),
                            plan.patientId(),
                            e.ruleId(),
                            Severity.INFO,
                            null,
                            null,
                            null,
                            REMOVED_PREFIX + e.ruleId(),
                            reading.seq(),
                            plan.version(),
                            null,
                            null));
                }
            }
        }

        private void transition(String key, Hit worst, Reading newest) {
            Episode open = episodes.get(key);
            if (worst != null) {
                Rule rule = worst.rule();
                if (open == null) {
                    // key@time#seq: unique even when a device stamps two readings with the same second. When a late
                    // reading re-opens an episode on the same evidence (n of the last m, say), "+trigger" keeps the
                    // new episode's id apart from the one that was resolved.
                    long evidenceSeq = worst.evidence().seq();
                    String id = key + "@" + worst.evidence().time() + "#" + evidenceSeq
                            + (trigger == null || trigger.seq() == evidenceSeq ? "" : "+" + trigger.seq());
                    Episode e = new Episode(
                            key,
                            id,
                            rule.id(),
                            rule.severity(),
                            worst.evidence().time(),
                            worst.reference());
                    open(e, AlertStatus.RAISED, worst);
                } else if (rule.severity().isWorseThan(open.severity())) {
                    Double reference = open.reference();
                    if (reference == null || (worst.reference() != null && worst.reference() < reference)) {
                        reference = worst.reference();
                    }
                    open(
                            new Episode(key, open.id(), rule.id(), rule.severity(), open.openedAt(), reference),
                            AlertStatus.ESCALATED,
                            worst);
                }
            } else if (open != null) {
                episodes.remove(key);
                changed.remove(key);
                closed.add(key);
                Rule opened = rulesAt(newest.time()).stream()
                        .filter(r -> r.id().equals(open.ruleId()))
                        .findFirst()
                        .orElse(allRules.stream()
                                .filter(r -> r.id().equals(open.ruleId()))
                                .findFirst()
                                .orElse(null));
                String text = RESOLVED_PREFIX + (opened == null ? open.ruleId() : opened.message());
                boolean device = key.contains("/");
                events.add(new AlertEvent(
                        AlertStatus.RESOLVED,
                        open.id(),
                        plan.patientId(),
                        open.ruleId(),
                        Severity.INFO,
                        device ? null : newest.code(),
                        device ? null : newest.value(),
                        device ? null : newest.unit(),
                        text,
                        newest.seq(),
                        plan.version(),
                        opened == null ? null : opened.respondFirst(),
                        null));
            }
        }

        private void open(Episode e, AlertStatus status, Hit hit) {
            episodes.put(e.key(), e);
            changed.put(e.key(), e);
            closed.remove(e.key());
            Rule rule = hit.rule();
            Reading ev = hit.evidence();
            boolean device = rule instanceof DeviceAttentionRule;
            String text = hit.detail() == null ? rule.message() : rule.message() + " (" + hit.detail() + ")";
            events.add(new AlertEvent(
                    status,
                    e.id(),
                    plan.patientId(),
                    rule.id(),
                    rule.severity(),
                    ev.code(),
                    device ? null : ev.value(),
                    device ? null : ev.unit(),
                    text,
                    ev.seq(),
                    plan.version(),
                    rule.respondFirst(),
                    rule.escalateAfter()));
        }

        /** The hit when {@code rule} holds as of the newest usable reading of its codes, else null. */
        /**
         * Whether a damped threshold rule holds as of {@code newest}, decided from the readings in time order alone (so
         * the order in which they arrived changes nothing). The readings fall into runs: past the threshold, recovered
         * ({@code recoverAt}), or in between. A run of the first kind that lasted {@code sustain} turns the rule on, one
         * of the second kind that lasted {@code recoverFor} turns it off, and the newest such run decides; one in
         * between changes nothing (hysteresis). A run breaks where the kind changes or where no reading came for
         * longer than the duration it needs (no samples is no evidence). A run with no reading of the signal within
         * that duration before it is a spot check, not a stream, and counts at once: damping never silences a cuff's
         * pulse or a single oximeter reading.
         */
        private boolean dampedHolds(ThresholdRule t, Reading newest) {
            Reading[] list = history.of(t.code());
            int kind = 0;
            Instant runStart = null;
            Instant runEnd = null;
            for (int i = list.length - 1; i >= 0; i--) {
                Reading r = list[i];
                if (!r.usable() || r.time().isAfter(newest.time())) {
                    continue;
                }
                int k = t.breaks(r.value()) ? 1 : t.recovered(r.value()) ? -1 : 0;
                if (runStart != null
                        && k == kind
                        && Duration.between(r.time(), runStart).compareTo(needed(t, kind)) <= 0) {
                    runStart = r.time();
                    continue;
                }
                if (runStart != null && kind != 0 && lasted(t, kind, runStart, runEnd, r.time())) {
                    return kind > 0;
                }
                kind = k;
                runStart = r.time();
                runEnd = r.time();
            }
            return runStart != null && kind != 0 && lasted(t, kind, runStart, runEnd, null) && kind > 0;
        }

        private static Duration needed(ThresholdRule t, int kind) {
            Duration d = kind > 0 ? t.sustain() : t.recoverFor();
            return d == null ? Duration.ZERO : d;
        }

        /** A run lasted long enough, or is a spot check ({@code before}: the reading before it, or null). */
        private static boolean lasted(ThresholdRule t, int kind, Instant start, Instant end, Instant before) {
            Duration needed = needed(t, kind);
            return Duration.between(start, end).compareTo(needed) >= 0
                    || before == null
                    || Duration.between(before, start).compareTo(needed) > 0;
        }

        private Hit holds(Rule rule, Episode open) {
            if (rule instanceof ThresholdRule t) {
                Reading r = history.latestUsable(t.code());
                if (r == null) {
                    return null;
                }
                if (!t.damped()) {
                    return t.breaks(r.value()) ? new Hit(t, r, null) : null;
                }
                return dampedHolds(t, r) ? new Hit(t, r, null) : null;
            }
            if (rule instanceof WindowChangeRule w) {
                Reading r = history.latestUsable(w.code());
                if (r == null) {
                    return null;
                }
                Reading low = lowest(w.code(), r.time().minus(w.window()), r);
                Double from = low == null ? null : low.value();
                // The reference belongs to the rule that set it (an overnight rule must not measure from a 3-day low).
                if (open != null
                        && open.reference() != null
                        && open.ruleId().equals(w.id())
                        && (from == null || open.reference() < from)) {
                    from = open.reference();
                }
                if (from != null && r.value() - from > w.rise()) {
                    return new Hit(
                            w,
                            r,
                            String.format(
                                    Locale.ROOT,
                                    "%s → %s %s, +%s",
                                    num(from),
                                    num(r.value()),
                                    r.unit(),
                                    num(r.value() - from)),
                            from);
                }
                return null;
            }
            if (rule instanceof BaselineChangeRule b) {
                Reading r = history.latestUsable(b.code());
                if (r == null) {
                    return null;
                }
                Double base = b.baseline();
                if (base == null) {
                    Reading low = lowest(b.code(), r.time().minus(b.effectiveBaselineWindow()), r);
                    base = low == null ? null : low.value();
                }
                if (base == null || base <= 0) {
                    return null;
                }
                double percent = (r.value() - base) / base * 100.0;
                return percent > b.risePercent()
                        ? new Hit(
                                b,
                                r,
                                String.format(
                                        Locale.ROOT,
                                        "%s → %s %s, +%.0f %%",
                                        num(base),
                                        num(r.value()),
                                        r.unit(),
                                        percent))
                        : null;
            }
            if (rule instanceof CombinationRule c) {
                Reading newest = null;
                Instant first = null;
                for (CombinationRule.Condition condition : c.conditions()) {
                    Reading r = history.latestUsable(condition.code());
                    if (r == null || !condition.breaks(r.value())) {
                        return null;
                    }
                    first = first == null || r.time().isBefore(first) ? r.time() : first;
                    newest = newest == null || !r.time().isBefore(newest.time()) ? r : newest;
                }
                return newest.time().minus(c.effectiveWithin()).isAfter(first) ? null : new Hit(c, newest, null);
            }
            if (rule instanceof RepetitionRule p) {
                Reading[] all = history.of(p.code());
                int seen = 0;
                int breaking = 0;
                Reading newest = null;
                for (int i = all.length - 1; i >= 0 && seen < p.of(); i--) {
                    if (all[i].usable()) {
                        newest = newest == null ? all[i] : newest;
                        seen++;
                        breaking += p.breaks(all[i].value()) ? 1 : 0;
                    }
                }
                return newest != null && breaking >= p.n() ? new Hit(p, newest, breaking + " av/of " + seen) : null;
            }
            return null;
        }

        /** The lowest usable reading of {@code code} from {@code since} up to {@code upTo}, excluding it; or null. */
        private Reading lowest(String code, Instant since, Reading upTo) {
            Reading[] all = history.of(code);
            Reading low = null;
            for (int i = all.length - 1; i >= 0; i--) {
                Reading r = all[i];
                if (r.time().isBefore(since)) {
                    break;
                }
                if (r == upTo || !r.usable() || r.time().isAfter(upTo.time())) {
                    continue;
                }
                // "<" or "<=": of two equally low readings either gives the same value (equivalent boundary).
                if (low == null || r.value() < low.value()) {
                    low = r;
                }
            }
            return low;
        }

        private static String num(double v) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
    }
}
