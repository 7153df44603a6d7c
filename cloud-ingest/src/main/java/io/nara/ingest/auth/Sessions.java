package io.nara.ingest.auth;

import io.nara.ingest.audit.AccessLog;
import io.nara.ingest.db.Database;
import io.nara.ingest.org.OrgDirectory;
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
import java.util.stream.Collectors;

/**
 * Sign-in and sessions for the people of the organisation model and for patients' relatives. A session is a random
 * token in an HttpOnly cookie; the database keeps only its SHA-256, with a CSRF token of its own. Guessing is slowed
 * by {@link SignInThrottle} (per address and per user name, a growing wait, never a lock-out); the answer never says
 * whether the user name exists.
 */
public final class Sessions {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new session: the cookie's value and who it belongs to. */
    public record Opened(String token, Principal principal) {}

    /** A refused sign-in; the message is safe to show. */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message);
        }
    }

    private final Database db;
    private final Clock clock;
    private final SignInSettings settings;
    private final SignInThrottle throttle;

    public Sessions(Database db, Clock clock, SignInSettings settings) {
        this.db = db;
        this.clock = clock;
        this.settings = settings;
        this.throttle = new SignInThrottle(settings.lockoutAfter(), settings.lockoutFor());
    }

    /**
     * Where a user name signs in: a person of the staff, or a relative. Both tables have the same sign-in
     * columns, so one sign-in with one lock-out serves both. The import keeps user names unique across the two.
     */
    private enum Account {
        PERSON("person", "person_id"),
        RELATIVE("relative", "relative_id");

        final String table;
        final String sessionColumn;

        Account(String table, String sessionColumn) {
            this.table = table;
            this.sessionColumn = sessionColumn;
        }

        String actor(String id) {
            return this == PERSON ? "person:" + id : "relative:" + id;
        }
    }

    private record Found(Account account, String id, String hash) {}

    /**
     * Signs a person or relative in. Every failure (unknown name, wrong password, inactive account) gets the same
     * {@link Refused}; an attempt while the address or the name must wait gets {@link SignInThrottle.Throttled},
     * whether the name exists or not, and no password is checked.
     *
     * @param sourceAddress where the attempt came from (the connection's address)
     */
    public Future<Opened> signIn(String username, String password, String sourceAddress) {
        Instant now = clock.instant();
        SignInThrottle.Keys keys = SignInThrottle.Keys.of(sourceAddress, username);
        return db.transaction(c -> {
            try {
                throttle.check(c, keys, now);
            } catch (SignInThrottle.Throttled t) {
                AccessLog.record(c, "address:" + sourceAddress, "signin.throttled", List.of(), "user name given");
                c.commit();
                throw t;
            }
            Found found = find(c, Account.PERSON, username);
            if (found == null) {
                found = find(c, Account.RELATIVE, username);
            }
            // Verified even for an unknown name, so the answer takes as long either way.
            boolean ok = Passwords.verify(password, found == null ? null : found.hash());
            if (found == null || !ok) {
                throttle.failed(c, keys, now);
                if (found != null) {
                    access(c, found.account().actor(found.id()), "signin.failed");
                }
                // Commit the count: a refused sign-in must still be remembered.
                c.commit();
                throw new Refused("fel användarnamn eller lösenord / wrong user name or password");
            }
            throttle.succeeded(c, keys);
            Account account = found.account();
            String id = found.id();
            String token = random(32);
            String csrf = random(24);
            try (PreparedStatement i = c.prepareStatement("INSERT INTO web_session (token_sha256, "
                    + account.sessionColumn + ", csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")) {
                i.setBytes(1, sha256(token));
                bindId(i, 2, account, id);
                i.setString(3, csrf);
                i.setTimestamp(4, Timestamp.from(now));
                i.setTimestamp(5, Timestamp.from(now.plus(settings.sessionLength())));
                i.executeUpdate();
            }
            access(c, account.actor(id), "signin");
            return new Opened(
                    token, account == Account.PERSON ? principal(c, id, csrf) : relative(c, Long.parseLong(id), csrf));
        });
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
     * wrong one counts in the {@link SignInThrottle}, under the person's user name and the address), the new one must pass {@link PasswordPolicy}. Every other session of the
     * person ends (whoever else had her password is signed out); this one stays. Recorded in the access log.
     *
     * @return how many other sessions ended
     * @throws PasswordRefused naming what is wrong, Swedish first
     */
    public Future<Integer> changePassword(
            String personId, String sessionToken, String current, String next, String sourceAddress) {
        Instant now = clock.instant();
        return db.transaction(c -> {
            String username;
            String name;
            String hash;
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT username, name, password_hash FROM person WHERE id = ? AND active FOR UPDATE")) {
                q.setString(1, personId);
                try (ResultSet r = q.executeQuery()) {
                    if (!r.next()) {
                        throw new PasswordRefused(401, null, "inte inloggad / not signed in", List.of());
                    }
                    username = r.getString("username");
                    name = r.getString("name");
                    hash = r.getString("password_hash");
                }
            }
            // The same count as sign-in, under the person's user name: a stolen session cannot guess faster.
            SignInThrottle.Keys keys = SignInThrottle.Keys.of(sourceAddress, username);
            try {
                throttle.check(c, keys, now);
            } catch (SignInThrottle.Throttled t) {
                access(c, Account.PERSON.actor(personId), "password.throttled");
                c.commit();
                throw new PasswordRefused(429, "current", t.getMessage(), List.of());
            }
            if (current == null || current.isEmpty()) {
                throw new PasswordRefused(
                        400, "current", "ange ditt nuvarande lösenord / enter your current password", List.of());
            }
            if (!Passwords.verify(current, hash)) {
                throttle.failed(c, keys, now);
                access(c, Account.PERSON.actor(personId), "password.change.failed");
                // Commit the count: a wrong guess must still be remembered.
                c.commit();
                throw new PasswordRefused(
                        400,
                        "current",
                        "det nuvarande lösenordet stämmer inte / the current " + "password is wrong",
                        List.of());
            }
            List<PasswordPolicy.Problem> problems = PasswordPolicy.check(next, username, name, current);
            if (!problems.isEmpty()) {
                throw new PasswordRefused(
                        400,
                        "new",
                        problems.stream().map(PasswordPolicy.Problem::message).collect(Collectors.joining("; ")),
                        problems);
            }
            try (PreparedStatement u = c.prepareStatement("UPDATE person SET password_hash = ? WHERE id = ?")) {
                u.setString(1, Passwords.hash(next));
                u.setString(2, personId);
                u.executeUpdate();
            }
            int ended;
            try (PreparedStatement d =
                    c.prepareStatement("DELETE FROM web_session WHERE person_id = ? AND token_sha256 <> ?")) {
                d.setString(1, personId);
                d.setBytes(2, sha256(sessionToken));
                ended = d.executeUpdate();
            }
            AccessLog.record(c, "person:" + personId, "password.changed", List.of(), "other sessions ended: " + ended);
            return ended;
        });
    }

    /** The person or relative behind a session cookie, if it is valid. */
    public Future<Optional<Principal>> find(String token) {
        Instant now = clock.instant();
        return db.transaction(c -> {
            try (PreparedStatement q =
                    c.prepareStatement("SELECT s.person_id, s.relative_id, s.csrf_token FROM web_session s "
                            + "LEFT JOIN person p ON p.id = s.person_id LEFT JOIN relative r ON r.id = s.relative_id "
                            + "WHERE s.token_sha256 = ? AND s.expires_at > ? AND (p.active OR r.active)")) {
                q.setBytes(1, sha256(token));
                q.setTimestamp(2, Timestamp.from(now));
                try (ResultSet r = q.executeQuery()) {
                    if (!r.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(
                            r.getString("person_id") != null
                                    ? principal(c, r.getString("person_id"), r.getString("csrf_token"))
                                    : relative(c, r.getLong("relative_id"), r.getString("csrf_token")));
                }
            }
        });
    }

    public Future<Void> signOut(String token) {
        return db.transaction(c -> {
            try (PreparedStatement d = c.prepareStatement(
                    "DELETE FROM web_session WHERE token_sha256 = ? RETURNING person_id, relative_id")) {
                d.setBytes(1, sha256(token));
                try (ResultSet r = d.executeQuery()) {
                    if (r.next()) {
                        access(
                                c,
                                r.getString("person_id") != null
                                        ? Account.PERSON.actor(r.getString("person_id"))
                                        : Account.RELATIVE.actor(r.getString("relative_id")),
                                "signout");
                    }
                }
            }
            return null;
        });
    }

    private static Found find(Connection c, Account account, String username) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(
                "SELECT id, password_hash FROM " + account.table + " WHERE username = ? AND active")) {
            q.setString(1, username);
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? new Found(account, r.getString("id"), r.getString("password_hash")) : null;
            }
        }
    }

    private static void bindId(PreparedStatement s, int index, Account account, String id) throws SQLException {
        if (account == Account.PERSON) {
            s.setString(index, id);
        } else {
            s.setLong(index, Long.parseLong(id));
        }
    }

    private static Principal principal(Connection c, String personId, String csrf) throws SQLException {
        // Home-care staff: every membership HOME_CARE_STAFF (a person who is also a nurse somewhere is a nurse).
        try (PreparedStatement q = c.prepareStatement("SELECT p.name, p.operator, (SELECT bool_and(m.role = "
                + "'HOME_CARE_STAFF') FROM team_member m WHERE m.person_id = p.id) AS home_care FROM person p "
                + "WHERE p.id = ?")) {
            q.setString(1, personId);
            try (ResultSet r = q.executeQuery()) {
                r.next();
                if (r.getBoolean("home_care") && !r.getBoolean("operator")) {
                    return Principal.homeCareStaff(
                            personId, r.getString("name"), OrgDirectory.teamsOf(c, personId), csrf);
                }
                // A personal operator account sees what the operator sees, under its own name in the access log.
                return new Principal(
                        personId,
                        r.getString("name"),
                        OrgDirectory.teamsOf(c, personId),
                        r.getBoolean("operator"),
                        csrf);
            }
        }
    }

    private static Principal relative(Connection c, long relativeId, String csrf) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT name FROM relative WHERE id = ?")) {
            q.setLong(1, relativeId);
            try (ResultSet r = q.executeQuery()) {
                r.next();
                return Principal.ofRelative(relativeId, r.getString("name"), csrf);
            }
        }
    }

    /** Sign-ins and lock-outs go to the access log: who tried to get at patient data, and when. */
    private static void access(Connection c, String actor, String action) throws SQLException {
        AccessLog.record(c, actor, action, List.of(), null);
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
