package io.nara.rules.replay;

import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.vocabulary.ClinicalCode;
import io.nara.protocol.vocabulary.Vocabulary;
import io.nara.rules.Plausibility;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Readings as a clinician writes them for a replay: {@code time,code,value,unit[,flags]}, one per line. Pure: lines in,
 * observations (or the problems, each with its line number) out.
 *
 * <ul>
 *   <li>time: ISO 8601 with an offset ({@code 2026-11-23T07:30:00+01:00} or {@code ...Z}); a time without one is
 *       refused, never guessed.</li>
 *   <li>code: a LOINC code of the vocabulary; value: a number, or empty / {@code NaN} for a failed measurement.</li>
 *   <li>unit: converted into the vocabulary's unit as a device's would be (lb, mg/dL, ...); an unknown unit is
 *       refused.</li>
 *   <li>flags: observation flags separated by {@code |} or spaces ({@code NOT_PATIENT_DATA|QUESTIONABLE}). A value no
 *       body produces is flagged {@code IMPLAUSIBLE}, as the hub does.</li>
 * </ul>
 * A first line starting with {@code time} is a header; blank lines and lines starting with {@code #} are skipped.
 */
public final class ReadingsCsv {

    /** The device every CSV reading is attributed to (device-attention rules count its attempts). */
    public static final String DEVICE = "csv";

    private ReadingsCsv() {}

    /** The readings of a file, or every problem found in it. */
    public record Parsed(List<Observation> readings, List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    public static Parsed parse(List<String> lines, String patientId) {
        List<Observation> readings = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()
                    || line.startsWith("#")
                    || (readings.isEmpty()
                            && problems.isEmpty()
                            && line.toLowerCase(Locale.ROOT).startsWith("time"))) {
                continue;
            }
            try {
                readings.add(reading(line, patientId, readings.size() + 1));
            } catch (IllegalArgumentException e) {
                problems.add("line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return new Parsed(List.copyOf(readings), List.copyOf(problems));
    }

    private static Observation reading(String line, String patientId, long seq) {
        String[] f = line.split(",", -1);
        if (f.length < 4 || f.length > 5) {
            throw new IllegalArgumentException(
                    "expected time,code,value,unit[,flags], found " + f.length + " field(s): " + line);
        }
        Instant time = time(f[0].strip());
        String loinc = f[1].strip();
        ClinicalCode code = Vocabulary.byCode(loinc)
                .orElseThrow(() -> new IllegalArgumentException("unknown LOINC code '" + loinc + "'"));
        EnumSet<ObservationFlag> flags = f.length == 5 ? flags(f[4]) : EnumSet.noneOf(ObservationFlag.class);
        String text = f[2].strip();
        String unit = f[3].strip();
        Double value = null;
        if (text.isEmpty() || text.equalsIgnoreCase("NaN")) {
            flags.add(ObservationFlag.MEASUREMENT_FAILED); // NaN is never a number: a failed measurement
        } else {
            double given;
            try {
                given = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("value '" + text + "' is not a number", e);
            }
            if (!Double.isFinite(given)) {
                throw new IllegalArgumentException("value '" + text + "' is not a finite number");
            }
            Optional<Double> converted = Vocabulary.toVocabularyUnit(code, given, unit);
            value = converted.orElseThrow(() -> new IllegalArgumentException("unit '" + unit + "' is not a unit of "
                    + code.display() + " (" + code.code() + ", stored in " + code.ucum() + ")"));
            if (!Plausibility.isPlausible(code, value)) {
                flags.add(ObservationFlag.IMPLAUSIBLE);
            }
            flags.remove(ObservationFlag.MEASUREMENT_FAILED);
        }
        return new Observation(seq, patientId, DEVICE, code.code(), value, code.ucum(), time, time, flags);
    }

    private static Instant time(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "time '" + text + "' is not an ISO 8601 time with an offset"
                            + " (2026-11-23T07:30:00+01:00 or 2026-11-23T06:30:00Z)",
                    e);
        }
    }

    private static EnumSet<ObservationFlag> flags(String text) {
        EnumSet<ObservationFlag> flags = EnumSet.noneOf(ObservationFlag.class);
        for (String name : text.strip().split("[|\\s]+")) {
            if (name.isEmpty()) {
                continue;
            }
            try {
                flags.add(ObservationFlag.valueOf(name.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "unknown flag '" + name + "'; known: " + Arrays.toString(ObservationFlag.values()), e);
            }
        }
        return flags;
    }
}
