package io.nara.rules.silence;

import static org.assertj.core.api.Assertions.assertThat;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.CarePlanTemplate;
import io.nara.protocol.careplan.LowBatteryRule;
import io.nara.protocol.careplan.MissingMeasurementRule;
import io.nara.protocol.codec.MessageCodec;
import io.nara.protocol.message.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the nurse reads about a silence, and the silences that must or must not be reported in the cases the template
 * scenarios leave out: a hub never heard, a plan without its own hub rule, a device never used, a battery whose time
 * is unknown, a plan begun after the day's deadline.
 */
class SilenceDetailsTest {

    static final CarePlan TEMPLATE = CarePlanTemplate.heartFailure(new MessageCodec(), "p1");
    static final Instant SINCE = Instant.parse("2026-11-01T00:00:00Z");
    static final String WEIGHT = "29463-7";
    static final String SYS = "8480-6";

    static Instant t(String s) {
        return Instant.parse(s);
    }

    static List<SilenceFinding> evaluate(
            CarePlan plan,
            Instant planSince,
            Instant hubLastSeen,
            boolean offline,
            Map<String, Instant> last,
            List<SilenceFacts.DeviceFacts> devices,
            Instant now) {
        return new SilenceEvaluator()
                .evaluate(new SilenceFacts(plan, planSince, hubLastSeen, offline, last, devices), now);
    }

    @Test
    void anOfflineHubSaysWhenItWasLastHeardAndWhetherItsConnectionDropped() {
        var weighed = Map.of(WEIGHT, t("2026-11-24T07:00:00Z"));
        List<SilenceFinding> dropped = evaluate(
                TEMPLATE, SINCE, t("2026-11-24T10:00:00Z"), true, weighed, List.of(), t("2026-11-24T10:40:00Z"));
        assertThat(dropped)
                .extracting(SilenceFinding::message)
                .containsExactly("Hubben i hemmet är offline / The home hub is offline "
                        + "(senast hörd / last heard 2026-11-24T10:00:00Z, frånkopplad / disconnected)");
        // Connected as far as the broker knows, but quiet: no "disconnected" the nurse would act on.
        List<SilenceFinding> quiet = evaluate(
                TEMPLATE, SINCE, t("2026-11-24T10:00:00Z"), false, weighed, List.of(), t("2026-11-24T10:40:00Z"));
        assertThat(quiet)
                .extracting(SilenceFinding::message)
                .containsExactly("Hubben i hemmet är offline / The home hub is offline "
                        + "(senast hörd / last heard 2026-11-24T10:00:00Z)");
    }

    @Test
    void aHubNeverHeardSinceThePlanBeganIsOfflineFromThePlansStart() {
        List<SilenceFinding> found =
                evaluate(TEMPLATE, SINCE, null, false, Map.of(), List.of(), SINCE.plus(Duration.ofMinutes(30)));
        assertThat(found).extracting(SilenceFinding::episodeId).containsExactly("hub-offline@2026-11-01T00:00:00Z");
        // A minute earlier it is not yet offline.
        assertThat(evaluate(TEMPLATE, SINCE, null, false, Map.of(), List.of(), SINCE.plus(Duration.ofMinutes(29))))
                .isEmpty();
    }

    @Test
    void aPlanWithoutAHubRuleStillReportsASilentHomeAfterHalfAnHour() {
        CarePlan plan = new CarePlan(
                "p1",
                "1",
                List.of(new LowBatteryRule(
                        "battery", 20, Severity.INFO, "Låg batterinivå / Low battery", null, null, null)));
        Instant heard = t("2026-11-24T10:00:00Z");
        assertThat(evaluate(plan, SINCE, heard, true, Map.of(), List.of(), heard.plus(Duration.ofMinutes(29))))
                .isEmpty();
        List<SilenceFinding> found =
                evaluate(plan, SINCE, heard, true, Map.of(), List.of(), heard.plus(Duration.ofMinutes(30)));
        assertThat(found).extracting(SilenceFinding::episodeId).containsExactly("hub-offline@2026-11-24T10:00:00Z");
        assertThat(found.get(0).rule()).isSameAs(SilenceEvaluator.DEFAULT_HUB_OFFLINE);
    }

    @Test
    void whileTheHubIsOfflineASilentDeviceIsNotReportedButItsLowBatteryIs() {
        // The hub was last heard Monday; the scale's readings of the days since may be waiting in its outbox, but the
        // battery it reported low before going quiet is still low as far as anyone knows.
        var scale = new SilenceFacts.DeviceFacts("scale", t("2026-11-20T07:00:00Z"), 15, t("2026-11-20T07:00:00Z"));
        List<SilenceFinding> found = evaluate(
                TEMPLATE,
                SINCE,
                t("2026-11-23T10:00:00Z"),
                true,
                Map.of(WEIGHT, t("2026-11-20T07:00:00Z")),
                List.of(scale),
                t("2026-11-24T10:00:00Z"));
        assertThat(found)
                .extracting(SilenceFinding::episodeId)
                .containsExactly("hub-offline@2026-11-23T10:00:00Z", "device-battery-low/scale@2026-11-20T07:00:00Z");
        assertThat(found.get(1).message())
                .isEqualTo("Låg batterinivå i mätare / A device's battery is low (scale 15 %)");
    }

    @Test
    void aSilentDeviceSaysWhenItWasLastHeardOrThatItNeverWas() {
        var used = new SilenceFacts.DeviceFacts("scale", t("2026-11-20T07:00:00Z"), 80, null);
        var neverUsed = new SilenceFacts.DeviceFacts("cuff", null, null, null);
        Instant now = t("2026-11-23T07:00:00Z");
        List<SilenceFinding> found = evaluate(
                TEMPLATE,
                t("2026-11-19T12:00:00Z"),
                now,
                false,
                Map.of(WEIGHT, t("2026-11-23T06:00:00Z")),
                List.of(used, neverUsed),
                now);
        assertThat(found)
                .extracting(SilenceFinding::episodeId)
                .containsExactly("device-silent/scale@2026-11-23T07:00:00Z", "device-silent/cuff@2026-11-22T12:00:00Z");
        assertThat(found)
                .extracting(SilenceFinding::message)
                .containsExactly(
                        "En mätare har inte skickat något på 3 dagar / A device has been silent for 3 days "
                                + "(scale, senast / last 2026-11-20T07:00:00Z)",
                        "En mätare har inte skickat något på 3 dagar / A device has been silent for 3 days "
                                + "(cuff, senast / last aldrig / never)");
    }

    @Test
    void aLowBatteryWithoutTheTimeItWasReportedOrWithoutAPercentageIsNotAnEpisode() {
        // An episode needs a start; a device that never reported its battery has no low battery.
        var noTime = new SilenceFacts.DeviceFacts("scale", t("2026-11-23T07:00:00Z"), 5, null);
        var noPercent =
                new SilenceFacts.DeviceFacts("cuff", t("2026-11-23T07:00:00Z"), null, t("2026-11-23T07:00:00Z"));
        Instant now = t("2026-11-23T08:00:00Z");
        assertThat(evaluate(
                        TEMPLATE,
                        SINCE,
                        now,
                        false,
                        Map.of(WEIGHT, t("2026-11-23T07:00:00Z"), SYS, t("2026-11-23T07:00:00Z")),
                        List.of(noTime, noPercent),
                        now))
                .isEmpty();
    }

    @Test
    void aPlanBegunAfterTheDaysDeadlineExpectsTheFirstWeightTheNextMorning() {
        // The plan began at 13:00 in Stockholm: nobody could have weighed by 11:00 that day.
        Instant began = t("2026-11-01T12:00:00Z");
        assertThat(evaluate(
                        TEMPLATE,
                        began,
                        t("2026-11-02T09:59:00Z"),
                        false,
                        Map.of(),
                        List.of(),
                        t("2026-11-02T09:59:00Z")))
                .isEmpty();
        assertThat(evaluate(
                        TEMPLATE,
                        began,
                        t("2026-11-02T10:01:00Z"),
                        false,
                        Map.of(),
                        List.of(),
                        t("2026-11-02T10:01:00Z")))
                .extracting(SilenceFinding::episodeId)
                .containsExactly("weight-missing@2026-11-02T10:00:00Z");
    }

    @Test
    void noReadingsForTwoDaysCountsTheNewestOfAnySignal() {
        // Weighed four days ago, blood pressure an hour ago: the patient is measuring.
        Instant now = t("2026-11-24T12:00:00Z");
        CarePlan plan = new CarePlan(
                "p1",
                "1",
                List.of(new MissingMeasurementRule(
                        "no-readings",
                        null,
                        null,
                        Duration.ofHours(48),
                        Severity.WARNING,
                        "Inga mätvärden / No readings",
                        null,
                        null,
                        null)));
        assertThat(evaluate(
                        plan,
                        SINCE,
                        now,
                        false,
                        Map.of(WEIGHT, t("2026-11-20T12:00:00Z"), SYS, t("2026-11-24T11:00:00Z")),
                        List.of(),
                        now))
                .isEmpty();
        assertThat(evaluate(
                        plan,
                        SINCE,
                        now,
                        false,
                        Map.of(SYS, t("2026-11-20T12:00:00Z"), WEIGHT, t("2026-11-24T11:00:00Z")),
                        List.of(),
                        now))
                .isEmpty();
        // Both four days old: silent since two days after the newer one.
        assertThat(evaluate(
                        plan,
                        SINCE,
                        now,
                        false,
                        Map.of(WEIGHT, t("2026-11-20T12:00:00Z"), SYS, t("2026-11-20T13:00:00Z")),
                        List.of(),
                        now))
                .extracting(SilenceFinding::episodeId)
                .containsExactly("no-readings@2026-11-22T13:00:00Z");
    }

    @Test
    void aSignalsOwnSilenceIgnoresTheOtherSignals() {
        // "No blood pressure for 48 h" holds even while the patient weighs every morning.
        Instant now = t("2026-11-24T12:00:00Z");
        CarePlan plan = new CarePlan(
                "p1",
                "1",
                List.of(new MissingMeasurementRule(
                        "no-bp",
                        SYS,
                        null,
                        Duration.ofHours(48),
                        Severity.WARNING,
                        "Inget blodtryck / No blood pressure",
                        null,
                        null,
                        null)));
        List<SilenceFinding> found = evaluate(
                plan,
                SINCE,
                now,
                false,
                Map.of(SYS, t("2026-11-21T12:00:00Z"), WEIGHT, t("2026-11-24T07:00:00Z")),
                List.of(),
                now);
        assertThat(found).extracting(SilenceFinding::episodeId).containsExactly("no-bp@2026-11-23T12:00:00Z");
        assertThat(found.get(0).message()).isEqualTo("Inget blodtryck / No blood pressure");
    }
}
