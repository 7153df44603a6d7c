package io.nara.rules.silence;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.CarePlanTemplate;
import io.nara.protocol.codec.MessageCodec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The cloud's silence rules on the template: which hold at a given moment, with the episode each belongs to. */
class SilenceScenariosTest {

    static final CarePlan PLAN = CarePlanTemplate.heartFailure(new MessageCodec(), "p1");
    static final Instant SINCE = Instant.parse("2026-11-01T00:00:00Z");
    static final String WEIGHT = "29463-7";

    record Case(
            String name,
            Instant hubLastSeen,
            boolean offline,
            Map<String, Instant> last,
            List<SilenceFacts.DeviceFacts> devices,
            Instant now,
            List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Instant t(String s) {
        return Instant.parse(s);
    }

    static Stream<Case> cases() {
        var scale = new SilenceFacts.DeviceFacts("scale", t("2026-11-23T07:00:00Z"), 80, null);
        var weighedMonday = Map.of(WEIGHT, t("2026-11-23T07:00:00Z"));
        return Stream.of(
                new Case(
                        "hub heard 20 minutes ago: nothing",
                        t("2026-11-24T08:00:00Z"),
                        false,
                        weighedMonday,
                        List.of(scale),
                        t("2026-11-24T08:20:00Z"),
                        List.of()),
                new Case(
                        "hub goes silent for 30 minutes: hub offline, and nothing about the weight it may hold",
                        t("2026-11-24T10:00:00Z"),
                        true,
                        weighedMonday,
                        List.of(scale),
                        t("2026-11-24T10:30:00Z"),
                        List.of("hub-offline@2026-11-24T10:00:00Z")),
                new Case(
                        "patient weighed Monday; Tuesday 11:01 in Stockholm: weight missing since Tuesday 11:00",
                        t("2026-11-24T10:01:00Z"),
                        false,
                        weighedMonday,
                        List.of(scale),
                        t("2026-11-24T10:01:00Z"),
                        List.of("weight-missing@2026-11-24T10:00:00Z")),
                new Case(
                        "Tuesday 10:59 in Stockholm: not yet missing",
                        t("2026-11-24T09:59:00Z"),
                        false,
                        weighedMonday,
                        List.of(scale),
                        t("2026-11-24T09:59:00Z"),
                        List.of()),
                new Case(
                        "still not weighing on Wednesday: the same episode, not a new one; no readings for 48 h",
                        t("2026-11-25T12:00:00Z"),
                        false,
                        weighedMonday,
                        List.of(scale),
                        t("2026-11-25T12:00:00Z"),
                        List.of("weight-missing@2026-11-24T10:00:00Z", "no-readings@2026-11-25T07:00:00Z")),
                new Case(
                        "no readings at all for 48 hours, scale silent 3 days",
                        t("2026-11-26T08:00:00Z"),
                        false,
                        weighedMonday,
                        List.of(scale),
                        t("2026-11-26T08:00:00Z"),
                        List.of(
                                "weight-missing@2026-11-24T10:00:00Z",
                                "no-readings@2026-11-25T07:00:00Z",
                                "device-silent/scale@2026-11-26T07:00:00Z")),
                new Case(
                        "a low battery",
                        t("2026-11-23T08:00:00Z"),
                        false,
                        weighedMonday,
                        List.of(new SilenceFacts.DeviceFacts(
                                "scale", t("2026-11-23T07:00:00Z"), 15, t("2026-11-23T07:30:00Z"))),
                        t("2026-11-23T08:00:00Z"),
                        List.of("device-battery-low/scale@2026-11-23T07:30:00Z")),
                new Case(
                        "a patient who has never measured: missing since the first deadline after the plan began, "
                                + "no readings since 48 h after it began, the never-used scale silent 3 days after it began",
                        t("2026-11-04T08:00:00Z"),
                        false,
                        Map.of(),
                        List.of(new SilenceFacts.DeviceFacts("scale", null, null, null)),
                        t("2026-11-04T08:00:00Z"),
                        List.of(
                                "weight-missing@2026-11-01T10:00:00Z",
                                "no-readings@2026-11-03T00:00:00Z",
                                "device-silent/scale@2026-11-04T00:00:00Z")),
                new Case(
                        "a patient who has never measured, a day after the plan began: only the missed weight",
                        t("2026-11-02T08:00:00Z"),
                        false,
                        Map.of(),
                        List.of(new SilenceFacts.DeviceFacts("scale", null, null, null)),
                        t("2026-11-02T08:00:00Z"),
                        List.of("weight-missing@2026-11-01T10:00:00Z")),
                new Case(
                        "a battery at exactly the limit is not low",
                        t("2026-11-23T08:00:00Z"),
                        false,
                        weighedMonday,
                        List.of(new SilenceFacts.DeviceFacts(
                                "scale", t("2026-11-23T07:00:00Z"), 20, t("2026-11-23T07:30:00Z"))),
                        t("2026-11-23T08:00:00Z"),
                        List.of()),
                new Case(
                        "a hub last heard exactly 30 minutes ago is offline",
                        t("2026-11-24T08:00:00Z"),
                        false,
                        weighedMonday,
                        List.of(scale),
                        t("2026-11-24T08:30:00Z"),
                        List.of("hub-offline@2026-11-24T08:00:00Z")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theseRulesHold(Case c) {
        SilenceFacts facts = new SilenceFacts(PLAN, SINCE, c.hubLastSeen(), c.offline(), c.last(), c.devices());
        assertThat(new SilenceEvaluator().evaluate(facts, c.now()))
                .extracting(SilenceFinding::episodeId)
                .containsExactlyElementsOf(c.expected());
    }
}
