package io.nara.ingest.clinic;

import java.time.DateTimeException;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The follow-up figures of DOMAIN.md per team and month, from what PostgreSQL and InfluxDB aggregated: the pure part
 * (months asked for, percentiles, rates, months without data filled with zeros). Definitions in cloud-ingest/README.md.
 */
public final class Evaluation {

    /** At most this many months per request: three years of figures is a report, more is an export job. */
    public static final int MAX_MONTHS = 36;

    /**
     * A team's month as the database aggregated it. {@code unstaffed}: the team's alerts that found nobody on duty on
     * any tier; {@code unroutable}: alerts for the team's former patients that had no care relation in force when
     * raised (both went to the organisation's fallback at once, and are not in {@code alerts}' other figures).
     */
    public record Aggregate(
            String teamId,
            YearMonth month,
            double patientMonths,
            int alerts,
            List<Long> readingToAlertSeconds,
            List<Long> toAcknowledgeSeconds,
            int resolved,
            int noActionNeeded,
            int escalations,
            int unstaffed,
            int unroutable,
            Map<String, Integer> outcomes,
            Adherence.Count measurements,
            int discharges,
            int readmissions30d,
            ActionFigures.Count actions) {
        public Aggregate {
            readingToAlertSeconds = List.copyOf(readingToAlertSeconds);
            toAcknowledgeSeconds = List.copyOf(toAcknowledgeSeconds);
            outcomes = Map.copyOf(outcomes);
        }

        static Aggregate empty(String teamId, YearMonth month) {
            return new Aggregate(
                    teamId,
                    month,
                    0,
                    0,
                    List.of(),
                    List.of(),
                    0,
                    0,
                    0,
                    0,
                    0,
                    Map.of(),
                    Adherence.Count.none(),
                    0,
                    0,
                    ActionFigures.Count.none());
        }

        Aggregate withStays(int discharges, int readmissions30d) {
            return new Aggregate(
                    teamId,
                    month,
                    patientMonths,
                    alerts,
                    readingToAlertSeconds,
                    toAcknowledgeSeconds,
                    resolved,
                    noActionNeeded,
                    escalations,
                    unstaffed,
                    unroutable,
                    outcomes,
                    measurements,
                    discharges,
                    readmissions30d,
                    actions);
        }

        Aggregate withActions(ActionFigures.Count actions) {
            return new Aggregate(
                    teamId,
                    month,
                    patientMonths,
                    alerts,
                    readingToAlertSeconds,
                    toAcknowledgeSeconds,
                    resolved,
                    noActionNeeded,
                    escalations,
                    unstaffed,
                    unroutable,
                    outcomes,
                    measurements,
                    discharges,
                    readmissions30d,
                    actions);
        }

        Aggregate withUnroutable(int unroutable) {
            return new Aggregate(
                    teamId,
                    month,
                    patientMonths,
                    alerts,
                    readingToAlertSeconds,
                    toAcknowledgeSeconds,
                    resolved,
                    noActionNeeded,
                    escalations,
                    unstaffed,
                    unroutable,
                    outcomes,
                    measurements,
                    discharges,
                    readmissions30d,
                    actions);
        }

        Aggregate withPatients(double patientMonths, Adherence.Count measurements) {
            return new Aggregate(
                    teamId,
                    month,
                    patientMonths,
                    alerts,
                    readingToAlertSeconds,
                    toAcknowledgeSeconds,
                    resolved,
                    noActionNeeded,
                    escalations,
                    unstaffed,
                    unroutable,
                    outcomes,
                    measurements,
                    discharges,
                    readmissions30d,
                    actions);
        }
    }

    /** The figures of one team and month; a rate or percentile without data is null (shown as –). */
    public record Figures(
            String teamId,
            String teamName,
            YearMonth month,
            double patientMonths,
            int alerts,
            Double alertsPerPatientMonth,
            Long readingToAlertMedianSeconds,
            Long readingToAlertP90Seconds,
            int acknowledged,
            Long acknowledgeMedianSeconds,
            Long acknowledgeP90Seconds,
            int resolved,
            int noActionNeeded,
            Double shareNoAction,
            int escalations,
            int unstaffed,
            int unroutable,
            Map<String, Integer> outcomes,
            int expectedMeasurements,
            int takenMeasurements,
            Double adherence,
            int discharges,
            int readmissions30d,
            Double readmissionRate,
            Map<String, Integer> actions,
            int alertsWithAction,
            Long firstActionMedianSeconds,
            Long firstActionP90Seconds,
            int edVisitsAvoided) {}

    private Evaluation() {}

    /** The months from {@code from} to {@code to}, both included. */
    public static List<YearMonth> months(YearMonth from, YearMonth to) {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("'to' (" + to + ") is before 'from' (" + from + ")");
        }
        List<YearMonth> months = new ArrayList<>();
        for (YearMonth m = from; !m.isAfter(to); m = m.plusMonths(1)) {
            months.add(m);
            if (months.size() > MAX_MONTHS) {
                throw new IllegalArgumentException(
                        "at most " + MAX_MONTHS + " months at a time, asked for " + from + " to " + to);
            }
        }
        return months;
    }

    /** A month as the query string gives it, {@code 2026-11}. */
    public static YearMonth month(String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException("'" + name + "' is missing (a month like 2026-11)");
        }
        try {
            return YearMonth.parse(value);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'" + name + "' must be a month like 2026-11, was '" + value + "'");
        }
    }

    /**
     * One row per team and month, teams in the given order, months ascending; a month without data has zeros.
     *
     * @param teams team id → name, in the order to show
     */
    public static List<Figures> figures(Map<String, String> teams, List<YearMonth> months, List<Aggregate> data) {
        Map<String, Aggregate> byKey = new LinkedHashMap<>();
        for (Aggregate a : data) {
            if (byKey.put(a.teamId() + "/" + a.month(), a) != null) {
                throw new IllegalArgumentException("two aggregates for " + a.teamId() + " " + a.month());
            }
        }
        List<Figures> rows = new ArrayList<>();
        teams.forEach((teamId, teamName) -> {
            for (YearMonth m : months) {
                Aggregate a = byKey.getOrDefault(teamId + "/" + m, Aggregate.empty(teamId, m));
                rows.add(new Figures(
                        teamId,
                        teamName,
                        m,
                        round(a.patientMonths(), 2),
                        a.alerts(),
                        a.patientMonths() > 0 ? round(a.alerts() / a.patientMonths(), 2) : null,
                        boxed(Percentiles.of(a.readingToAlertSeconds(), 50)),
                        boxed(Percentiles.of(a.readingToAlertSeconds(), 90)),
                        a.toAcknowledgeSeconds().size(),
                        boxed(Percentiles.of(a.toAcknowledgeSeconds(), 50)),
                        boxed(Percentiles.of(a.toAcknowledgeSeconds(), 90)),
                        a.resolved(),
                        a.noActionNeeded(),
                        ratio(a.noActionNeeded(), a.resolved()),
                        a.escalations(),
                        a.unstaffed(),
                        a.unroutable(),
                        a.outcomes(),
                        a.measurements().expected(),
                        a.measurements().taken(),
                        ratio(a.measurements().taken(), a.measurements().expected()),
                        a.discharges(),
                        a.readmissions30d(),
                        ratio(a.readmissions30d(), a.discharges()),
                        a.actions().byKind(),
                        a.actions().toFirstActionSeconds().size(),
                        boxed(Percentiles.of(a.actions().toFirstActionSeconds(), 50)),
                        boxed(Percentiles.of(a.actions().toFirstActionSeconds(), 90)),
                        a.actions().edVisitsAvoided()));
            }
        });
        return rows;
    }

    private static Double ratio(int part, int whole) {
        return whole == 0 ? null : round((double) part / whole, 3);
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    private static Long boxed(OptionalLong value) {
        return value.isPresent() ? value.getAsLong() : null;
    }
}
