package io.nara.ingest.fhir;

import io.nara.protocol.vocabulary.Vocabulary;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which readings go out as one Observation. Pure: no I/O.
 *
 * <p>The hub's GATT decoder turns one cuff reading into separate systolic, diastolic and mean pressure readings, each
 * with its own seq, from the same device at the same instant. A journal expects R4's blood-pressure profile: one
 * Observation 85354-9 with the values as components. Readings of one hub, patient and device at the same millisecond
 * that hold exactly one systolic and one diastolic are such a panel (with the mean pressure, when there is exactly one,
 * as a third component). Anything else, a lone systolic included, goes out as its own Observation, as before.
 */
public final class BloodPressurePanels {

    /** LOINC 85354-9, Blood pressure panel with all children optional: the code R4's bp profile fixes. */
    public static final String PANEL = "85354-9";

    public static final String SYSTOLIC = Vocabulary.SYSTOLIC.code();
    public static final String DIASTOLIC = Vocabulary.DIASTOLIC.code();
    public static final String MEAN = Vocabulary.MEAN_ARTERIAL_PRESSURE.code();
    /** The codes of the readings a panel is made of. */
    public static final List<String> PARTS = List.of(SYSTOLIC, DIASTOLIC, MEAN);
    /** Suffix of a panel's id and identifier after those of its systolic reading. */
    static final String SUFFIX = "bp";

    private BloodPressurePanels() {}

    /** One Observation's worth of readings. */
    public sealed interface Entry permits Single, Panel {

        /** The identifier's value under {@link FhirMapping#OBSERVATION_SYSTEM}; stable for ever. */
        String identifierValue();

        /** The Observation's id (FHIR id syntax, at most 55 characters). */
        String observationId();

        /** The LOINC codes a {@code code} search finds it by: its own, and a panel's components'. */
        Set<String> codes();

        /** The readings it is made of, in seq order. */
        List<Reading> readings();

        /** The instant it is about, to the millisecond. */
        default Instant time() {
            return readings().get(0).time().truncatedTo(ChronoUnit.MILLIS);
        }
    }

    /** A reading that goes out as its own Observation. */
    public record Single(Reading reading) implements Entry {

        public Single {
            Objects.requireNonNull(reading);
        }

        @Override
        public String identifierValue() {
            return FhirMapping.identifierValue(reading);
        }

        @Override
        public String observationId() {
            return FhirMapping.observationId(reading.outbox(), reading.seq());
        }

        @Override
        public Set<String> codes() {
            return Set.of(reading.code());
        }

        @Override
        public List<Reading> readings() {
            return List.of(reading);
        }
    }

    /**
     * One cuff reading: systolic and diastolic, and the mean pressure when the cuff sent one. Its identity is its
     * systolic reading's with {@code /bp} (identifier) or {@code -bp} (id) after it: derived from the hub's own record,
     * so the same on every node, every search and every retry of the push, and never that of the systolic reading
     * alone (a journal that received a systolic as a single Observation before panels existed still gets the panel).
     *
     * @param mean null when the cuff sent none
     */
    public record Panel(Reading systolic, Reading diastolic, Reading mean) implements Entry {

        public Panel {
            require(systolic, SYSTOLIC);
            require(diastolic, DIASTOLIC);
            if (mean != null) {
                require(mean, MEAN);
            }
            Key key = Key.of(systolic);
            if (!key.equals(Key.of(diastolic)) || (mean != null && !key.equals(Key.of(mean)))) {
                throw new IllegalArgumentException("a blood-pressure panel's readings must share hub, patient, device "
                        + "and time: " + FhirMapping.identifierValue(systolic));
            }
        }

        private static void require(Reading r, String code) {
            if (!r.code().equals(code)) {
                throw new IllegalArgumentException(
                        "reading " + FhirMapping.identifierValue(r) + " is " + r.code() + ", not " + code);
            }
        }

        @Override
        public String identifierValue() {
            return FhirMapping.identifierValue(systolic) + "/" + SUFFIX;
        }

        @Override
        public String observationId() {
            return FhirMapping.observationId(systolic.outbox(), systolic.seq()) + "-" + SUFFIX;
        }

        @Override
        public Set<String> codes() {
            return mean == null ? Set.of(PANEL, SYSTOLIC, DIASTOLIC) : Set.of(PANEL, SYSTOLIC, DIASTOLIC, MEAN);
        }

        @Override
        public List<Reading> readings() {
            return Stream.of(systolic, diastolic, mean)
                    .filter(Objects::nonNull)
                    .sorted((a, b) -> Long.compare(a.seq(), b.seq()))
                    .toList();
        }
    }

    /**
     * What readings must share to be one cuff reading. Millisecond precision: InfluxDB keeps the time to the ms. Also
     * the push queue's identity of a cuff reading ({@link FhirPush}), which locks on {@link #lockKey()}.
     */
    record Key(String hubId, String patientId, String deviceId, Instant time) {

        static Key of(Reading r) {
            return new Key(r.hubId(), r.patientId(), r.deviceId(), r.time().truncatedTo(ChronoUnit.MILLIS));
        }

        /** A PostgreSQL advisory-lock key for this cuff reading in the push queue. */
        long lockKey() {
            byte[] hash;
            try {
                hash = MessageDigest.getInstance("SHA-256")
                        .digest(("fhir-push-cuff|" + hubId + "|" + patientId + "|" + deviceId + "|"
                                        + time.toEpochMilli())
                                .getBytes(StandardCharsets.UTF_8));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK has no SHA-256", e);
            }
            return ByteBuffer.wrap(hash).getLong();
        }
    }

    /**
     * The readings as Observations: panels where a cuff reading's values are all there, single readings otherwise.
     * In the order given, a panel where its first reading was. Readings of no known patient are not paired (and not
     * exported: {@link Reading#exportable()}).
     */
    public static List<Entry> pair(List<Reading> readings) {
        Map<Key, List<Reading>> groups = new LinkedHashMap<>();
        for (Reading r : readings) {
            if (r.exportable() && PARTS.contains(r.code())) {
                groups.computeIfAbsent(Key.of(r), k -> new ArrayList<>()).add(r);
            }
        }
        Map<Reading, Panel> panelOf = new HashMap<>();
        for (List<Reading> group : groups.values()) {
            List<Reading> systolic = ofCode(group, SYSTOLIC);
            List<Reading> diastolic = ofCode(group, DIASTOLIC);
            List<Reading> mean = ofCode(group, MEAN);
            // Two systolic values at one instant from one cuff cannot be told apart: no guessing, each goes alone.
            if (systolic.size() != 1 || diastolic.size() != 1) {
                continue;
            }
            Panel panel = new Panel(systolic.get(0), diastolic.get(0), mean.size() == 1 ? mean.get(0) : null);
            panel.readings().forEach(r -> panelOf.put(r, panel));
        }
        Set<Entry> out = new LinkedHashSet<>();
        for (Reading r : readings) {
            Panel p = panelOf.get(r);
            out.add(p != null ? p : new Single(r));
        }
        return List.copyOf(out);
    }

    private static List<Reading> ofCode(List<Reading> group, String code) {
        return group.stream().filter(r -> r.code().equals(code)).toList();
    }

    /**
     * The codes to read from InfluxDB for a search by these codes (empty: all). A panel, or any of its parts, needs all
     * its parts: {@code code=8480-6} finds the panels (a panel matches a search by any of its components' codes, so
     * a journal that asked for systolic pressure before panels existed still gets it; FHIR's own way,
     * {@code component-code}, is not supported) and a lone systolic reading.
     */
    public static List<String> readCodes(Collection<String> asked) {
        Set<String> codes = new LinkedHashSet<>();
        for (String code : asked) {
            if (code.equals(PANEL) || PARTS.contains(code)) {
                codes.addAll(PARTS);
            } else {
                codes.add(code);
            }
        }
        return List.copyOf(codes);
    }

    /**
     * A search's answer from the readings InfluxDB returned (newest first): paired, those matching a code asked for
     * (any when none), at most {@code count}. When {@code count} cuts the entries of one millisecond, none of that
     * millisecond is given (unless nothing else would be): the next page, {@code date=lt<the oldest given>}, has them
     * all.
     */
    public static List<Entry> answer(List<Reading> newestFirst, Collection<String> asked, int count) {
        List<Entry> matching = pair(
                        newestFirst.stream().filter(Reading::exportable).toList())
                .stream()
                .filter(e -> asked.isEmpty() || e.codes().stream().anyMatch(asked::contains))
                .toList();
        if (matching.size() <= count) {
            return matching;
        }
        Instant cut = matching.get(count).time();
        List<Entry> page = matching.subList(0, count).stream()
                .filter(e -> !e.time().equals(cut))
                .toList();
        return page.isEmpty() ? matching.subList(0, count) : page;
    }
}
