package io.nara.devices.astm;

import io.nara.devices.DecodeException;
import io.nara.devices.Measurement;
import io.nara.devices.Quirk;
import io.nara.devices.Quirks;
import io.nara.devices.analyzer.Analytes;
import io.nara.devices.analyzer.AnalyzerReport;
import io.nara.devices.analyzer.AnalyzerResult;
import io.nara.devices.analyzer.ResultValues;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.vocabulary.ClinicalCode;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * ASTM E1394 (LIS2-A2) records of one message mapped to observations: H header (defines the delimiters), P patient,
 * O order, R result, C comment, Q query, M manufacturer, S scientific, L terminator.
 *
 * <p>Result fields used (1-based as in the standard): R.3 universal test id (the local code in its 4th component),
 * R.4 value, R.5 units, R.7 abnormal flags, R.9 result status, R.13 date/time completed. P.3 (else P.4) patient id,
 * O.3 specimen
 * id, O.8 collection time (used when R.13 is empty), O.12 action code ("Q" = quality control).
 */
public final class AstmRecords {

    private final Analytes analytes;
    private final Quirks quirks;

    public AstmRecords(Analytes analytes, Quirks quirks) {
        this.analytes = analytes;
        this.quirks = quirks;
    }

    /** Parses the records of one message, each without its trailing CR. */
    public AnalyzerReport parse(List<String> records) throws DecodeException {
        if (records.isEmpty()) {
            throw new DecodeException("ASTM message has no records");
        }
        Delimiters d = null;
        String patientId = null;
        String specimenId = null;
        LocalDateTime collected = null;
        boolean qualityControl = false;
        List<AnalyzerResult> results = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            String record = records.get(i);
            if (quirks.has(Quirk.ASTM_RECORDS_END_WITH_CRLF) && record.startsWith("\n")) {
                record = record.substring(1);
            }
            int n = i + 1;
            if (record.isEmpty()) {
                throw new DecodeException("record " + n + " is empty");
            }
            char type = record.charAt(0);
            if (i == 0) {
                if (type != 'H') {
                    throw new DecodeException("record 1 must be the header (H) but is '" + printable(type) + "'");
                }
                d = Delimiters.of(record);
                continue;
            }
            List<String> f = d.fields(record);
            switch (type) {
                case 'P' -> {
                    // P.3 practice-assigned id, else P.4 laboratory-assigned id
                    patientId = emptyToNull(d.unescape(field(f, 3)));
                    patientId = patientId != null ? patientId : emptyToNull(d.unescape(field(f, 4)));
                    specimenId = null;
                    collected = null;
                    qualityControl = false;
                }
                case 'O' -> {
                    specimenId = emptyToNull(d.unescape(d.firstComponent(field(f, 3))));
                    collected = time(field(f, 8), n, "O.8 collection date/time");
                    qualityControl = "Q".equalsIgnoreCase(field(f, 12).trim());
                }
                case 'R' -> result(d, f, n, patientId, specimenId, collected, qualityControl, results, skipped);
                case 'C', 'Q', 'M', 'S', 'L' -> {
                    // comments, queries and manufacturer records carry no results Nära uses
                }
                default -> throw new DecodeException("record " + n + ": unknown record type '" + printable(type) + "'");
            }
        }
        return new AnalyzerReport(results, skipped);
    }

    private void result(
            Delimiters d,
            List<String> f,
            int n,
            String patientId,
            String specimenId,
            LocalDateTime collected,
            boolean qualityControl,
            List<AnalyzerResult> results,
            List<String> skipped)
            throws DecodeException {
        List<String> testId = d.components(field(f, 3));
        int index = quirks.has(Quirk.ASTM_TEST_CODE_IN_FIRST_COMPONENT) ? 0 : 3;
        String testCode =
                d.unescape(index < testId.size() ? testId.get(index) : "").trim();
        Optional<ClinicalCode> code = analytes.resolve(testCode);
        if (code.isEmpty()) {
            skipped.add("record " + n + ": unknown test code '" + testCode + "'");
            return;
        }
        Set<ObservationFlag> flags = EnumSet.noneOf(ObservationFlag.class);
        if (qualityControl) {
            flags.add(ObservationFlag.NOT_PATIENT_DATA);
        }
        String abnormal = field(f, 7).trim().toUpperCase();
        switch (abnormal) {
            case "L", "H", "LL", "HH", "A", "AA", "<", ">" -> flags.add(ObservationFlag.ABNORMAL);
            default -> {
                // N (normal), empty, or susceptibility codes that do not apply here
            }
        }
        switch (field(f, 9).trim().toUpperCase()) {
            case "X" -> flags.add(ObservationFlag.MEASUREMENT_FAILED);
            case "P", "I", "S" -> {
                flags.add(ObservationFlag.PRELIMINARY);
                flags.add(ObservationFlag.QUESTIONABLE);
            }
            case "W" -> flags.add(ObservationFlag.QUESTIONABLE);
            default -> {
                // F final, C correction, R resent, V verified, N, Q, M: a usable result
            }
        }
        LocalDateTime completed = time(field(f, 13), n, "R.13 date/time completed");
        LocalDateTime when = completed != null ? completed : collected;
        try {
            Measurement m =
                    ResultValues.measurement(code.get(), d.unescape(field(f, 4)), d.unescape(field(f, 5)), when, flags);
            results.add(new AnalyzerResult(patientId, specimenId, testCode, m));
        } catch (DecodeException e) {
            skipped.add("record " + n + ": " + e.getMessage());
        }
    }

    private static String field(List<String> f, int oneBased) {
        return oneBased - 1 < f.size() ? f.get(oneBased - 1) : "";
    }

    /** ASTM dates: YYYYMMDD[HHMM[SS]]; empty means none. */
    static LocalDateTime time(String text, int record, String what) throws DecodeException {
        String t = text.trim();
        if (t.isEmpty()) {
            return null;
        }
        if (!t.matches("\\d{8}(\\d{4}(\\d{2})?)?")) {
            throw new DecodeException("record " + record + ": " + what + " '" + t + "' is not YYYYMMDD[HHMM[SS]]");
        }
        try {
            return LocalDateTime.of(
                    Integer.parseInt(t.substring(0, 4)),
                    Integer.parseInt(t.substring(4, 6)),
                    Integer.parseInt(t.substring(6, 8)),
                    t.length() > 8 ? Integer.parseInt(t.substring(8, 10)) : 0,
                    t.length() > 8 ? Integer.parseInt(t.substring(10, 12)) : 0,
                    t.length() > 12 ? Integer.parseInt(t.substring(12, 14)) : 0);
        } catch (DateTimeException e) {
            throw new DecodeException("record " + record + ": " + what + " '" + t + "' is not a date");
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\x%02X", (int) c);
    }

    /** The four delimiters the header declares in its first characters: H|\^& by default. */
    record Delimiters(char field, char repeat, char component, char escape) {

        static Delimiters of(String header) throws DecodeException {
            if (header.length() < 5) {
                throw new DecodeException("header record is too short to declare its delimiters: '" + header + "'");
            }
            char f = header.charAt(1);
            char r = header.charAt(2);
            char c = header.charAt(3);
            char e = header.charAt(4);
            if (f == r
                    || f == c
                    || f == e
                    || r == c
                    || r == e
                    || c == e
                    || Character.isLetterOrDigit(f)
                    || Character.isLetterOrDigit(r)
                    || Character.isLetterOrDigit(c)
                    || Character.isLetterOrDigit(e)) {
                throw new DecodeException("header declares invalid delimiters '" + header.substring(1, 5) + "'");
            }
            return new Delimiters(f, r, c, e);
        }

        List<String> fields(String record) {
            return split(record, field);
        }

        List<String> components(String fieldText) {
            // Only the first repeat matters for a test id.
            return split(split(fieldText, repeat).get(0), component);
        }

        String firstComponent(String fieldText) {
            return components(fieldText).get(0);
        }

        /** Resolves the escape sequences &F& &S& &R& &E&; an unknown sequence is kept as text. */
        String unescape(String s) {
            if (s.indexOf(escape) < 0) {
                return s;
            }
            String e = String.valueOf(escape);
            return s.replace(e + "F" + e, String.valueOf(field))
                    .replace(e + "S" + e, String.valueOf(component))
                    .replace(e + "R" + e, String.valueOf(repeat))
                    .replace(e + "E" + e, e);
        }

        private static List<String> split(String s, char delimiter) {
            List<String> out = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) == delimiter) {
                    out.add(s.substring(start, i));
                    start = i + 1;
                }
            }
            out.add(s.substring(start));
            return out;
        }
    }
}
