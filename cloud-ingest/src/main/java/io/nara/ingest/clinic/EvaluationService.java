package io.nara.ingest.clinic;

import io.nara.ingest.alerting.ActionOutcome;
import io.nara.ingest.alerting.EscalationAction;
import io.nara.ingest.alerting.Outcome;
import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.auth.Principal;
import io.nara.ingest.db.Database;
import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.codec.MessageCodec;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The evaluation figures per team and month: counts, durations and patient-months aggregated in PostgreSQL, measurement
 * adherence from InfluxDB, percentiles and rates in {@link Evaluation}. Open to the members of the teams (their own
 * teams only) and the operator (all teams); one access-log entry per call names the patients behind the figures.
 */
public final class EvaluationService {

    /** The caller asked for a team that is not theirs. */
    public static final class NotYourTeam extends RuntimeException {
        public NotYourTeam(String team) {
            super("inte ditt team / not one of your teams: " + team);
        }
    }

    /** A patient's share of a team's month: the part of the month the care relation was in force (and past). */
    record Membership(String teamId, YearMonth month, String patientId, Instant from, Instant to, double share) {}

    private static final String MONTHS = """
            WITH months AS (
              SELECT t.id AS team_id, to_char(m, 'YYYY-MM') AS month,
                     (m::timestamp AT TIME ZONE t.time_zone) AS starts,
                     ((m + interval '1 month')::timestamp AT TIME ZONE t.time_zone) AS ends
              FROM care_team t, generate_series(?::date, ?::date, interval '1 month') m
              WHERE t.id = ANY (?)
            ),
            alerts AS (
              SELECT a.id, a.patient_id, m.team_id, m.month, a.origin, a.raised_at, s.opened_at, s.acknowledged_at,
                     s.outcome, f.kind AS routing
              FROM alert a JOIN alert_state s ON s.alert_id = a.id
              JOIN LATERAL (SELECT e.kind, e.to_team FROM alert_event e WHERE e.alert_id = a.id
                            AND e.kind IN ('routed', 'routed.unstaffed') ORDER BY e.id LIMIT 1) f ON true
              JOIN months m ON m.team_id = f.to_team AND a.raised_at >= m.starts AND a.raised_at < m.ends
              -- a notice (the hospital's discharge) tells the team something; it is no alert about the patient
              WHERE a.status <> 'RESOLVED' AND a.rule_id NOT LIKE 'notice.%'
            )
            """;

    private final Database db;
    private final ClinicReadings readings;
    private final WorkerExecutor influxWorker;
    private final MessageCodec codec;
    private final Clock clock;

    public EvaluationService(
            Database db, ClinicReadings readings, WorkerExecutor influxWorker, MessageCodec codec, Clock clock) {
        this.db = db;
        this.readings = readings;
        this.influxWorker = influxWorker;
        this.codec = codec;
        this.clock = clock;
    }

    /** What PostgreSQL gave, before InfluxDB adds adherence. */
    private record Gathered(
            Map<String, String> teams,
            List<YearMonth> months,
            Map<String, Evaluation.Aggregate> base,
            List<Membership> members,
            Map<String, CarePlan> plans,
            Map<String, Instant> since) {}

    public Future<List<Evaluation.Figures>> figures(
            Principal who, YearMonth from, YearMonth to, String team, String action) {
        List<YearMonth> months = Evaluation.months(from, to);
        Instant now = clock.instant();
        return db.transaction(c -> gather(c, who, months, team, now, action))
                .compose(g -> influxWorker.executeBlocking(() -> withAdherence(g, now), false));
    }

    private Gathered gather(
            Connection c, Principal who, List<YearMonth> months, String team, Instant now, String action)
            throws SQLException {
        Map<String, String> teams = teams(c, who, team);
        Object[] teamIds = teams.keySet().toArray();
        Map<String, Evaluation.Aggregate> base = new HashMap<>();
        Set<String> patients = new TreeSet<>();
        Date first = Date.valueOf(months.get(0).atDay(1));
        Date last = Date.valueOf(months.get(months.size() - 1).atDay(1));
        try (PreparedStatement q = c.prepareStatement(MONTHS + """
                SELECT team_id, month, count(*) AS alerts,
                  coalesce(array_agg(greatest(0, round(extract(epoch FROM opened_at - raised_at)))::bigint)
                           FILTER (WHERE origin = 'HUB'), '{}') AS reading_to_alert_seconds,
                  coalesce(array_agg(round(extract(epoch FROM acknowledged_at - opened_at))::bigint)
                           FILTER (WHERE acknowledged_at IS NOT NULL), '{}') AS to_acknowledge_seconds,
                  count(*) FILTER (WHERE outcome IS NOT NULL) AS resolved,
                  count(*) FILTER (WHERE outcome = 'NO_ACTION_NEEDED') AS no_action_needed,
                  (SELECT count(*) FROM alert_event e WHERE e.alert_id = ANY (array_agg(alerts.id))
                     AND e.kind IN ('escalated', 'escalated.by-person')) AS escalations,
                  count(*) FILTER (WHERE routing = 'routed.unstaffed') AS unstaffed,
                  coalesce((SELECT jsonb_object_agg(o.outcome, o.n)::text FROM (
                     SELECT x.outcome, count(*) AS n FROM alerts x WHERE x.team_id = alerts.team_id
                       AND x.month = alerts.month AND x.outcome IS NOT NULL GROUP BY x.outcome) o), '{}') AS outcomes,
                  array_agg(DISTINCT patient_id) AS patients
                FROM alerts GROUP BY team_id, month""")) {
            bind(c, q, first, last, teamIds);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    YearMonth month = YearMonth.parse(r.getString("month"));
                    Map<String, Integer> outcomes = new HashMap<>();
                    new JsonObject(r.getString("outcomes"))
                            .forEach(e -> outcomes.put(e.getKey(), ((Number) e.getValue()).intValue()));
                    patients.addAll(List.of((String[]) r.getArray("patients").getArray()));
                    String teamId = r.getString("team_id");
                    base.put(
                            teamId + "/" + month,
                            new Evaluation.Aggregate(
                                    teamId,
                                    month,
                                    0,
                                    r.getInt("alerts"),
                                    longs(r.getArray("reading_to_alert_seconds")),
                                    longs(r.getArray("to_acknowledge_seconds")),
                                    r.getInt("resolved"),
                                    r.getInt("no_action_needed"),
                                    r.getInt("escalations"),
                                    r.getInt("unstaffed"),
                                    0,
                                    outcomes,
                                    Adherence.Count.none(),
                                    0,
                                    0,
                                    ActionFigures.Count.none()));
                }
            }
        }
        // The actions taken on the same alerts (their patients are already named above), counted in ActionFigures.
        Map<String, List<ActionFigures.AlertActions>> acted = new LinkedHashMap<>();
        try (PreparedStatement q = c.prepareStatement(MONTHS + """
                SELECT x.team_id, x.month, x.id, x.outcome,
                  array_agg(c.kind ORDER BY c.id) AS kinds,
                  array_agg(coalesce(c.outcome, '') ORDER BY c.id) AS outcomes,
                  array_agg(round(extract(epoch FROM c.taken_at - x.opened_at))::bigint ORDER BY c.id) AS seconds
                FROM alerts x JOIN alert_action c ON c.alert_id = x.id
                GROUP BY x.team_id, x.month, x.id, x.outcome ORDER BY 1, 2, 3""")) {
            bind(c, q, first, last, teamIds);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    String[] kinds = (String[]) r.getArray("kinds").getArray();
                    String[] outcomes = (String[]) r.getArray("outcomes").getArray();
                    List<Long> seconds = longs(r.getArray("seconds"));
                    List<ActionFigures.Taken> taken = new ArrayList<>();
                    for (int k = 0; k < kinds.length; k++) {
                        taken.add(new ActionFigures.Taken(
                                EscalationAction.valueOf(kinds[k]),
                                outcomes[k].isEmpty() ? null : ActionOutcome.valueOf(outcomes[k]),
                                seconds.get(k)));
                    }
                    String outcome = r.getString("outcome");
                    acted.computeIfAbsent(r.getString("team_id") + "/" + r.getString("month"), k -> new ArrayList<>())
                            .add(new ActionFigures.AlertActions(
                                    r.getLong("id"), outcome == null ? null : Outcome.valueOf(outcome), taken));
                }
            }
        }
        acted.forEach((key, alerts) ->
                base.put(key, base.getOrDefault(key, empty(key)).withActions(ActionFigures.count(alerts))));
        List<Membership> members = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement(MONTHS + """
                SELECT m.team_id, m.month, r.patient_id, greatest(r.valid_from, m.starts) AS cared_from,
                       least(coalesce(r.valid_to, 'infinity'), m.ends, ?) AS cared_to,
                       extract(epoch FROM least(coalesce(r.valid_to, 'infinity'), m.ends, ?)
                                          - greatest(r.valid_from, m.starts))
                         / extract(epoch FROM m.ends - m.starts) AS month_share
                FROM months m JOIN care_relation r ON r.team_id = m.team_id
                  AND r.valid_from < least(m.ends, ?) AND (r.valid_to IS NULL OR r.valid_to > m.starts)
                ORDER BY 1, 2, 3""")) {
            int i = bind(c, q, first, last, teamIds);
            for (int k = 0; k < 3; k++) {
                q.setTimestamp(i + k, Timestamp.from(now));
            }
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    members.add(new Membership(
                            r.getString("team_id"),
                            YearMonth.parse(r.getString("month")),
                            r.getString("patient_id"),
                            r.getTimestamp("cared_from").toInstant(),
                            r.getTimestamp("cared_to").toInstant(),
                            r.getDouble("month_share")));
                    patients.add(r.getString("patient_id"));
                }
            }
        }
        Map<String, int[]> readmissions = new HashMap<>();
        try (PreparedStatement q = c.prepareStatement(MONTHS + """
                SELECT m.team_id, m.month, count(DISTINCT d.id) AS discharges,
                  count(DISTINCT d.id) FILTER (WHERE EXISTS (SELECT 1 FROM admission n
                    WHERE n.patient_id = d.patient_id AND n.admitted_at > d.discharged_at
                      AND n.admitted_at <= d.discharged_at + interval '30 days')) AS readmissions,
                  array_agg(DISTINCT d.patient_id) AS patients
                FROM admission d JOIN months m ON d.discharged_at >= m.starts AND d.discharged_at < m.ends
                JOIN care_relations_at(d.discharged_at) r ON r.patient_id = d.patient_id AND r.team_id = m.team_id
                GROUP BY 1, 2""")) {
            bind(c, q, first, last, teamIds);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    readmissions.put(
                            r.getString("team_id") + "/" + r.getString("month"),
                            new int[] {r.getInt("discharges"), r.getInt("readmissions")});
                    patients.addAll(List.of((String[]) r.getArray("patients").getArray()));
                }
            }
        }
        readmissions.forEach(
                (key, n) -> base.put(key, base.getOrDefault(key, empty(key)).withStays(n[0], n[1])));
        // No care relation was in force, so no team was routed to: the alert counts for the team that cared for the
        // patient last (the relation that began before the alert and ended latest), so a team sees the patients it
        // let go without a successor.
        try (PreparedStatement q = c.prepareStatement(MONTHS + """
                SELECT m.team_id, m.month, count(*) AS unroutable, array_agg(DISTINCT a.patient_id) AS patients
                FROM alert a
                JOIN LATERAL (SELECT r.team_id FROM care_relation r WHERE r.patient_id = a.patient_id
                                AND r.valid_from <= a.raised_at
                              ORDER BY coalesce(r.valid_to, 'infinity') DESC, r.valid_from DESC LIMIT 1) last ON true
                JOIN months m ON m.team_id = last.team_id AND a.raised_at >= m.starts AND a.raised_at < m.ends
                WHERE a.status <> 'RESOLVED'
                  AND EXISTS (SELECT 1 FROM alert_event e WHERE e.alert_id = a.id AND e.kind = 'route.unroutable')
                GROUP BY 1, 2""")) {
            bind(c, q, first, last, teamIds);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    String key = r.getString("team_id") + "/" + r.getString("month");
                    base.put(key, base.getOrDefault(key, empty(key)).withUnroutable(r.getInt("unroutable")));
                    patients.addAll(List.of((String[]) r.getArray("patients").getArray()));
                }
            }
        }
        Map<String, CarePlan> plans = new HashMap<>();
        Map<String, Instant> since = new HashMap<>();
        try (PreparedStatement q = c.prepareStatement(
                "SELECT patient_id, document::text AS document, since FROM care_plan WHERE patient_id = ANY (?)")) {
            q.setArray(1, c.createArrayOf("text", patients.toArray()));
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    plans.put(
                            r.getString("patient_id"),
                            codec.decode(r.getString("document").getBytes(StandardCharsets.UTF_8), CarePlan.class));
                    since.put(r.getString("patient_id"), r.getTimestamp("since").toInstant());
                }
            }
        }
        AccessLog.record(
                c,
                who.actor(),
                action,
                patients,
                "teams=" + teams.keySet() + " months=" + months.get(0) + ".." + months.get(months.size() - 1));
        return new Gathered(teams, months, base, members, plans, since);
    }

    /** Blocking (InfluxDB): adds adherence and patient-months, then the figures. */
    private List<Evaluation.Figures> withAdherence(Gathered g, Instant now) {
        List<String> patients = g.members().stream()
                .map(Membership::patientId)
                .distinct()
                .filter(g.plans()::containsKey)
                .toList();
        Map<String, Map<String, List<Instant>>> measured = Map.of();
        if (!patients.isEmpty()) {
            Instant from = g.members().stream()
                    .map(Membership::from)
                    .min(Instant::compareTo)
                    .orElseThrow();
            Instant to = g.members().stream()
                    .map(Membership::to)
                    .max(Instant::compareTo)
                    .orElseThrow();
            measured = readings.measuredHours(patients, from, to);
        }
        Map<String, Double> patientMonths = new HashMap<>();
        Map<String, Adherence.Count> adherence = new HashMap<>();
        for (Membership m : g.members()) {
            String key = m.teamId() + "/" + m.month();
            patientMonths.merge(key, m.share(), Double::sum);
            CarePlan plan = g.plans().get(m.patientId());
            if (plan == null) {
                continue;
            }
            adherence.merge(
                    key,
                    Adherence.ofPlan(
                            plan,
                            m.from(),
                            m.to(),
                            g.since().get(m.patientId()),
                            measured.getOrDefault(m.patientId(), Map.of())),
                    Adherence.Count::plus);
        }
        Map<String, Evaluation.Aggregate> all = new LinkedHashMap<>(g.base());
        for (String key : patientMonths.keySet()) {
            all.putIfAbsent(key, empty(key));
        }
        List<Evaluation.Aggregate> data = new ArrayList<>();
        all.forEach((key, a) -> data.add(a.withPatients(
                patientMonths.getOrDefault(key, 0.0), adherence.getOrDefault(key, Adherence.Count.none()))));
        return Evaluation.figures(g.teams(), g.months(), data);
    }

    /** An empty aggregate for a {@code team/month} key. */
    private static Evaluation.Aggregate empty(String key) {
        String[] parts = key.split("/");
        return Evaluation.Aggregate.empty(parts[0], YearMonth.parse(parts[1]));
    }

    /** The teams the caller may see figures of, id → name: the operator all, a person their own. */
    private static Map<String, String> teams(Connection c, Principal who, String team) throws SQLException {
        Map<String, String> teams = new LinkedHashMap<>();
        try (PreparedStatement q = c.prepareStatement("SELECT id, name FROM care_team ORDER BY name, id");
                ResultSet r = q.executeQuery()) {
            while (r.next()) {
                if (who.operator() || who.teams().contains(r.getString("id"))) {
                    teams.put(r.getString("id"), r.getString("name"));
                }
            }
        }
        if (team != null) {
            if (!teams.containsKey(team)) {
                throw new NotYourTeam(team);
            }
            return Map.of(team, teams.get(team));
        }
        return teams;
    }

    private static int bind(Connection c, PreparedStatement q, Date first, Date last, Object[] teams)
            throws SQLException {
        q.setDate(1, first);
        q.setDate(2, last);
        q.setArray(3, c.createArrayOf("text", teams));
        return 4;
    }

    private static List<Long> longs(Array array) throws SQLException {
        List<Long> out = new ArrayList<>();
        for (Object o : (Object[]) array.getArray()) {
            out.add(((Number) o).longValue());
        }
        return out;
    }
}
