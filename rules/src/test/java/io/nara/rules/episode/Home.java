package io.nara.rules.episode;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.vocabulary.Vocabulary;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/** A patient's home in a test: feeds readings through the engine as a hub would and writes down what the nurse sees. */
final class Home {

    static final Instant MONDAY = Instant.parse("2026-11-23T06:30:00Z"); // 07:30 in Stockholm

    private final CarePlanEngine engine = new CarePlanEngine();
    private final CarePlan plan;
    private PatientState state = PatientState.empty();
    private long seq = 1;
    final List<AlertEvent> events = new ArrayList<>();

    Home(CarePlan plan) {
        this.plan = plan;
    }

    static Observation obs(
            long seq, String patient, String device, String code, Double value, Instant at, ObservationFlag... flags) {
        EnumSet<ObservationFlag> set = EnumSet.noneOf(ObservationFlag.class);
        set.addAll(List.of(flags));
        if (value == null) {
            set.add(ObservationFlag.MEASUREMENT_FAILED);
        }
        String unit = Vocabulary.byCode(code).orElseThrow().ucum();
        return new Observation(seq, patient, device, code, value, unit, at, at, set);
    }

    /** A reading taken at {@code at} and received at once. */
    Home read(String device, String code, Double value, Instant at, ObservationFlag... flags) {
        return receive(obs(seq++, plan.patientId(), device, code, value, at, flags), at);
    }

    Home receive(Observation o, Instant now) {
        Evaluation e = engine.evaluate(plan, state, o, now);
        state = e.state();
        events.addAll(e.events());
        return this;
    }

    PatientState state() {
        return state;
    }

    /** The events as the nurse's list shows them: status, rule, severity, value. */
    List<String> seen() {
        return events.stream().map(Home::line).toList();
    }

    static String line(AlertEvent e) {
        return e.status() + " " + e.ruleId() + " " + e.severity()
                + (e.value() == null ? "" : " " + String.format(Locale.ROOT, "%.1f", e.value()));
    }

    static Instant day(int n, int hourUtc) {
        return MONDAY.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(n)).plus(Duration.ofHours(hourUtc));
    }
}
