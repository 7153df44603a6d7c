package io.nara.load.fleet;

import io.nara.protocol.vocabulary.ClinicalCode;
import io.nara.protocol.vocabulary.Vocabulary;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One simulated home and what its devices hand the hub over a day: pure, no I/O, the same for the same seed.
 *
 * <p>A realistic day, as the reports describe it: every patient weighs and measures blood pressure once between 07:00
 * and 09:00 (the morning burst); some homes run a pulse oximeter at 1 Hz through the night; now and then a morning
 * reading is low enough for the hub's care plan to raise an urgent alert; some hubs lose their connection for hours
 * and replay afterwards.
 *
 * @param index      the home's number in the fleet (names its hub, patient and devices)
 * @param profile    what the home does
 * @param zone       the homes' time zone
 */
public record Home(int index, Profile profile, ZoneId zone) {

    /** A systolic value that a heart-failure care plan treats as urgent (below 90 mmHg). */
    static final double LOW_SYSTOLIC = 85.0;

    static final LocalTime MORNING_FROM = LocalTime.of(7, 0);
    static final Duration MORNING_LENGTH = Duration.ofHours(2);
    static final LocalTime NIGHT_FROM = LocalTime.of(22, 0);
    static final Duration NIGHT_LENGTH = Duration.ofHours(8);

    /**
     * What a home does, drawn once per home.
     *
     * @param oximetryAtNight whether it runs a pulse oximeter at 1 Hz from 22:00 to 06:00
     * @param alertEveryDays  how often a morning systolic is low (0: never)
     * @param offlineFrom     when its connection drops each day, or null for a home that stays online
     * @param offlineFor      for how long it drops
     */
    public record Profile(boolean oximetryAtNight, int alertEveryDays, LocalTime offlineFrom, Duration offlineFor) {

        /** Draws a profile with the fleet's shares; the same seed and index give the same profile. */
        public static Profile draw(long seed, int index, double oximetryShare, double alertShare, double offlineShare) {
            SplittableRandom random = new SplittableRandom(seed * 1_000_003L + index);
            boolean oximetry = random.nextDouble() < oximetryShare;
            // alertShare is the share of home-days with a low reading: every home alerts now and then.
            int alertEvery = alertShare <= 0 ? 0 : Math.max(1, (int) Math.round(1 / alertShare));
            boolean offline = random.nextDouble() < offlineShare;
            LocalTime offlineFrom = offline ? LocalTime.of(random.nextInt(24), random.nextInt(60)) : null;
            Duration offlineFor = offline ? Duration.ofMinutes(60 + random.nextInt(6 * 60)) : Duration.ZERO;
            return new Profile(oximetry, alertEvery, offlineFrom, offlineFor);
        }
    }

    /** One value a device hands the hub. */
    public record Reading(String deviceId, ClinicalCode code, double value, Instant at) {}

    public String hubId() {
        return "sim-hub-" + index;
    }

    public String patientId() {
        return "sim-patient-" + index;
    }

    public String scaleId() {
        return "sim-" + index + "-scale";
    }

    public String cuffId() {
        return "sim-" + index + "-cuff";
    }

    public String oximeterId() {
        return "sim-" + index + "-oximeter";
    }

    /** The readings taken in [from, to), in time order. */
    public List<Reading> readingsBetween(Instant from, Instant to) {
        List<Reading> readings = new ArrayList<>();
        LocalDate first = from.atZone(zone).toLocalDate().minusDays(1);
        LocalDate last = to.atZone(zone).toLocalDate();
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            addNight(day, from, to, readings);
            addMorning(day, from, to, readings);
        }
        readings.sort((a, b) -> a.at().compareTo(b.at()));
        return readings;
    }

    /** Whether the home's connection is down at this moment. */
    public boolean offlineAt(Instant at) {
        if (profile.offlineFrom() == null) {
            return false;
        }
        ZonedDateTime local = at.atZone(zone);
        for (LocalDate day : List.of(local.toLocalDate().minusDays(1), local.toLocalDate())) {
            Instant start = ZonedDateTime.of(day, profile.offlineFrom(), zone).toInstant();
            if (!at.isBefore(start) && at.isBefore(start.plus(profile.offlineFor()))) {
                return true;
            }
        }
        return false;
    }

    /** Whether this day's morning systolic is low: the hub raises an urgent alert for it. */
    public boolean lowMorning(LocalDate day) {
        return profile.alertEveryDays() > 0 && Math.floorMod(day.toEpochDay() + index, profile.alertEveryDays()) == 0;
    }

    private void addMorning(LocalDate day, Instant from, Instant to, List<Reading> readings) {
        // Every value of the morning is drawn before any is kept, so a reading is the same whichever interval asks.
        SplittableRandom random = new SplittableRandom(day.toEpochDay() * 7_919L + index);
        Instant weighed = ZonedDateTime.of(day, MORNING_FROM, zone)
                .toInstant()
                .plusSeconds(random.nextLong(MORNING_LENGTH.toSeconds()));
        Instant measured = weighed.plusSeconds(60 + random.nextInt(240));
        double weight = round(70 + random.nextDouble() * 30);
        double systolic = lowMorning(day) ? LOW_SYSTOLIC : 110 + random.nextInt(40);
        double diastolic = 60 + random.nextInt(25);
        double pulse = 55 + random.nextInt(35);
        if (within(weighed, from, to)) {
            readings.add(new Reading(scaleId(), Vocabulary.BODY_WEIGHT, weight, weighed));
        }
        if (within(measured, from, to)) {
            readings.add(new Reading(cuffId(), Vocabulary.SYSTOLIC, systolic, measured));
            readings.add(new Reading(cuffId(), Vocabulary.DIASTOLIC, diastolic, measured));
            readings.add(new Reading(cuffId(), Vocabulary.HEART_RATE, pulse, measured));
        }
    }

    private void addNight(LocalDate day, Instant from, Instant to, List<Reading> readings) {
        if (!profile.oximetryAtNight()) {
            return;
        }
        Instant nightStart = ZonedDateTime.of(day, NIGHT_FROM, zone).toInstant();
        Instant nightEnd = nightStart.plus(NIGHT_LENGTH);
        Instant start = from.isAfter(nightStart) ? from : nightStart;
        Instant end = to.isBefore(nightEnd) ? to : nightEnd;
        // Whole seconds: a 1 Hz oximeter's samples fall on the second.
        Instant second = start.getNano() == 0 ? start : start.plusSeconds(1).minusNanos(start.getNano());
        for (; second.isBefore(end); second = second.plusSeconds(1)) {
            long s = second.getEpochSecond();
            readings.add(new Reading(oximeterId(), Vocabulary.SPO2, 93 + Math.floorMod(s + index, 5), second));
            readings.add(
                    new Reading(oximeterId(), Vocabulary.HEART_RATE, 60 + Math.floorMod(s * 7 + index, 11), second));
        }
    }

    private static boolean within(Instant at, Instant from, Instant to) {
        return !at.isBefore(from) && at.isBefore(to);
    }

    private static double round(double kg) {
        return Math.round(kg * 10) / 10.0;
    }
}
