package io.nara.ingest.fhir;

import io.nara.protocol.careplan.CarePlan;
import io.nara.protocol.careplan.PostDischarge;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * What a hospital's discharge does to the patient's care plan, and what the care contact is told. Pure: no I/O.
 *
 * <p>The doctor prepares the post-discharge period in the plan (its days and tighter rules, from the template); the
 * hospital's discharge only moves its start to the discharge day, in the plan's zone. Nothing else of the plan
 * changes, and a plan without such rules, or a patient who does not go home, keeps the plan as it is.
 */
public final class DischargePlan {

    /** What became of the plan. */
    public enum Outcome {
        /** A new version starts the period on the discharge day. */
        SWITCHED,
        /** The period already starts that day (the doctor entered it): nothing to change. */
        ALREADY,
        /** The patient has no care plan. */
        NO_PLAN,
        /** The plan has no post-discharge rules: left as it is. */
        NO_RULES,
        /** The patient goes to another facility (or died): left as it is. */
        NOT_HOME
    }

    /** The outcome, the discharge day and, when SWITCHED, the plan to save. */
    public record Decision(Outcome outcome, LocalDate day, CarePlan switched) {}

    private DischargePlan() {}

    /** @param plan the plan in force, or null */
    public static Decision decide(CarePlan plan, Instant dischargedAt, boolean home) {
        ZoneId zone = plan == null ? ZoneId.of(CarePlan.DEFAULT_ZONE) : plan.zoneId();
        LocalDate day = dischargedAt.atZone(zone).toLocalDate();
        if (plan == null) {
            return new Decision(Outcome.NO_PLAN, day, null);
        }
        PostDischarge period = plan.postDischarge();
        if (period == null || period.rules().isEmpty()) {
            return new Decision(Outcome.NO_RULES, day, null);
        }
        if (!home) {
            return new Decision(Outcome.NOT_HOME, day, null);
        }
        if (day.equals(period.start())) {
            return new Decision(Outcome.ALREADY, day, null);
        }
        CarePlan switched = new CarePlan(
                plan.patientId(),
                plan.version(),
                plan.rules(),
                plan.expected(),
                new PostDischarge(day, period.days(), period.rules()),
                plan.weightBand(),
                plan.zone(),
                plan.staleAfter());
        return new Decision(Outcome.SWITCHED, day, switched);
    }

    /** The reason of the plan version a discharge saves, as the plan's history shows it. */
    public static String reason(LocalDate day, String hospital, String encounter) {
        return "Utskriven från sjukhus " + day + " enligt sjukhusets system (" + hospital + ", " + encounter
                + "): perioden efter utskrivning börjar / Discharged from hospital " + day + " per the hospital's"
                + " system (" + hospital + ", " + encounter + "): the post-discharge period starts";
    }

    /**
     * What the care contact reads in the inbox: the day, the disposition, and what became of the plan, Swedish first
     * ("svensk text / English text", as the pages split it).
     */
    public static String notice(Decision d, String disposition, Integer days, Integer version) {
        String to = disposition == null ? "" : " till " + sv(disposition);
        String toEn = disposition == null ? "" : " to " + en(disposition);
        String sv = "Utskriven från sjukhus " + d.day() + to + ". ";
        String en = "Discharged from hospital " + d.day() + toEn + ". ";
        switch (d.outcome()) {
            case SWITCHED -> {
                sv += "Reglerna efter utskrivning gäller i " + days + " dagar (vårdplan version " + version + ").";
                en += "The post-discharge rules apply for " + days + " days (care plan version " + version + ").";
            }
            case ALREADY -> {
                sv += "Perioden efter utskrivning börjar redan den dagen i vårdplanen.";
                en += "The care plan's post-discharge period already starts that day.";
            }
            case NO_PLAN -> {
                sv += "Patienten har ingen vårdplan: ingen period efter utskrivning.";
                en += "The patient has no care plan: no post-discharge period.";
            }
            case NO_RULES -> {
                sv += "Vårdplanen har inga regler efter utskrivning: den är oförändrad.";
                en += "The care plan has no post-discharge rules: it is unchanged.";
            }
            case NOT_HOME -> {
                sv += "Inte hem: vårdplanen är oförändrad.";
                en += "Not home: the care plan is unchanged.";
            }
        }
        return sv + " / " + en;
    }

    private static String sv(String both) {
        int cut = both.indexOf(" / ");
        return cut < 0 ? both : both.substring(0, cut);
    }

    private static String en(String both) {
        int cut = both.indexOf(" / ");
        return cut < 0 ? both : both.substring(cut + 3);
    }
}
