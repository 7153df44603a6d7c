package io.nara.ingest.clinic;

import io.nara.protocol.careplan.PostDischarge;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The clinic's worklist: the patients a person may see, ranked by what needs attention, each with the reasons for its
 * place. Pure: a record per patient in, an ordering out. The points are in cloud-ingest/README.md; they put an open
 * urgent alert above everything else, and make a weight gain or the first days after a discharge outrank a patient
 * who merely skipped a few measurements.
 */
public final class Worklist {

    /** What is known about one patient. */
    public record Signals(
            String patientId,
            String name,
            List<String> teams,
            int urgentAlerts,
            int warningAlerts,
            int infoAlerts,
            Double weightGain3d,
            Double weightGain7d,
            Adherence.Count lastWeek,
            Integer dischargeDay,
            int postDischargeDays,
            boolean planHasPeriod) {
        public Signals {
            teams = List.copyOf(teams);
            lastWeek = lastWeek == null ? Adherence.Count.none() : lastWeek;
        }

        int openAlerts() {
            return urgentAlerts + warningAlerts + infoAlerts;
        }

        boolean postDischarge() {
            return dischargeDay != null && dischargeDay >= 1 && dischargeDay <= postDischargeDays;
        }
    }

    /** Why a patient is where it is: the points and a sentence in both languages. */
    public record Reason(String kind, int points, String sv, String en) {}

    /** A row of the worklist. */
    public record Row(Signals patient, int score, List<Reason> reasons) {}

    /** The worklist's filters, as the query string names them. */
    public enum Filter {
        OPEN_ALERTS("open-alerts"),
        POST_DISCHARGE("post-discharge"),
        MISSED("missed");

        private final String param;

        Filter(String param) {
            this.param = param;
        }

        public String param() {
            return param;
        }

        /** "open-alerts,missed" → the set; an unknown name is refused with the names that exist. */
        public static Set<Filter> parse(String value) {
            Set<Filter> filters = EnumSet.noneOf(Filter.class);
            if (value == null || value.isBlank()) {
                return filters;
            }
            for (String part : value.split(",")) {
                String name = part.trim().toLowerCase(Locale.ROOT);
                if (name.isEmpty()) {
                    continue;
                }
                filters.add(Arrays.stream(values())
                        .filter(f -> f.param.equals(name))
                        .findFirst()
                        .orElseThrow(() -> new IllegalArgumentException(
                                "unknown filter '" + part.trim() + "'; known: open-alerts, post-discharge, missed")));
            }
            return filters;
        }

        boolean accepts(Row row) {
            Signals p = row.patient();
            return switch (this) {
                case OPEN_ALERTS -> p.openAlerts() > 0;
                case POST_DISCHARGE -> p.postDischarge();
                case MISSED -> p.lastWeek().missed() > 0;
            };
        }
    }

    static final int URGENT_POINTS = 100;
    static final int WARNING_POINTS = 40;
    static final int INFO_POINTS = 10;
    static final int MISSED_POINTS = 5;
    static final int MISSED_CAP = 40;

    private Worklist() {}

    /**
     * Ranks the patients: highest score first; ties by urgent alerts, then name and id, so the order is stable.
     *
     * @param team    only patients this team cares for; null for all
     * @param filters every filter must accept a row
     */
    public static List<Row> rank(List<Signals> patients, String team, Set<Filter> filters) {
        List<Row> rows = new ArrayList<>();
        for (Signals p : patients) {
            if (team != null && !p.teams().contains(team)) {
                continue;
            }
            Row row = score(p);
            if (filters.stream().allMatch(f -> f.accepts(row))) {
                rows.add(row);
            }
        }
        rows.sort(Comparator.comparingInt(Row::score)
                .reversed()
                .thenComparing(Comparator.comparingInt((Row r) -> r.patient().urgentAlerts())
                        .reversed())
                .thenComparing(r -> r.patient().name())
                .thenComparing(r -> r.patient().patientId()));
        return rows;
    }

    /** One patient's score and reasons. */
    public static Row score(Signals p) {
        List<Reason> reasons = new ArrayList<>();
        if (p.openAlerts() > 0) {
            int points = p.urgentAlerts() * URGENT_POINTS
                    + p.warningAlerts() * WARNING_POINTS
                    + p.infoAlerts() * INFO_POINTS;
            reasons.add(new Reason(
                    "open-alerts",
                    points,
                    "Öppna larm: " + p.urgentAlerts() + " brådskande, " + p.warningAlerts() + " varning, "
                            + p.infoAlerts() + " info",
                    "Open alerts: " + p.urgentAlerts() + " urgent, " + p.warningAlerts() + " warning, " + p.infoAlerts()
                            + " info"));
        }
        int weightPoints = weightPoints(p.weightGain3d(), p.weightGain7d());
        if (weightPoints > 0) {
            reasons.add(new Reason(
                    "weight",
                    weightPoints,
                    "Viktökning " + kg(p.weightGain3d(), "sv") + " på 3 dygn, " + kg(p.weightGain7d(), "sv")
                            + " på 7 dygn",
                    "Weight gain " + kg(p.weightGain3d(), "en") + " in 3 days, " + kg(p.weightGain7d(), "en")
                            + " in 7 days"));
        }
        int missed = p.lastWeek().missed();
        if (missed > 0) {
            reasons.add(new Reason(
                    "missed",
                    Math.min(MISSED_CAP, missed * MISSED_POINTS),
                    "Missade mätningar: " + missed + " av " + p.lastWeek().expected() + " senaste 7 dygnen",
                    "Missed measurements: " + missed + " of " + p.lastWeek().expected() + " in the last 7 days"));
        }
        if (p.postDischarge()) {
            int day = p.dischargeDay();
            int points = day <= 3 ? 40 : day <= 7 ? 25 : 10;
            String sv = "Dag " + day + " av " + p.postDischargeDays() + " efter utskrivning";
            String en = "Day " + day + " of " + p.postDischargeDays() + " after discharge";
            if (!p.planHasPeriod()) {
                sv += " (vårdplanen har ingen period efter utskrivning)";
                en += " (the care plan has no post-discharge period)";
            }
            reasons.add(new Reason("post-discharge", points, sv, en));
        }
        int score = reasons.stream().mapToInt(Reason::points).sum();
        return new Row(p, score, List.copyOf(reasons));
    }

    /**
     * DOMAIN.md's thresholds: more than 2 kg in 3 days (European guidance) weighs most, more than 1 kg in 3 days
     * (stricter programmes) half; a slower gain of more than 3 kg in 7 days counts too. The largest applies.
     */
    static int weightPoints(Double gain3d, Double gain7d) {
        int points = 0;
        if (gain3d != null && gain3d > 2.0) {
            points = 60;
        } else if (gain3d != null && gain3d > 1.0) {
            points = 30;
        }
        if (gain7d != null && gain7d > 3.0) {
            points = Math.max(points, 40);
        }
        return points;
    }

    /** Where a patient is after a discharge: day 1 is the discharge day. */
    public record Discharge(int day, int periodDays, boolean planHasPeriod) {}

    /**
     * Days since the latest discharge: the care plan's post-discharge start or a discharge the team entered, whichever
     * is later; null without either, or when the plan's period starts in the future. Entering a discharge does not
     * change the plan (cloud-ingest/README.md): {@code planHasPeriod} then says whether the plan covers today.
     *
     * @param period   the plan's post-discharge period, or null
     * @param recorded the local date of the latest discharge entered, or null
     */
    public static Discharge discharge(PostDischarge period, LocalDate recorded, LocalDate today, ZoneId zone) {
        LocalDate start;
        int days;
        boolean planHasPeriod;
        if (period != null && (recorded == null || !recorded.isAfter(period.start()))) {
            start = period.start();
            days = period.days();
            planHasPeriod = true;
        } else if (recorded != null) {
            start = recorded;
            days = period != null ? period.days() : PostDischarge.DEFAULT_DAYS;
            planHasPeriod =
                    period != null && period.covers(today.atStartOfDay(zone).toInstant(), zone);
        } else {
            return null;
        }
        long day = ChronoUnit.DAYS.between(start, today) + 1;
        return day < 1 ? null : new Discharge((int) day, days, planHasPeriod);
    }

    private static String kg(Double gain, String lang) {
        if (gain == null) {
            return "–";
        }
        String s = String.format(Locale.ROOT, "%+.1f kg", gain);
        return "sv".equals(lang) ? s.replace('.', ',') : s;
    }
}
