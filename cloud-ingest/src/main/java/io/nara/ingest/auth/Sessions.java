package io.nara.ingest.auth;

import io.nara.ingest.db.Database;
import io.nara.ingest.inbox.Principal;
import io.nara.ingest.org.OrgDirectory;
import io.nara.ingest.routing.AlertingSettings;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in, sessions and lock-out for the people of the organisation model. A session is a random token in an
 * HttpOnly cookie; the database keeps only its SHA-256, with a CSRF token of its own. After {@code lockoutAfter}
 * failed sign-ins in a row the account is locked for {@code lockoutFor}; the answer never says whether the user name
 * exists.
 */
public final class Sessions {

    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new session: the cookie's value and who it belongs to. */
    public record Opened(String token, Principal principal) {
    }

    /** A refused sign-in; the message is safe to show. */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message);
        }
    }

    private final Database db;
    private final Clock clock;
    private final AlertingSettings settings;

    public Sessions(Database db, Clock clock, AlertingSettings settings) {
        this.db = db;
        this.clock = clock;
        this.settings = settings;
    }

    public Future<Opened> signIn(String username, String password) {
        Instant now = clock.instant();
        return db.transaction(c -> {
            String id = null;
            String hash = null;
            Timestamp lockedUntil = null;
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT id, password_hash, locked_until FROM person WHERE username = ? AND active FOR UPDATE")) {
                q.setString(1, username);
                try (ResultSet r = q.executeQuery()) {
                    if (r.next()) {
                        id = r.getString(1);
                        hash = r.getString(2);
                        lockedUntil = r.getTimestamp(3);
                    }
                }
            }
            boolean ok = Passwords.verify(password, hash);
            if (id == null) {
                throw new Refused("fel användarnamn eller lösenord / wrong user name or password");
            }
            if (lockedUntil != null && lockedUntil.toInstant().isAfter(now)) {
                access(c, id, "signin.locked");
                throw new Refused("kontot är låst, försök igen senare / the account is locked, try again later");
            }
            if (!ok) {
                try (PreparedStatement u = c.prepareStatement("""
                        UPDATE person SET failed_sign_ins = failed_sign_ins + 1,
                               locked_until = CASE WHEN failed_sign_ins + 1 >= ? THEN ?::timestamptz ELSE NULL END
                        WHERE id = ? RETURNING failed_sign_ins""")) {
                    u.setInt(1, settings.lockoutAfter());
                    u.setTimestamp(2, Timestamp.from(now.plus(settings.lockoutFor())));
                    u.setString(3, id);
                    try (ResultSet r = u.executeQuery()) {
                        r.next();
                        if (r.getInt(1) >= settings.lockoutAfter()) {
                            LOG.warn("account {} locked after {} failed sign-ins", id, r.getInt(1));
                            access(c, id, "signin.lockout");
                        } else {
                            access(c, id, "signin.failed");
                        }
                    }
                }
                // Commit the count: a refused sign-in must still be remembered.
                c.commit();
                throw new Refused("fel användarnamn eller lösenord / wrong user name or password");
            }
            try (PreparedStatement u = c.prepareStatement(
                    "UPDATE person SET failed_sign_ins = 0, locked_until = NULL WHERE id = ?")) {
                u.setString(1, id);
                u.executeUpdate();
            }
            String token = random(32);
            String csrf = random(24);
            try (PreparedStatement i = c.prepareStatement("INSERT INTO web_session (token_sha256, person_id, csrf_token, "
                    + "created_at, expires_at) VALUES (?, ?, ?, ?, ?)")) {
                i.setBytes(1, sha256(token));
                i.setString(2, id);
                i.setString(3, csrf);
                i.setTimestamp(4, Timestamp.from(now));
                i.setTimestamp(5, Timestamp.from(now.plus(settings.sessionLength())));
                i.executeUpdate();
            }
            access(c, id, "signin");
            return new Opened(token, principal(c, id, csrf));
        });
    }

    /** The person behind a session cookie, if it is valid. */
    public Future<Optional<Principal>> find(String token) {
        Instant now = clock.instant();
        return db.transaction(c -> {
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT s.person_id, s.csrf_token FROM web_session s JOIN person p ON p.id = s.person_id "
                            + "WHERE s.token_sha256 = ? AND s.expires_at > ? AND p.active")) {
                q.setBytes(1, sha256(token));
                q.setTimestamp(2, Timestamp.from(now));
                try (ResultSet r = q.executeQuery()) {
                    return r.next() ? Optional.of(principal(c, r.getString(1), r.getString(2))) : Optional.empty();
                }
            }
        });
    }

    public Future<Void> signOut(String token) {
        return db.transaction(c -> {
            try (PreparedStatement d = c.prepareStatement(
                    "DELETE FROM web_session WHERE token_sha256 = ? RETURNING person_id")) {
                d.setBytes(1, sha256(token));
                try (ResultSet r = d.executeQuery()) {
                    if (r.next()) {
                        access(c, r.getString(1), "signout");
                    }
                }
            }
            return null;
        });
    }

    private static Principal principal(Connection c, String personId, String csrf) throws SQLException {
        String name = OrgDirectory.people(c, java.util.List.of(personId)).get(personId).name();
        return new Principal(personId, name, OrgDirectory.teamsOf(c, personId), false, csrf);
    }

    /** Sign-ins and lock-outs go to the access log: who tried to get at patient data, and when. */
    private static void access(Connection c, String personId, String action) throws SQLException {
        io.nara.ingest.audit.AccessLog.record(c, "person:" + personId, action, java.util.List.of(), null);
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
