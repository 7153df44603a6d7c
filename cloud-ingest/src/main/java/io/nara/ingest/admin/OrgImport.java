package io.nara.ingest.admin;

import io.nara.ingest.auth.Passwords;
import io.nara.ingest.relative.RelativeConsent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads an organisation document (organisations, teams, people with their teams and roles, on-call slots and shifts,
 * patients with care relations, relatives and consent) in one transaction: the MAS's routines as data. Upserts by id;
 * a team's recurring slots and a patient's care relations are replaced by the document's, so a new schedule is one
 * import. {@code password} (plain text, hashed here with Argon2id) is for first set-up and tests; leave it out
 * otherwise. The format is in cloud-ingest/README.md.
 */
public final class OrgImport {

    private OrgImport() {}

    /** @param now the service's clock: when a consent the document no longer lists is withdrawn */
    public static void apply(Connection c, JsonObject doc, String recordedBy, Instant now) throws SQLException {
        for (JsonObject o : objects(doc, "organisations")) {
            exec(
                    c,
                    "INSERT INTO organisation (id, name, kind) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE "
                            + "SET name = excluded.name, kind = excluded.kind",
                    o.getString("id"),
                    o.getString("name"),
                    o.getString("kind"));
        }
        for (JsonObject t : objects(doc, "teams")) {
            exec(
                    c,
                    "INSERT INTO care_team (id, organisation_id, name, time_zone) VALUES (?, ?, ?, ?) ON CONFLICT (id) "
                            + "DO UPDATE SET organisation_id = excluded.organisation_id, name = excluded.name, "
                            + "time_zone = excluded.time_zone",
                    t.getString("id"),
                    t.getString("organisationId"),
                    t.getString("name"),
                    t.getString("timeZone", "Europe/Stockholm"));
        }
        // Tiers after all teams exist, so a team may name one defined later in the document.
        for (JsonObject t : objects(doc, "teams")) {
            exec(
                    c,
                    "UPDATE care_team SET escalates_to = ? WHERE id = ?",
                    t.getString("escalatesTo"),
                    t.getString("id"));
        }
        for (JsonObject p : objects(doc, "people")) {
            if (p.getString("username") != null) {
                try (PreparedStatement q = c.prepareStatement("SELECT ref FROM relative WHERE username = ?")) {
                    q.setString(1, p.getString("username"));
                    try (var r = q.executeQuery()) {
                        if (r.next()) {
                            throw new IllegalArgumentException("person " + p.getString("id") + ": the user name "
                                    + p.getString("username") + " belongs to the relative " + r.getString("ref"));
                        }
                    }
                }
            }
            exec(
                    c,
                    "INSERT INTO person (id, organisation_id, name, username, email, phone) VALUES (?, ?, ?, ?, ?, ?) "
                            + "ON CONFLICT (id) DO UPDATE SET organisation_id = excluded.organisation_id, name = excluded.name, "
                            + "username = excluded.username, email = excluded.email, phone = excluded.phone",
                    p.getString("id"),
                    p.getString("organisationId"),
                    p.getString("name"),
                    p.getString("username"),
                    p.getString("email"),
                    p.getString("phone"));
            if (p.getString("password") != null) {
                exec(
                        c,
                        "UPDATE person SET password_hash = ? WHERE id = ?",
                        Passwords.hash(p.getString("password")),
                        p.getString("id"));
            }
            exec(c, "DELETE FROM team_member WHERE person_id = ?", p.getString("id"));
            for (JsonObject m : objects(p, "teams")) {
                exec(
                        c,
                        "INSERT INTO team_member (team_id, person_id, role) VALUES (?, ?, ?)",
                        m.getString("team"),
                        p.getString("id"),
                        m.getString("role"));
            }
        }
        for (JsonObject t : objects(doc, "teams")) {
            if (t.containsKey("slots")) {
                exec(c, "DELETE FROM on_call_slot WHERE team_id = ?", t.getString("id"));
                for (JsonObject s : objects(t, "slots")) {
                    try (PreparedStatement i = c.prepareStatement("INSERT INTO on_call_slot (team_id, person_id, days, "
                            + "starts, ends, valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                        i.setString(1, t.getString("id"));
                        i.setString(2, s.getString("person"));
                        i.setArray(
                                3,
                                c.createArrayOf(
                                        "integer",
                                        s.getJsonArray("days").getList().toArray()));
                        i.setObject(4, LocalTime.parse(s.getString("starts")));
                        i.setObject(5, LocalTime.parse(s.getString("ends")));
                        i.setObject(6, LocalDate.parse(s.getString("validFrom", "2000-01-01")));
                        i.setObject(7, s.getString("validTo") == null ? null : LocalDate.parse(s.getString("validTo")));
                        i.executeUpdate();
                    }
                }
            }
            for (JsonObject s : objects(t, "shifts")) {
                try (PreparedStatement i = c.prepareStatement(
                        "INSERT INTO on_call_shift (team_id, person_id, starts_at, ends_at) VALUES (?, ?, ?, ?)")) {
                    i.setString(1, t.getString("id"));
                    i.setString(2, s.getString("person"));
                    i.setTimestamp(3, Timestamp.from(Instant.parse(s.getString("startsAt"))));
                    i.setTimestamp(4, Timestamp.from(Instant.parse(s.getString("endsAt"))));
                    i.executeUpdate();
                }
            }
        }
        for (JsonObject p : objects(doc, "patients")) {
            String patient = p.getString("id");
            exec(
                    c,
                    "INSERT INTO patient (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name",
                    patient,
                    p.getString("name"));
            if (p.containsKey("careRelations")) {
                exec(c, "DELETE FROM care_relation WHERE patient_id = ?", patient);
                for (JsonObject r : objects(p, "careRelations")) {
                    try (PreparedStatement i = c.prepareStatement("INSERT INTO care_relation (patient_id, team_id, "
                            + "valid_from, valid_to, responds_first) VALUES (?, ?, ?, ?, ?)")) {
                        i.setString(1, patient);
                        i.setString(2, r.getString("team"));
                        i.setTimestamp(3, Timestamp.from(Instant.parse(r.getString("from", "2000-01-01T00:00:00Z"))));
                        i.setTimestamp(
                                4, r.getString("to") == null ? null : Timestamp.from(Instant.parse(r.getString("to"))));
                        i.setBoolean(5, r.getBoolean("respondsFirst", false));
                        i.executeUpdate();
                    }
                }
            }
            for (JsonObject rel : objects(p, "relatives")) {
                relative(c, patient, rel, recordedBy, now);
            }
        }
    }

    /**
     * A patient's relative. With an {@code id} (the organisation's own) the relative is updated in place, may sign in
     * ({@code username}, {@code password}) and the consent follows the document: {@code "consent": "VIEW"} or
     * {@code "consents": ["NOTIFY", "VIEW", "ALARM"]} gives what is not in force yet, and a scope in force that the document
     * no longer lists is withdrawn now; history is kept. Without an id (the import's first form) a new relative is added.
     */
    private static void relative(Connection c, String patient, JsonObject rel, String recordedBy, Instant now)
            throws SQLException {
        String ref = rel.getString("id");
        List<String> scopes = new ArrayList<>();
        if (rel.getString("consent") != null) {
            scopes.add(rel.getString("consent"));
        }
        for (Object scope : rel.getJsonArray("consents", new JsonArray())) {
            scopes.add(String.valueOf(scope));
        }
        for (String scope : scopes) {
            if (!scope.equals("NOTIFY") && !scope.equals("VIEW") && !scope.equals("ALARM")) {
                throw new IllegalArgumentException("relative " + (ref == null ? rel.getString("name") : ref)
                        + ": consent must be NOTIFY, VIEW or ALARM, not " + scope);
            }
        }
        String username = rel.getString("username");
        if (username != null) {
            if (ref == null) {
                throw new IllegalArgumentException(
                        "relative " + rel.getString("name") + ": a relative who signs in needs an id");
            }
            try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM person WHERE username = ?")) {
                q.setString(1, username);
                try (var r = q.executeQuery()) {
                    if (r.next()) {
                        throw new IllegalArgumentException("relative " + ref + ": the user name " + username
                                + " belongs to a person of the staff");
                    }
                }
            }
        }
        long relativeId;
        try (PreparedStatement i = c.prepareStatement(
                ref == null
                        ? "INSERT INTO relative (patient_id, name, phone, email) VALUES (?, ?, ?, ?) RETURNING id"
                        : "INSERT INTO relative (patient_id, name, phone, email, ref, username) VALUES (?, ?, ?, ?, ?, ?) "
                                + "ON CONFLICT (ref) DO UPDATE SET patient_id = excluded.patient_id, name = excluded.name, "
                                + "phone = excluded.phone, email = excluded.email, username = excluded.username RETURNING id")) {
            i.setString(1, patient);
            i.setString(2, rel.getString("name"));
            i.setString(3, rel.getString("phone"));
            i.setString(4, rel.getString("email"));
            if (ref != null) {
                i.setString(5, ref);
                i.setString(6, username);
            }
            try (var r = i.executeQuery()) {
                r.next();
                relativeId = r.getLong("id");
            }
        }
        if (rel.getString("password") != null) {
            try (PreparedStatement u = c.prepareStatement("UPDATE relative SET password_hash = ? WHERE id = ?")) {
                u.setString(1, Passwords.hash(rel.getString("password")));
                u.setLong(2, relativeId);
                u.executeUpdate();
            }
        }
        if (ref != null) {
            for (RelativeConsent.Scope scope : RelativeConsent.Scope.values()) {
                if (!scopes.contains(scope.name())) {
                    RelativeConsent.withdraw(c, relativeId, patient, scope, recordedBy, now);
                }
            }
        }
        Instant given = Instant.parse(rel.getString("consentGiven", now.toString()));
        for (String scope : scopes) {
            RelativeConsent.give(c, relativeId, patient, RelativeConsent.Scope.valueOf(scope), given, recordedBy, now);
        }
    }

    private static Iterable<JsonObject> objects(JsonObject parent, String key) {
        JsonArray array = parent.getJsonArray(key, new JsonArray());
        return () -> array.stream()
                .map(o -> o instanceof JsonObject j ? j : new JsonObject((Map<String, Object>) o))
                .iterator();
    }

    private static void exec(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            s.executeUpdate();
        }
    }
}
