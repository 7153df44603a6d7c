package io.nara.ingest.enrolment;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.Period;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A patient's national identifier: a Swedish personnummer, a samordningsnummer (the day of birth + 60) or a
 * region's reserve number. Personnummer and samordningsnummer are checked by their Luhn check digit and their date,
 * and kept as twelve digits (century included) so the same person is found however the number was typed.
 *
 * @param kind  which kind of number
 * @param value twelve digits for a personnummer or samordningsnummer; the reserve number as entered, trimmed
 */
public record NationalId(Kind kind, String value) {

    public enum Kind {
        PERSONNUMMER("urn:oid:1.2.752.129.2.1.3.1"),
        SAMORDNINGSNUMMER("urn:oid:1.2.752.129.2.1.3.3"),
        /** A region's own reserve number for a person without either; regions have no shared system for them. */
        RESERVE("urn:nara:reserve-number");

        private final String system;

        Kind(String system) {
            this.system = system;
        }

        /** The identifier system a FHIR {@code Patient.identifier} names. */
        public String system() {
            return system;
        }
    }

    private static final Pattern NUMBER = Pattern.compile("(\\d{2})?(\\d{2})(\\d{2})(\\d{2})([-+]?)(\\d{3})(\\d)");
    private static final Pattern RESERVE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{2,39}");

    /** Thrown with a message a nurse can act on, in Swedish and English. */
    public static final class InvalidNationalId extends IllegalArgumentException {
        public InvalidNationalId(String message) {
            super(message);
        }
    }

    /**
     * Reads a personnummer or samordningsnummer ({@code YYYYMMDD-NNNN}, {@code YYMMDD-NNNN}, {@code YYMMDD+NNNN} for
     * someone aged 100 or more, with or without the separator); {@code today} places a two-digit year in its century.
     */
    public static NationalId parse(String text, LocalDate today) {
        String trimmed = text == null ? "" : text.trim().replace(" ", "");
        Matcher m = NUMBER.matcher(trimmed);
        if (!m.matches()) {
            throw new InvalidNationalId("'" + text + "' är inget personnummer eller samordningsnummer (ÅÅÅÅMMDD-NNNN)"
                    + " / is not a personnummer or samordningsnummer (YYYYMMDD-NNNN)");
        }
        int yy = Integer.parseInt(m.group(2));
        int month = Integer.parseInt(m.group(3));
        int dayField = Integer.parseInt(m.group(4));
        String tenDigits = m.group(2) + m.group(3) + m.group(4) + m.group(6) + m.group(7);
        if (luhn(tenDigits.substring(0, 9)) != tenDigits.charAt(9) - '0') {
            throw new InvalidNationalId("kontrollsiffran stämmer inte i " + text.trim() + " / the check digit of "
                    + text.trim() + " is wrong");
        }
        Kind kind = dayField > 60 ? Kind.SAMORDNINGSNUMMER : Kind.PERSONNUMMER;
        int day = kind == Kind.SAMORDNINGSNUMMER ? dayField - 60 : dayField;
        int century;
        if (m.group(1) != null) {
            century = Integer.parseInt(m.group(1));
        } else {
            // The most recent century that puts the birth date on or before today; '+' adds a hundred years of age.
            century = today.getYear() / 100;
            if (century * 100 + yy > today.getYear()) {
                century--;
            }
            if ("+".equals(m.group(5))) {
                century--;
            }
        }
        LocalDate born;
        try {
            born = LocalDate.of(century * 100 + yy, month, day);
        } catch (DateTimeException e) {
            throw new InvalidNationalId(
                    "datumet i " + text.trim() + " finns inte / the date in " + text.trim() + " does not exist");
        }
        if (born.isAfter(today)) {
            throw new InvalidNationalId("födelsedatumet i " + text.trim() + " ligger i framtiden / the date of birth"
                    + " in " + text.trim() + " is in the future");
        }
        return new NationalId(kind, String.format("%04d", century * 100 + yy) + tenDigits.substring(2));
    }

    /** A reserve number: 3 to 40 letters, digits and '-', as the region issued it. */
    public static NationalId reserve(String text) {
        String trimmed = text == null ? "" : text.trim();
        if (!RESERVE.matcher(trimmed).matches()) {
            throw new InvalidNationalId("'" + text + "' är inget giltigt reservnummer (3–40 bokstäver, siffror, -)"
                    + " / is not a valid reserve number (3 to 40 letters, digits and '-')");
        }
        return new NationalId(Kind.RESERVE, trimmed);
    }

    /** As shown to a person: {@code YYYYMMDD-NNNN}, or the reserve number. */
    public String display() {
        return kind == Kind.RESERVE ? value : value.substring(0, 8) + "-" + value.substring(8);
    }

    /**
     * The date of birth a personnummer or samordningsnummer carries (a samordningsnummer's day less 60); empty for a
     * reserve number, which carries none.
     */
    public Optional<LocalDate> birthDate() {
        if (kind == Kind.RESERVE) {
            return Optional.empty();
        }
        int day = Integer.parseInt(value.substring(6, 8));
        return Optional.of(LocalDate.of(
                Integer.parseInt(value.substring(0, 4)),
                Integer.parseInt(value.substring(4, 6)),
                kind == Kind.SAMORDNINGSNUMMER ? day - 60 : day));
    }

    /** Age in whole years on {@code today}; empty for a reserve number. */
    public Optional<Integer> age(LocalDate today) {
        return birthDate().map(born -> Period.between(born, today).getYears());
    }

    /** The Luhn check digit of the nine digits (YYMMDDNNN). */
    static int luhn(String nineDigits) {
        int sum = 0;
        for (int i = 0; i < nineDigits.length(); i++) {
            int d = (nineDigits.charAt(i) - '0') * (i % 2 == 0 ? 2 : 1);
            sum += d > 9 ? d - 9 : d;
        }
        return (10 - sum % 10) % 10;
    }
}
