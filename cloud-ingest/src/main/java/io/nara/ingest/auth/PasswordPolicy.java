package io.nara.ingest.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a new password must be, with a message per broken rule, Swedish first. Pure.
 *
 * <p>Length is what makes a password hard to guess (NIST SP 800-63B), so the rules are few: long enough, not so long
 * that hashing it becomes a way to load the server, not the person's user name or name in it (the first thing anyone
 * tries), not the password it replaces, and not one character over and over. No rules about digits or symbols:
 * they make people write passwords down, not stronger ones.
 */
public final class PasswordPolicy {

    public static final int MIN_LENGTH = 12;
    public static final int MAX_LENGTH = 128;

    /** One broken rule: a stable name for programs and the message for people. */
    public record Problem(String rule, String sv, String en) {
        /** Swedish first, as the app shows it. */
        public String message() {
            return sv + " / " + en;
        }
    }

    private PasswordPolicy() {}

    /**
     * The rules {@code candidate} breaks; empty when it may be used.
     *
     * @param username the person's user name
     * @param name     the person's full name (each part of it counts)
     * @param current  the password it replaces
     */
    public static List<Problem> check(String candidate, String username, String name, String current) {
        List<Problem> problems = new ArrayList<>();
        if (candidate == null || candidate.isEmpty()) {
            problems.add(new Problem("required", "Ange ett nytt lösenord", "Enter a new password"));
            return problems;
        }
        int length = candidate.codePointCount(0, candidate.length());
        if (length < MIN_LENGTH) {
            problems.add(new Problem(
                    "min-length",
                    "Lösenordet måste ha minst " + MIN_LENGTH + " tecken (det har " + length + ")",
                    "The password must have at least " + MIN_LENGTH + " characters (it has " + length + ")"));
        }
        if (length > MAX_LENGTH) {
            problems.add(new Problem(
                    "max-length",
                    "Lösenordet får ha högst " + MAX_LENGTH + " tecken",
                    "The password may have at most " + MAX_LENGTH + " characters"));
        }
        String lower = candidate.toLowerCase(Locale.ROOT);
        if (username != null && !username.isBlank() && lower.contains(username.toLowerCase(Locale.ROOT))) {
            problems.add(new Problem(
                    "contains-username",
                    "Lösenordet får inte innehålla ditt användarnamn",
                    "The password must not contain your user name"));
        }
        if (name != null) {
            for (String part : name.split("\\s+")) {
                if (part.length() >= 3
                        && lower.contains(part.toLowerCase(Locale.ROOT))
                        && (username == null || !part.equalsIgnoreCase(username))) {
                    problems.add(new Problem(
                            "contains-name",
                            "Lösenordet får inte innehålla ditt namn",
                            "The password must not contain your name"));
                    break;
                }
            }
        }
        if (candidate.equals(current)) {
            problems.add(new Problem(
                    "unchanged",
                    "Det nya lösenordet måste skilja sig från det nuvarande",
                    "The new password must differ from the current one"));
        }
        if (candidate.codePoints().distinct().count() == 1 && length > 1) {
            problems.add(new Problem(
                    "one-character",
                    "Lösenordet får inte bestå av ett enda tecken upprepat",
                    "The password must not be one character repeated"));
        }
        return problems;
    }
}
