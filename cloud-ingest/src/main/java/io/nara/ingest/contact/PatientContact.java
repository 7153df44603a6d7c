package io.nara.ingest.contact;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to reach the patient and whom to call about her: her phone and address, the named care contact (fast
 * vårdkontakt: name, role, phone) and, where one exists, the coordinated individual plan (SIP: its address, date and
 * who is responsible for what). Every field is optional. Kept in the patient's row, whose contact columns only this
 * class writes (the rest of the row is the enrolment's): entered at enrolment, changed on the patient page, read by the
 * alert card and the relative's page.
 *
 * @param changedBy who last changed them (an actor), null if nobody has
 * @param changedByName that person's name, when the actor is a person
 */
public record PatientContact(
        String phone,
        String address,
        String careContactName,
        String careContactRole,
        String careContactPhone,
        String sipUrl,
        LocalDate sipDate,
        String sipResponsibilities,
        String changedBy,
        String changedByName,
        Instant changedAt) {

    /** Digits with an optional leading '+', once spaces, hyphens and brackets are gone: 6 to 15 of them (E.164). */
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9]{6,15}");

    private static final Pattern PHONE_SEPARATORS = Pattern.compile("[\\s\\-()]");
    private static final int MAX_TEXT = 200;
    private static final int MAX_ADDRESS = 300;
    private static final int MAX_RESPONSIBILITIES = 2000;
    private static final int MAX_URL = 500;

    /** What a nurse enters: every field optional; a blank field clears it. Validated by {@link #parse}. */
    public record Details(
            String phone,
            String address,
            String careContactName,
            String careContactRole,
            String careContactPhone,
            String sipUrl,
            LocalDate sipDate,
            String sipResponsibilities) {

        /** Whether any field is filled in. */
        public boolean any() {
            return phone != null
                    || address != null
                    || careContactName != null
                    || careContactRole != null
                    || careContactPhone != null
                    || sipUrl != null
                    || sipDate != null
                    || sipResponsibilities != null;
        }

        /** The names of the fields filled in, for the access log's detail (never their values). */
        public List<String> filled() {
            List<String> names = new ArrayList<>();
            String[] fields = {"phone", "address", "careContactName", "careContactRole", "careContactPhone", "sipUrl"};
            Object[] values = {phone, address, careContactName, careContactRole, careContactPhone, sipUrl};
            for (int i = 0; i < fields.length; i++) {
                if (values[i] != null) {
                    names.add(fields[i]);
                }
            }
            if (sipDate != null) {
                names.add("sipDate");
            }
            if (sipResponsibilities != null) {
                names.add("sipResponsibilities");
            }
            return names;
        }
    }

    /**
     * Reads the fields of a request body (the enrolment's or the patient page's), checking each: a phone number that
     * is not one, a SIP address that is not a web address, a date that is not one, or a text too long is refused with
     * a message naming the field and what was typed. Other fields of the body are ignored.
     */
    public static Details parse(JsonObject body) {
        return new Details(
                phone("phone", "patientens telefon", "the patient's phone", body),
                text("address", "adress", "address", MAX_ADDRESS, body),
                text("careContactName", "fast vårdkontakts namn", "the care contact's name", MAX_TEXT, body),
                text("careContactRole", "fast vårdkontakts roll", "the care contact's role", MAX_TEXT, body),
                phone("careContactPhone", "fast vårdkontakts telefon", "the care contact's phone", body),
                url(body),
                date(body),
                text(
                        "sipResponsibilities",
                        "SIP: vem ansvarar för vad",
                        "SIP: who is responsible for what",
                        MAX_RESPONSIBILITIES,
                        body));
    }

    /** The digits to dial, for a {@code tel:} link: the number without spaces, hyphens and brackets. */
    public static String dial(String phone) {
        return phone == null ? null : PHONE_SEPARATORS.matcher(phone).replaceAll("");
    }

    /** The patient's contact details, or empty if there is no such patient. */
    public static Optional<PatientContact> read(Connection c, String patientId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("""
                SELECT p.phone, p.address, p.care_contact_name, p.care_contact_role, p.care_contact_phone, p.sip_url,
                       p.sip_date, p.sip_responsibilities, p.contact_changed_by, w.name AS changed_by_name,
                       p.contact_changed_at
                FROM patient p LEFT JOIN person w ON 'person:' || w.id = p.contact_changed_by WHERE p.id = ?""")) {
            q.setString(1, patientId);
            try (ResultSet r = q.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                Date sipDate = r.getDate("sip_date");
                Timestamp changedAt = r.getTimestamp("contact_changed_at");
                return Optional.of(new PatientContact(
                        r.getString("phone"),
                        r.getString("address"),
                        r.getString("care_contact_name"),
                        r.getString("care_contact_role"),
                        r.getString("care_contact_phone"),
                        r.getString("sip_url"),
                        sipDate == null ? null : sipDate.toLocalDate(),
                        r.getString("sip_responsibilities"),
                        r.getString("contact_changed_by"),
                        r.getString("changed_by_name"),
                        changedAt == null ? null : changedAt.toInstant()));
            }
        }
    }

    /** Replaces the patient's contact details with {@code details} (blank fields clear); false: no such patient. */
    public static boolean write(Connection c, String patientId, Details details, String actor, Instant now)
            throws SQLException {
        try (PreparedStatement u = c.prepareStatement("""
                UPDATE patient SET phone = ?, address = ?, care_contact_name = ?, care_contact_role = ?,
                       care_contact_phone = ?, sip_url = ?, sip_date = ?, sip_responsibilities = ?,
                       contact_changed_by = ?, contact_changed_at = ?
                WHERE id = ?""")) {
            u.setString(1, details.phone());
            u.setString(2, details.address());
            u.setString(3, details.careContactName());
            u.setString(4, details.careContactRole());
            u.setString(5, details.careContactPhone());
            u.setString(6, details.sipUrl());
            u.setDate(7, details.sipDate() == null ? null : Date.valueOf(details.sipDate()));
            u.setString(8, details.sipResponsibilities());
            u.setString(9, actor);
            u.setTimestamp(10, Timestamp.from(now));
            u.setString(11, patientId);
            return u.executeUpdate() == 1;
        }
    }

    private static String field(String name, JsonObject body) {
        Object value = body.getValue(name);
        if (value != null && !(value instanceof String)) {
            throw new IllegalArgumentException("'" + name + "' ska vara text / '" + name + "' must be a string");
        }
        String text = (String) value;
        return text == null || text.isBlank() ? null : text.trim();
    }

    private static String text(String name, String sv, String en, int max, JsonObject body) {
        String text = field(name, body);
        if (text != null && text.length() > max) {
            throw new IllegalArgumentException(sv + " är för lång (högst " + max + " tecken) / " + en
                    + " is too long (at most " + max + " characters)");
        }
        return text;
    }

    private static String phone(String name, String sv, String en, JsonObject body) {
        String text = field(name, body);
        if (text == null) {
            return null;
        }
        String digits = dial(text);
        if (text.length() > 30
                || !PHONE.matcher(digits).matches()
                || !(digits.startsWith("+") || digits.startsWith("0"))) {
            throw new IllegalArgumentException(sv + ": '" + text + "' är inget telefonnummer (t.ex. 070-123 45 67 eller"
                    + " +46 70 123 45 67) / " + en + ": '" + text + "' is not a phone number (e.g. 070-123 45 67 or"
                    + " +46 70 123 45 67)");
        }
        return text;
    }

    /** Only a web address: the page makes it a link, and a {@code javascript:} one must never get there. */
    private static String url(JsonObject body) {
        String text = field("sipUrl", body);
        if (text == null) {
            return null;
        }
        String problem = "SIP: '" + text + "' är ingen webbadress (https://…) / SIP: '" + text
                + "' is not a web address (https://…)";
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (text.length() > MAX_URL
                    || !(scheme.equals("https") || scheme.equals("http"))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException(problem);
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(problem, e);
        }
        return text;
    }

    private static LocalDate date(JsonObject body) {
        String text = field("sipDate", body);
        try {
            return text == null ? null : LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "SIP: datumet '" + text + "' är inget datum (ÅÅÅÅ-MM-DD) / SIP: the date '" + text
                            + "' is not a date (YYYY-MM-DD)",
                    e);
        }
    }
}
