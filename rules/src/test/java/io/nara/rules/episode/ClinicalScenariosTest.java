package io.nara.rules.episode;

import static io.nara.rules.episode.Home.day;
import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.CarePlanTemplate;
import io.nara.protocol.careplan.PostDischarge;
import io.nara.protocol.careplan.ThresholdRule;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.AlertStatus;
import io.nara.protocol.message.ObservationFlag;
import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Clinical scenarios on the DOMAIN.md template, each with the exact alerts raised and resolved, in order. Lines read
 * "status rule severity value".
 */
class ClinicalScenariosTest {

    static final String WEIGHT = "29463-7";
    static final String SYS = "8480-6";
    static final String DIA = "8462-4";
    static final String HR = "8867-4";
    static final String DYSPNOEA = "267036007";
    static final String CHEST_PAIN = "29857009";
    static final MessageCodec CODEC = new MessageCodec();
    static final CarePlan TEMPLATE = CarePlanTemplate.heartFailure(CODEC, "p1");

    static CarePlan dischargedOn(LocalDate day) {
        return new CarePlan(
                "p1",
                "4",
                TEMPLATE.rules(),
                TEMPLATE.expected(),
                new PostDischarge(day, 30, TEMPLATE.postDischarge().rules()),
                null,
                null,
                null);
    }

    record Scenario(String name, CarePlan plan, Consumer<Home> steps, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Scenario> scenarios() {
        return Stream.of(
                new Scenario(
                        "a week of daily weights with a 2.3 kg rise over 3 days",
                        TEMPLATE,
                        h -> {
                            double[] kg = {80.0, 80.1, 79.9, 80.6, 81.4, 82.2, 82.3, 81.5};
                            for (int d = 0; d < kg.length; d++) {
                                h.read("scale", WEIGHT, kg[d], day(d, 6));
                            }
                        },
                        List.of("RAISED weight-gain-3d WARNING 82.2", "RESOLVED weight-gain-3d INFO 81.5")),
                new Scenario(
                        "the same 1.4 kg rise: alert only inside the post-discharge period",
                        dischargedOn(LocalDate.parse("2026-11-23")),
                        h -> {
                            double[] kg = {70.0, 70.4, 70.9, 71.4};
                            for (int d = 0; d < kg.length; d++) {
                                h.read("scale", WEIGHT, kg[d], day(d, 6));
                            }
                            for (int d = 0; d < kg.length; d++) { // six weeks later, after the period
                                h.read("scale", WEIGHT, kg[d] - 0.5, day(42 + d, 6));
                            }
                        },
                        List.of("RAISED weight-gain-3d WARNING 71.4", "RESOLVED weight-gain-3d INFO 69.5")),
                new Scenario(
                        "a worse reading in an open episode raises its severity, once",
                        TEMPLATE,
                        h -> h.read("cuff", SYS, 88.0, day(0, 6))
                                .read("cuff", SYS, 86.0, day(0, 8))
                                .read("cuff", SYS, 78.0, day(0, 10))
                                .read("cuff", SYS, 85.0, day(0, 12))
                                .read("cuff", SYS, 118.0, day(0, 14)),
                        List.of(
                                "RAISED systolic-low WARNING 88.0",
                                "ESCALATED systolic-very-low URGENT 78.0",
                                "RESOLVED systolic-very-low INFO 118.0")),
                new Scenario(
                        "low pressure with a fast pulse from one cuff measurement",
                        TEMPLATE,
                        h -> h.read("cuff", SYS, 86.0, day(0, 6))
                                .read("cuff", DIA, 55.0, day(0, 6))
                                .read("cuff", HR, 104.0, day(0, 6)),
                        List.of(
                                "RAISED systolic-low WARNING 86.0",
                                "RAISED heart-rate-high WARNING 104.0",
                                "RAISED hypotension-tachycardia URGENT 104.0")),
                new Scenario(
                        "a NaN cuff reading: no value alert; repeated failures ask for the device",
                        TEMPLATE,
                        h -> h.read("cuff", SYS, 84.0, day(0, 6))
                                .read("cuff", SYS, null, day(0, 7))
                                .read("cuff", DIA, null, day(0, 7))
                                .read("cuff", SYS, null, day(0, 8))
                                .read("cuff", SYS, 300.0, day(0, 9), ObservationFlag.IMPLAUSIBLE)
                                .read("cuff", SYS, 121.0, day(0, 10)),
                        List.of(
                                "RAISED systolic-low WARNING 84.0", "RAISED device-attention INFO",
                                "RESOLVED systolic-low INFO 121.0", "RESOLVED device-attention INFO")),
                new Scenario(
                        "a single NaN cuff reading raises nothing",
                        TEMPLATE,
                        h -> h.read("cuff", SYS, null, day(0, 7)).read("cuff", DIA, null, day(0, 7)),
                        List.of()),
                new Scenario(
                        "stale data never re-raises: re-sent and days-old records after a resolution",
                        TEMPLATE,
                        h -> h.read("cuff", SYS, 84.0, day(0, 6))
                                .read("cuff", SYS, 120.0, day(0, 8))
                                .read("cuff", SYS, 84.0, day(0, 6)) // re-sent record
                                .receive(Home.obs(90, "p1", "cuff-2", SYS, 82.0, day(-3, 6)), day(0, 9)) // 3 days old
                                .receive(Home.obs(91, "p1", "cuff-2", SYS, 81.0, day(0, 7)), day(2, 9)), // old by now
                        List.of("RAISED systolic-low WARNING 84.0", "RESOLVED systolic-low INFO 120.0")),
                new Scenario(
                        "another patient's reading never reaches this plan",
                        TEMPLATE,
                        h -> h.receive(Home.obs(5, "p2", "cuff", SYS, 70.0, day(0, 6)), day(0, 6)),
                        List.of()),
                new Scenario(
                        "daily symptom answers: breathless two mornings, then not; chest pain is urgent at once",
                        TEMPLATE,
                        h -> h.read("tablet", DYSPNOEA, 0.0, day(0, 8))
                                .read("tablet", DYSPNOEA, 1.0, day(1, 8))
                                .read("tablet", DYSPNOEA, 1.0, day(2, 8))
                                .read("tablet", DYSPNOEA, 0.0, day(3, 8))
                                .read("staff", CHEST_PAIN, 1.0, day(3, 14)),
                        List.of(
                                "RAISED symptom-dyspnoea WARNING 1.0",
                                "RESOLVED symptom-dyspnoea INFO 0.0",
                                "RAISED symptom-chest-pain URGENT 1.0")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void raisesAndResolvesExactlyTheseAlerts(Scenario scenario) {
        Home home = new Home(scenario.plan());
        scenario.steps().accept(home);
        assertThat(home.seen()).containsExactlyElementsOf(scenario.expected());
    }

    @Test
    void anAlertNamesItsEpisodeThePlanVersionTheEvidenceAndWhoRespondsFirst() {
        Home home = new Home(TEMPLATE);
        double[] kg = {80.0, 80.1, 79.9, 80.6, 81.4, 82.2, 82.3, 81.5};
        for (int d = 0; d < kg.length; d++) {
            home.read("scale", WEIGHT, kg[d], day(d, 6));
        }
        AlertEvent raised = home.events.get(0);
        AlertEvent resolved = home.events.get(1);
        assertThat(raised.episode()).isEqualTo("weight-gain@" + day(5, 6) + "#6");
        assertThat(resolved.episode()).isEqualTo(raised.episode());
        assertThat(raised.message())
                .isEqualTo("Viktökning över 2 kg på 3 dagar / Weight gain over 2 kg in 3 days (79.9 → 82.2 kg, +2.3)");
        assertThat(resolved.message()).startsWith("Åter inom gränserna / Back within limits: Viktökning");
        assertThat(raised.carePlanVersion()).isEqualTo("1");
        assertThat(raised.observationSeq()).isEqualTo(6);
        assertThat(raised.escalateAfter()).isEqualTo(Duration.ofHours(4));
        assertThat(resolved.status()).isEqualTo(AlertStatus.RESOLVED);
        assertThat(resolved.escalateAfter()).isNull();
    }

    @Test
    void removingARuleFromThePlanClosesItsOpenEpisode() {
        CarePlan strict = new CarePlan(
                "p1", "1", List.of(new ThresholdRule("sys-low", SYS, 90.0, null, Severity.URGENT, "low", null, null)));
        CarePlanEngine engine = new CarePlanEngine();
        Evaluation first = engine.evaluate(
                strict, PatientState.empty(), Home.obs(1, "p1", "cuff", SYS, 80.0, day(0, 6)), day(0, 6));
        Evaluation second = engine.evaluate(
                new CarePlan("p1", "2", List.of()),
                first.state(),
                Home.obs(2, "p1", "cuff", SYS, 80.0, day(0, 7)),
                day(0, 7));
        assertThat(second.events()).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(AlertStatus.RESOLVED);
            assertThat(e.episode()).isEqualTo(first.events().get(0).episode());
            assertThat(e.carePlanVersion()).isEqualTo("2");
        });
        assertThat(second.closed()).containsExactly("sys-low");
    }
}
