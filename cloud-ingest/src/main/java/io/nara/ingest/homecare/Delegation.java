package io.nara.ingest.homecare;

import io.nara.protocol.vocabulary.ClinicalCode;
import io.nara.protocol.vocabulary.Vocabulary;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.TreeSet;

/**
 * A task a nurse delegates to home-care staff (delegering), as the nurse asks for it: what, to whom (a named staff
 * member or a home-care team), from a start date to an end date, optionally on some weekdays and with a measurement
 * code ({@link #MEASUREMENTS}). Swedish practice: personal or to a team the nurse names, time-limited (the end is required, at most a year
 * after the start), revocable. Pure.
 *
 * @param weekdays ISO days (1 = Monday), sorted; empty means every day
 */
public record Delegation(
        String task,
        String code,
        List<Integer> weekdays,
        String toPersonId,
        String toTeamId,
        LocalDate from,
        LocalDate to) {

    /** The longest a delegation may run. */
    public static final int MAX_DAYS = 366;

    /**
     * What a task may ask home-care staff to measure with the patient's own devices (the code names which, so the
     * staff see "Vikt" beside "weigh on Monday"): the home's signals, not the analyzers' blood values.
     */
    public static final List<ClinicalCode> MEASUREMENTS = List.of(
            Vocabulary.BODY_WEIGHT,
            Vocabulary.SYSTOLIC,
            Vocabulary.HEART_RATE,
            Vocabulary.SPO2,
            Vocabulary.BODY_TEMPERATURE,
            Vocabulary.GLUCOSE);

    public Delegation {
        weekdays = List.copyOf(weekdays);
    }

    /** The request's fields, each checked; a clear error (Swedish first) naming the first that is wrong. */
    public static Delegation parse(JsonObject body) {
        String task = text(body, "task");
        if (task == null) {
            throw new IllegalArgumentException("uppgiften saknas / 'task' is missing");
        }
        if (task.length() > 500) {
            throw new IllegalArgumentException("uppgiften är för lång (högst 500 tecken) / 'task' is longer than 500");
        }
        String person = text(body, "toPersonId");
        String team = text(body, "toTeamId");
        if ((person == null) == (team == null)) {
            throw new IllegalArgumentException(
                    "ange en person eller ett team, inte båda / give either 'toPersonId' or" + " 'toTeamId'");
        }
        LocalDate from = date(body, "from");
        LocalDate to = date(body, "to");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("slutdatum före startdatum / 'to' is before 'from'");
        }
        if (to.isAfter(from.plusDays(MAX_DAYS))) {
            throw new IllegalArgumentException("en delegering gäller högst ett år / a delegation runs at most a year");
        }
        TreeSet<Integer> days = new TreeSet<>();
        Object raw = body.getValue("weekdays");
        if (raw != null && !(raw instanceof JsonArray)) {
            throw new IllegalArgumentException("'weekdays' måste vara en lista / 'weekdays' must be a list of 1-7");
        }
        if (raw != null) {
            for (Object d : (JsonArray) raw) {
                if (!(d instanceof Integer day) || day < 1 || day > 7) {
                    throw new IllegalArgumentException("veckodag 1-7 / 'weekdays' must be ISO days 1-7: " + d);
                }
                days.add(day);
            }
        }
        String code = text(body, "code");
        if (code != null && MEASUREMENTS.stream().noneMatch(m -> m.code().equals(code))) {
            throw new IllegalArgumentException("okänd mätning / 'code' is not a measurement home care takes: " + code);
        }
        return new Delegation(task, code, List.copyOf(days), person, team, from, to);
    }

    /** Whether the task is to be done on {@code day}: in force then and on one of its weekdays. */
    public boolean dueOn(LocalDate day) {
        return !day.isBefore(from)
                && !day.isAfter(to)
                && (weekdays.isEmpty() || weekdays.contains(day.getDayOfWeek().getValue()));
    }

    private static String text(JsonObject body, String field) {
        Object value = body.getValue(field);
        if (value != null && !(value instanceof String)) {
            throw new IllegalArgumentException("'" + field + "' must be a string");
        }
        String s = (String) value;
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static LocalDate date(JsonObject body, String field) {
        String s = text(body, field);
        if (s == null) {
            throw new IllegalArgumentException("datum saknas / '" + field + "' (a date, yyyy-mm-dd) is missing");
        }
        try {
            return LocalDate.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("ogiltigt datum / '" + field + "' is not a date (yyyy-mm-dd): " + s, e);
        }
    }
}
