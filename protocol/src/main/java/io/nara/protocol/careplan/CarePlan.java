package io.nara.protocol.careplan;

import static io.nara.protocol.Checks.requireText;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A patient's care plan as the responsible doctor set it: what is measured, what is worrying, who is told first.
 * The hub evaluates the rules that look at readings (also offline); the cloud those about silence.
 *
 * @param patientId     the patient
 * @param version       the plan's version; every alert names the version it was evaluated with
 * @param rules         the rules in force outside a post-discharge period
 * @param expected      the measurements the patient is asked to take (which, how often, by what time)
 * @param postDischarge a post-discharge period with its own, tighter rules; null when there is none
 * @param weightBand    the patient's expected weight, to attribute readings of a shared scale without user index;
 *                      null when the patient shares no scale
 * @param zone          the home's time zone, for times of day (default Europe/Stockholm)
 * @param staleAfter    a reading older than this when evaluated is history only: it never opens, raises or
 *                      resolves an episode (default 24 hours)
 * @param voice         whether and how the hub speaks to the patient; null for {@link VoiceSettings#DEFAULT}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CarePlan(
        String patientId,
        String version,
        List<Rule> rules,
        List<ExpectedMeasurement> expected,
        PostDischarge postDischarge,
        WeightBand weightBand,
        String zone,
        Duration staleAfter,
        VoiceSettings voice) {

    public static final String DEFAULT_ZONE = "Europe/Stockholm";
    public static final Duration DEFAULT_STALE_AFTER = Duration.ofHours(24);
    /** Readings the hub keeps for window, baseline and repetition rules. */
    public static final Duration MIN_HISTORY = Duration.ofDays(90);

    @JsonCreator
    public CarePlan {
        Problems p = new Problems();
        p.check("patientId", () -> requireText(patientId, "patientId"));
        p.check("version", () -> requireText(version, "care plan version"));
        List<Rule> givenRules = rules == null ? List.of() : rules;
        List<ExpectedMeasurement> givenExpected = expected == null ? List.of() : expected;
        if (zone != null) {
            try {
                ZoneId.of(zone);
            } catch (DateTimeException e) {
                p.add("zone", "care plan for " + patientId + ": unknown time zone '" + zone + "'");
            }
        }
        if (staleAfter != null
                && (staleAfter.compareTo(Duration.ofMinutes(5)) < 0 || staleAfter.compareTo(Duration.ofDays(14)) > 0)) {
            p.add(
                    "staleAfter",
                    "care plan for " + patientId + ": staleAfter must be between PT5M and P14D, was " + staleAfter);
        }
        Set<String> expectedCodes = new HashSet<>();
        for (int i = 0; i < givenExpected.size(); i++) {
            ExpectedMeasurement e = givenExpected.get(i);
            if (e == null) {
                p.add(
                        "expected[" + i + "]",
                        "care plan for " + patientId + ": expected measurement " + i + " is empty");
            } else if (!expectedCodes.add(e.code())) {
                p.add(
                        "expected[" + i + "].code",
                        "care plan for " + patientId + ": measurement " + e.code() + " is expected twice");
            }
        }
        check(p, patientId, "rules", givenRules, givenExpected);
        if (postDischarge != null) {
            check(p, patientId, "postDischarge.rules", postDischarge.rules(), givenExpected);
        }
        p.throwIfAny();
        rules = List.copyOf(givenRules);
        expected = List.copyOf(givenExpected);
    }

    /** A plan of rules only, as the first plans were written. */
    public CarePlan(String patientId, String version, List<? extends Rule> rules) {
        this(patientId, version, List.copyOf(rules), null, null, null, null, null, null);
    }

    /** A plan without a voice section (the hub speaks with {@link VoiceSettings#DEFAULT}). */
    public CarePlan(
            String patientId,
            String version,
            List<Rule> rules,
            List<ExpectedMeasurement> expected,
            PostDischarge postDischarge,
            WeightBand weightBand,
            String zone,
            Duration staleAfter) {
        this(patientId, version, rules, expected, postDischarge, weightBand, zone, staleAfter, null);
    }

    /** Checks across the rules of one list; each problem's field is the rule's place in the list. */
    private static void check(
            Problems p, String patientId, String where, List<Rule> rules, List<ExpectedMeasurement> expected) {
        Set<String> ids = new HashSet<>();
        Map<String, Rule.Where> episodeSide = new HashMap<>();
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            String at = where + "[" + i + "]";
            if (rule == null) {
                p.add(at, "care plan for " + patientId + ": " + where + " holds an empty rule");
                continue;
            }
            if (!ids.add(rule.id())) {
                p.add(at + ".id", "care plan for " + patientId + " has two rules with id " + rule.id());
            }
            // Unknown LOINC codes need no check here: Rule is sealed and every kind refuses them in its constructor.
            Rule.Where side = episodeSide.putIfAbsent(rule.episodeKey(), rule.where());
            if (side != null && side != rule.where()) {
                p.add(
                        at + ".episode",
                        "rule " + rule.id() + ": episode '" + rule.episodeKey()
                                + "' mixes rules the hub evaluates with rules the cloud evaluates");
            }
            if (rule instanceof MissingMeasurementRule m
                    && m.by() != null
                    && expected.stream().noneMatch(e -> e != null && e.code().equals(m.code()))) {
                p.add(
                        at + ".by",
                        "rule " + rule.id() + ": expects " + m.code() + " by " + m.by()
                                + " but the plan does not list it under 'expected'");
            }
        }
    }

    @JsonIgnore
    public ZoneId zoneId() {
        return ZoneId.of(zone == null ? DEFAULT_ZONE : zone);
    }

    @JsonIgnore
    public VoiceSettings effectiveVoice() {
        return voice == null ? VoiceSettings.DEFAULT : voice;
    }

    @JsonIgnore
    public Duration effectiveStaleAfter() {
        return staleAfter == null ? DEFAULT_STALE_AFTER : staleAfter;
    }

    /** True when {@code at} falls in the post-discharge period. */
    public boolean inPostDischarge(Instant at) {
        return postDischarge != null && postDischarge.covers(at, zoneId());
    }

    /**
     * The rules in force at {@code at}: in a post-discharge period its rules replace ordinary rules with the same id
     * and add the others; outside it, the ordinary rules.
     */
    public List<Rule> rulesAt(Instant at) {
        if (!inPostDischarge(at)) {
            return rules;
        }
        Map<String, Rule> byId = new LinkedHashMap<>();
        rules.forEach(r -> byId.put(r.id(), r));
        postDischarge.rules().forEach(r -> byId.put(r.id(), r));
        return List.copyOf(byId.values());
    }

    /** Every rule of the plan, ordinary and post-discharge, once per id (post-discharge wins). */
    @JsonIgnore
    public List<Rule> allRules() {
        if (postDischarge == null) {
            return rules;
        }
        Map<String, Rule> byId = new LinkedHashMap<>();
        rules.forEach(r -> byId.put(r.id(), r));
        postDischarge.rules().forEach(r -> byId.put(r.id(), r));
        return new ArrayList<>(byId.values());
    }

    /** How far back the hub must keep readings for this plan's rules. */
    @JsonIgnore
    public Duration historyNeeded() {
        Duration longest = MIN_HISTORY;
        for (Rule rule : allRules()) {
            Duration d = Duration.ZERO;
            if (rule instanceof WindowChangeRule w) {
                d = w.window();
            } else if (rule instanceof BaselineChangeRule b) {
                d = b.effectiveBaselineWindow();
            }
            if (d.compareTo(longest) > 0) {
                longest = d;
            }
        }
        return longest;
    }

    public CarePlan withVersion(String newVersion) {
        return new CarePlan(patientId, newVersion, rules, expected, postDischarge, weightBand, zone, staleAfter, voice);
    }
}
