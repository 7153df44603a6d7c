package io.nara.ingest.inbox;

import io.nara.ingest.careplan.CarePlanService;
import io.nara.ingest.contact.PatientContact;
import io.nara.ingest.enrolment.NationalId;
import io.nara.ingest.observation.Evidence;
import io.nara.ingest.patient.PatientRoutes;
import io.nara.ingest.patient.Thresholds;
import io.nara.ingest.web.Signal;
import io.nara.protocol.vocabulary.ClinicalCode;
import io.nara.protocol.vocabulary.Vocabulary;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What the alert card shows beyond the alert itself, so that the nurse can act without opening another page: who the
 * patient is and how to reach her and her named care contact, the newest reading of each of her signals, and a 48-hour
 * chart of the alert's signal with the threshold of the rule that raised it, taken from the plan version the alert
 * names. Read with the alert detail, under its one access-log entry.
 */
public final class AlertCard {

    /** The chart's span: two days, enough to see a night, a morning and the trend into the alert. */
    static final Duration CHART_SPAN = Duration.ofHours(48);
    /** How far past the alert the chart reaches at most: did the value return to normal afterwards? */
    static final Duration AFTER_ALERT = Duration.ofHours(24);

    private static final ZoneId SWEDEN = ZoneId.of("Europe/Stockholm");
    private static final List<String> ORDER = PatientRoutes.SIGNAL_ORDER;
    private static final Comparator<String> SIGNAL_FIRST = Comparator.comparingInt(
                    (String code) -> ORDER.contains(code) ? ORDER.indexOf(code) : ORDER.size())
            .thenComparing(Comparator.naturalOrder());

    /**
     * The patient as the card names her: {@code age} in whole years from her personnummer (null for a reserve number
     * or a patient without one).
     */
    public record Patient(String id, String name, Integer age, PatientContact contact) {}

    /** One signal's newest reading, named in both languages. */
    public record Reading(String code, Signal signal, String unit, double value, Instant at) {}

    /**
     * The alert's signal over [from, to], with the lines of the rule that raised the alert in plan version
     * {@code planVersion} (another threshold rule of the signal's if that rule has no line; none without a plan).
     */
    public record Chart(
            String code,
            Signal signal,
            String unit,
            Instant from,
            Instant to,
            Integer planVersion,
            List<Thresholds.Threshold> thresholds,
            List<Evidence.Point> points) {}

    /** The plan's part of the chart, read from PostgreSQL before InfluxDB is asked for the points. */
    record Lines(Integer planVersion, List<Thresholds.Threshold> thresholds) {}

    private AlertCard() {}

    static Patient patient(Connection c, InboxItem alert, Instant now) throws SQLException {
        return new Patient(
                alert.patientId(),
                alert.patientName(),
                age(c, alert.patientId(), LocalDate.ofInstant(now, SWEDEN)).orElse(null),
                PatientContact.read(c, alert.patientId()).orElse(null));
    }

    /**
     * The patient's age in whole years on {@code today}, from her personnummer or samordningsnummer; empty for a
     * reserve number or a patient without a number (imported with the organisation).
     */
    private static Optional<Integer> age(Connection c, String patientId, LocalDate today) throws SQLException {
        try (PreparedStatement q =
                c.prepareStatement("SELECT national_id, national_id_kind FROM patient WHERE id = ?")) {
            q.setString(1, patientId);
            try (ResultSet r = q.executeQuery()) {
                if (!r.next() || r.getString("national_id") == null) {
                    return Optional.empty();
                }
                return new NationalId(
                                NationalId.Kind.valueOf(r.getString("national_id_kind")), r.getString("national_id"))
                        .age(today);
            }
        }
    }

    /**
     * The threshold lines of the alert's rule in the plan version the alert names (a hub names it as {@code "3"} or
     * {@code "v3"}); if the cloud has no such version, the plan in force, which the chart then names.
     */
    static Lines lines(Connection c, CarePlanService plans, InboxItem alert) throws SQLException {
        Optional<Integer> named = version(alert.carePlanVersion());
        Optional<CarePlanService.PlanVersion> plan =
                named.isEmpty() ? Optional.empty() : plans.version(c, alert.patientId(), named.get());
        if (plan.isEmpty()) {
            plan = plans.current(c, alert.patientId());
        }
        if (plan.isEmpty() || alert.code() == null) {
            return new Lines(null, List.of());
        }
        List<Thresholds.Threshold> ofCode =
                Thresholds.byCode(plan.get().plan(), alert.raisedAt()).getOrDefault(alert.code(), List.of());
        List<Thresholds.Threshold> ofRule =
                ofCode.stream().filter(t -> t.ruleId().equals(alert.ruleId())).toList();
        return new Lines(plan.get().version(), ofRule.isEmpty() ? ofCode : ofRule);
    }

    /**
     * The chart's window: 48 hours ending at least an hour after the alert and at most a day after it, at now when
     * now lies between, so the alert always shows with a day or more before it.
     */
    static Instant[] window(Instant raisedAt, Instant now) {
        Instant earliestEnd = raisedAt.plus(Duration.ofHours(1));
        Instant latestEnd = raisedAt.plus(AFTER_ALERT);
        Instant end = now.isBefore(earliestEnd) ? earliestEnd : now.isAfter(latestEnd) ? latestEnd : now;
        return new Instant[] {end.minus(CHART_SPAN), end};
    }

    /** Blocking (InfluxDB): the chart of the alert's signal. */
    static Chart chart(Evidence evidence, InboxItem alert, Lines lines, Instant now) {
        Instant[] window = window(alert.raisedAt(), now);
        String unit = alert.unit() != null
                ? alert.unit()
                : Vocabulary.byCode(alert.code()).map(ClinicalCode::ucum).orElse(null);
        return new Chart(
                alert.code(),
                alert.code() == null ? null : Signal.of(alert.code()),
                unit,
                window[0],
                window[1],
                lines.planVersion(),
                lines.thresholds(),
                evidence.readings(alert.patientId(), alert.code(), window[0], window[1]));
    }

    /** Blocking (InfluxDB): the newest reading of each of the patient's signals, in the patient page's order. */
    static List<Reading> latest(Evidence evidence, String patientId, Instant now) {
        return evidence.latest(patientId, now).stream()
                .sorted(Comparator.comparing(Evidence.Latest::code, SIGNAL_FIRST))
                .map(l -> new Reading(l.code(), Signal.of(l.code()), l.unit(), l.value(), l.at()))
                .toList();
    }

    /** The number in a plan version as a hub or the cloud names it ("3", "v3"); empty if there is none. */
    static Optional<Integer> version(String named) {
        if (named == null) {
            return Optional.empty();
        }
        String digits = named.trim().replaceFirst("^[vV]", "");
        try {
            return Optional.of(Integer.parseInt(digits));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
