package io.nara.ingest.fhir;

import io.nara.protocol.vocabulary.ClinicalCode;
import io.nara.protocol.vocabulary.Vocabulary;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The search parameters the FHIR API understands, parsed from the query string. Pure. Anything else is refused with a
 * message naming it: a journal that asks for a filter we would silently ignore would get too much.
 */
public final class FhirSearch {

    public static final int DEFAULT_COUNT = 100;
    public static final int MAX_COUNT = 1000;
    private static final Pattern DATE = Pattern.compile("(eq|ge|gt|le|lt)?(\\d{4}(-\\d{2}(-\\d{2}(T.+)?)?)?)");
    /** Parameters any search may carry and that change nothing here. */
    private static final Set<String> HARMLESS = Set.of("_format");

    /** A half-open range [from, to) of times; null ends are open. */
    public record TimeRange(Instant from, Instant to) {
        static final TimeRange ALL = new TimeRange(null, null);

        TimeRange and(TimeRange other) {
            Instant f = from == null ? other.from : other.from == null ? from : later(from, other.from);
            Instant t = to == null ? other.to : other.to == null ? to : earlier(to, other.to);
            return new TimeRange(f, t);
        }

        /** Whether no time can be in it. */
        public boolean empty() {
            return from != null && to != null && !from.isBefore(to);
        }

        private static Instant later(Instant a, Instant b) {
            return a.isAfter(b) ? a : b;
        }

        private static Instant earlier(Instant a, Instant b) {
            return a.isBefore(b) ? a : b;
        }
    }

    /** {@code GET /fhir/Observation?patient=..&code=..&date=..&_count=..}. */
    public record ObservationQuery(String patientId, List<String> codes, TimeRange range, int count) {}

    /** A {@code date} parameter as the range of times it admits, following the value's precision (FHIR R4 3.1.1.4.2). */
    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");

    private static final Instant LATEST = Instant.parse("2200-01-01T00:00:00Z");

    private FhirSearch() {}

    public static ObservationQuery observations(Map<String, List<String>> params) {
        allowOnly(params, "Observation", Set.of("patient", "subject", "code", "date", "_count"));
        String patient = reference(single(params, "patient", "subject"), "Patient");
        if (patient == null) {
            throw new IllegalArgumentException("an Observation search needs patient (e.g. patient=Patient/123)");
        }
        List<String> codes = new ArrayList<>();
        for (String value : params.getOrDefault("code", List.of())) {
            for (String token : value.split(",")) {
                codes.add(loinc(token));
            }
        }
        TimeRange range = TimeRange.ALL;
        for (String value : params.getOrDefault("date", List.of())) {
            range = range.and(date(value));
        }
        return new ObservationQuery(patient, List.copyOf(codes), range, count(params));
    }

    /** {@code GET /fhir/Patient?_id=..}: the ids asked for. */
    public static List<String> patients(Map<String, List<String>> params) {
        allowOnly(params, "Patient", Set.of("_id"));
        List<String> ids = new ArrayList<>();
        params.getOrDefault("_id", List.of()).forEach(v -> ids.addAll(List.of(v.split(","))));
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("a Patient search needs _id");
        }
        return ids;
    }

    /** {@code GET /fhir/Device?patient=..}: the patient. */
    public static String devicePatient(Map<String, List<String>> params) {
        allowOnly(params, "Device", Set.of("patient"));
        String patient = reference(single(params, "patient", null), "Patient");
        if (patient == null) {
            throw new IllegalArgumentException("a Device search needs patient (e.g. patient=Patient/123)");
        }
        return patient;
    }

    static TimeRange date(String value) {
        Matcher m = DATE.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "date '" + value + "' is not [eq|ge|gt|le|lt]YYYY[-MM[-DD[Thh:mm:ss+zz:zz]]]");
        }
        String prefix = m.group(1) == null ? "eq" : m.group(1);
        String text = m.group(2);
        Instant start;
        Instant end;
        try {
            if (m.group(5) != null) {
                start = OffsetDateTime.parse(text).toInstant();
                end = start.plusSeconds(1);
            } else if (m.group(4) != null) {
                LocalDate day = LocalDate.parse(text);
                start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
                end = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            } else if (m.group(3) != null) {
                YearMonth month = YearMonth.parse(text);
                start = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
                end = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            } else {
                int year = Integer.parseInt(text);
                start = LocalDate.of(year, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();
                end = LocalDate.of(year + 1, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("date '" + value + "' is not a date or a date-time with a time zone");
        }
        // InfluxDB keeps time in signed 64-bit nanoseconds (up to 2262): a search outside the years a reading can
        // have is a mistake, answered as one rather than overflowing in the query.
        if (start.isBefore(EARLIEST) || end.isAfter(LATEST)) {
            throw new IllegalArgumentException("date '" + value + "' is outside the years 1970 to 2199");
        }
        return switch (prefix) {
            case "ge" -> new TimeRange(start, null);
            case "gt" -> new TimeRange(end, null);
            case "le" -> new TimeRange(null, end);
            case "lt" -> new TimeRange(null, start);
            default -> new TimeRange(start, end);
        };
    }

    /** A token's code: a LOINC measurement, or a SNOMED CT symptom the vocabulary knows. */
    private static String loinc(String token) {
        String code = token;
        String system = "";
        int bar = token.indexOf('|');
        if (bar >= 0) {
            system = token.substring(0, bar);
            code = token.substring(bar + 1);
        }
        if (system.equals(ClinicalCode.CodeSystem.SNOMED_CT.uri())) {
            if (Vocabulary.byCode(code).filter(ClinicalCode::symptom).isEmpty()) {
                throw new IllegalArgumentException("code '" + token + "' is not a symptom Nära records");
            }
            return code;
        }
        if (!system.isEmpty() && !system.equals(FhirMapping.LOINC)) {
            throw new IllegalArgumentException("code system '" + system + "' is not known here; use "
                    + FhirMapping.LOINC + " (or " + ClinicalCode.CodeSystem.SNOMED_CT.uri() + " for a symptom)");
        }
        if (!code.matches("\\d{1,8}-\\d")
                && Vocabulary.byCode(code).filter(ClinicalCode::symptom).isEmpty()) {
            throw new IllegalArgumentException("code '" + token + "' is not a LOINC code");
        }
        return code;
    }

    private static int count(Map<String, List<String>> params) {
        String value = single(params, "_count", null);
        if (value == null) {
            return DEFAULT_COUNT;
        }
        try {
            int n = Integer.parseInt(value);
            if (n < 1 || n > MAX_COUNT) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("_count must be a number from 1 to " + MAX_COUNT);
        }
    }

    private static String reference(String value, String type) {
        if (value == null) {
            return null;
        }
        String id = value.startsWith(type + "/") ? value.substring(type.length() + 1) : value;
        if (id.isEmpty() || id.contains("/")) {
            throw new IllegalArgumentException("'" + value + "' is not a reference to a " + type);
        }
        return FhirMapping.naraId(id);
    }

    private static String single(Map<String, List<String>> params, String name, String alias) {
        List<String> values = new ArrayList<>(params.getOrDefault(name, List.of()));
        if (alias != null) {
            values.addAll(params.getOrDefault(alias, List.of()));
        }
        if (values.size() > 1) {
            throw new IllegalArgumentException(name + " may be given once");
        }
        return values.isEmpty() ? null : values.get(0);
    }

    private static void allowOnly(Map<String, List<String>> params, String type, Set<String> allowed) {
        for (String name : params.keySet()) {
            if (!allowed.contains(name) && !HARMLESS.contains(name)) {
                throw new IllegalArgumentException("search parameter '" + name + "' is not supported for " + type
                        + "; supported: " + String.join(", ", new TreeSet<>(allowed)));
            }
        }
    }
}
