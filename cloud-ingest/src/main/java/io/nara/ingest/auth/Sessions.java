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
import java.util.List;
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
                failed(c, id, now, "signin");
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

    /**
     * Counts a wrong password towards the lock-out (sign-in and password change share the count, so a stolen session
     * cannot be used to guess the password either) and records it in the access log.
     */
    private void failed(Connection c, String id, Instant now, String action) throws SQLException {
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
                    LOG.warn("account {} locked after {} failed attempts ({})", id, r.getInt(1), action);
                    access(c, id, action + ".lockout");
                } else {
                    access(c, id, action + ".failed");
                }
            }
        }
    }

    /** A password change that was refused: the status, the field at fault and every broken rule. */
    public static final class PasswordRefused extends RuntimeException {
        private final int status;
        private final String field;
        private final List<PasswordPolicy.Problem> problems;

        PasswordRefused(int status, String field, String message, List<PasswordPolicy.Problem> problems) {
            super(message);
            this.status = status;
            this.field = field;
            this.problems = List.copyOf(problems);
        }

        public int status() {
            return status;
        }

        public String field() {
            return field;
        }

        public List<PasswordPolicy.Problem> problems() {
            return problems;
        }
    }

    /**
     * Changes the password of the person signed in with {@code sessionToken}: the current password must be right (a
     * wrong one counts towards the lock-out), the new one must pass {@link PasswordPolicy}. Every other session of the
     * person ends (whoever else had her password is signed out); this one stays. Recorded in the access log.
     *
     * @return how many other sessions ended
     * @throws PasswordRefused naming what is wrong, Swedish first
     */
    public Future<Integer> changePassword(String personId, String sessionToken, String current, String next) {
        Instant now = clock.instant();
        return db.transaction(c -> {
            String username;
            String name;
            String hash;
            Timestamp lockedUntil;
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT username, name, password_hash, locked_until FROM person WHERE id = ? AND active FOR UPDATE")) {
                q.setString(1, personId);
                try (ResultSet r = q.executeQuery()) {
                    if (!r.next()) {
                        throw new PasswordRefused(401, null, "inte inloggad / not signed in", List.of());
                    }
                    username = r.getString(1);
                    name = r.getString(2);
                    hash = r.getString(3);
                    lockedUntil = r.getTimestamp(4);
                }
            }
            if (lockedUntil != null && lockedUntil.toInstant().isAfter(now)) {
                access(c, personId, "password.locked");
                throw new PasswordRefused(429, "current", "kontot är låst efter för många felaktiga lösenord, försök "
                        + "igen senare / the account is locked after too many wrong passwords, try again later",
                        List.of());
            }
            if (current == null || current.isEmpty()) {
                throw new PasswordRefused(400, "current", "ange ditt nuvarande lösenord / enter your current password",
                        List.of());
            }
            if (!Passwords.verify(current, hash)) {
                failed(c, personId, now, "password.change");
                // Commit the count: a wrong guess must still be remembered.
                c.commit();
                throw new PasswordRefused(400, "current", "det nuvarande lösenordet stämmer inte / the current "
                        + "password is wrong", List.of());
            }
            List<PasswordPolicy.Problem> problems = PasswordPolicy.check(next, username, name, current);
            if (!problems.isEmpty()) {
                throw new PasswordRefused(400, "new", problems.stream().map(PasswordPolicy.Problem::message)
                        .collect(java.util.stream.Collectors.joining("; ")), problems);
            }
            try (PreparedStatement u = c.prepareStatement(
                    "UPDATE person SET password_hash = ?, failed_sign_ins = 0, locked_until = NULL WHERE id = ?")) {
                u.setString(1, Passwords.hash(next));
                u.setString(2, personId);
                u.executeUpdate();
            }
            int ended;
            try (PreparedStatement d = c.prepareStatement(
                    "DELETE FROM web_session WHERE person_id = ? AND token_sha256 <> ?")) {
                d.setString(1, personId);
                d.setBytes(2, sha256(sessionToken));
                ended = d.executeUpdate();
            }
            io.nara.ingest.audit.AccessLog.record(c, "person:" + personId, "password.changed", List.of(),
                    "other sessions ended: " + ended);
            return ended;
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
