package io.nara.ingest.auth;

import io.nara.ingest.db.Database;
import io.vertx.core.Future;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Journal systems that read the FHIR API ({@code fhir_client}, V30): each has a bearer token, of which only the SHA-256
 * is stored, and the teams it acts for. It sees exactly the patients those teams have a care relation with.
 */
public final class JournalClients {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    /** A client as the operator created it, with the token shown once. */
    public record Created(String id, String name, List<String> teams, String token) {}

    private final Database db;

    public JournalClients(Database db) {
        this.db = db;
    }

    /** The client whose token this is, if it is active. */
    public Future<Optional<Principal>> find(String token) {
        return db.transaction(c -> {
            try (PreparedStatement q =
                    c.prepareStatement("SELECT id, name, teams FROM fhir_client WHERE token_sha256 = ? AND active")) {
                q.setBytes(1, Sessions.sha256(token));
                try (ResultSet r = q.executeQuery()) {
                    if (!r.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(
                            Principal.journalClient(r.getString("id"), r.getString("name"), List.of((String[])
                                    r.getArray("teams").getArray())));
                }
            }
        });
    }

    /**
     * Creates a client, or replaces the token and teams of an existing one (a leaked token is revoked this way), in the
     * caller's transaction. Every team must exist.
     */
    public static Created create(Connection c, String id, String name, List<String> teams) throws SQLException {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException(
                    "client id '" + id + "' is not valid: lower-case letters, digits and '-'");
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("client " + id + " needs a name");
        }
        if (teams == null || teams.isEmpty()) {
            throw new IllegalArgumentException("client " + id + " must act for at least one team");
        }
        Array teamArray = c.createArrayOf("text", teams.toArray());
        try (PreparedStatement q = c.prepareStatement(
                "SELECT t AS team_id FROM unnest(?::text[]) t WHERE t NOT IN (SELECT id FROM care_team)")) {
            q.setArray(1, teamArray);
            try (ResultSet r = q.executeQuery()) {
                if (r.next()) {
                    throw new IllegalArgumentException("client " + id + ": no such team " + r.getString("team_id"));
                }
            }
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = "nfc_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        try (PreparedStatement u = c.prepareStatement("""
                INSERT INTO fhir_client (id, name, token_sha256, teams) VALUES (?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, token_sha256 = EXCLUDED.token_sha256,
                    teams = EXCLUDED.teams, active = true""")) {
            u.setString(1, id);
            u.setString(2, name);
            u.setBytes(3, Sessions.sha256(token));
            u.setArray(4, teamArray);
            u.executeUpdate();
        }
        return new Created(id, name, List.copyOf(teams), token);
    }

    /** Revokes a client's token at once, in the caller's transaction; false when there is no such client. */
    public static boolean revoke(Connection c, String id) throws SQLException {
        try (PreparedStatement u = c.prepareStatement("UPDATE fhir_client SET active = false WHERE id = ?")) {
            u.setString(1, id);
            return u.executeUpdate() == 1;
        }
    }

    /** For log lines: never the token, only a short fingerprint of it. */
    public static String fingerprint(String token) {
        return HexFormat.of().formatHex(Sessions.sha256(token), 0, 4);
    }
}
