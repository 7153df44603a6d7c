package io.nara.ingest.enrol;

import io.nara.protocol.HubTopic;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * A hub's life in the register and the certificates the hub CA gives it: registered in stock with a one-time
 * enrolment code, enrolled by a certificate request with that code, renewed by a request signed in with its current
 * certificate, revoked (lost, stolen) or returned to stock. Every method runs inside the caller's transaction and
 * either does all of its work or throws {@link Refused} and changes nothing.
 *
 * <p>Codes: 16 characters from an alphabet without look-alikes (80 bits), shown as four groups of four; only their
 * SHA-256 is stored. A code is single-use, expires, and a new code for the hub ends the older ones.
 */
public final class HubEnrolment {

    /** A request refused; {@code status} is the HTTP status to answer, the message names the problem. */
    public static final class Refused extends RuntimeException {
        private final int status;

        public Refused(int status, String problem) {
            super(problem);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** The lifecycle states this register owns. "Assigned" and "in a home" are derived (view hub_assignment). */
    public enum Lifecycle {
        IN_STOCK,
        ENROLLED,
        RETURNED,
        REVOKED
    }

    /**
     * @param codeLifetime        how long a new enrolment code is valid
     * @param certificateLifetime how long a hub certificate is valid (the hub renews it well before)
     */
    public record Settings(Duration codeLifetime, Duration certificateLifetime) {
        public static Settings defaults() {
            return new Settings(Duration.ofDays(30), Duration.ofDays(90));
        }
    }

    /** A new code, shown once. */
    public record IssuedCode(String hubId, String code, Instant expiresAt) {}

    private static final char[] ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ".toCharArray();

    private final HubCa ca;
    private final Settings settings;
    private final SecureRandom random = new SecureRandom();

    public HubEnrolment(HubCa ca, Settings settings) {
        this.ca = ca;
        this.settings = settings;
    }

    public HubCa ca() {
        return ca;
    }

    // ------------------------------------------------------------------ the register

    /** Registers a new hub in stock and returns its first code. */
    public IssuedCode register(Connection c, String hubId, String organisationId, String actor, Instant now)
            throws SQLException {
        if (hubId == null || !HubTopic.isValidHubId(hubId)) {
            throw new Refused(
                    400, "ogiltigt hubb-id / invalid hub id '" + hubId + "' (letters, digits, . _ -; at most 64)");
        }
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO hub (hub_id, lifecycle, organisation_id, registered_at, registered_by,
                                 lifecycle_changed_at, lifecycle_changed_by)
                VALUES (?, 'IN_STOCK', ?, ?, ?, ?, ?) ON CONFLICT (hub_id) DO NOTHING
                """)) {
            insert.setString(1, hubId);
            insert.setString(2, organisationId);
            insert.setTimestamp(3, Timestamp.from(now));
            insert.setString(4, actor);
            insert.setTimestamp(5, Timestamp.from(now));
            insert.setString(6, actor);
            if (insert.executeUpdate() == 0) {
                throw new Refused(409, "hubben finns redan / hub " + hubId + " is already registered");
            }
        }
        return issueCode(c, hubId, actor, now);
    }

    /** A new code for a hub in stock, enrolled (re-installing it) or returned; its older codes end. */
    public IssuedCode newCode(Connection c, String hubId, String actor, Instant now) throws SQLException {
        Lifecycle state = lockHub(c, hubId);
        if (state == Lifecycle.REVOKED) {
            throw new Refused(409, "hubben är återkallad / hub " + hubId + " is revoked; it cannot enrol again");
        }
        return issueCode(c, hubId, actor, now);
    }

    /** Revokes a lost or stolen hub for good: its certificates go on the CRL, its codes end. */
    public void revoke(Connection c, String hubId, String reason, String actor, Instant now) throws SQLException {
        Lifecycle state = lockHub(c, hubId);
        if (state == Lifecycle.REVOKED) {
            throw new Refused(409, "hubben är redan återkallad / hub " + hubId + " is already revoked");
        }
        endCredentials(c, hubId, reason == null || reason.isBlank() ? "revoked" : reason, actor, now);
        setLifecycle(c, hubId, Lifecycle.REVOKED, actor, now);
    }

    /** Takes a hub back to stock: its certificates go on the CRL; it needs a new code to enrol again. */
    public void returnToStock(Connection c, String hubId, String actor, Instant now) throws SQLException {
        Lifecycle state = lockHub(c, hubId);
        if (state == Lifecycle.REVOKED) {
            throw new Refused(409, "hubben är återkallad / hub " + hubId + " is revoked; it cannot return to stock");
        }
        endCredentials(c, hubId, "returned", actor, now);
        setLifecycle(c, hubId, Lifecycle.RETURNED, actor, now);
    }

    /** Every revoked certificate that has not expired yet, for the CRL. */
    public static List<HubCa.Revoked> revokedCertificates(Connection c, Instant now) throws SQLException {
        List<HubCa.Revoked> out = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("""
                SELECT serial, revoked_at FROM hub_certificate WHERE revoked_at IS NOT NULL AND not_after > ?
                ORDER BY revoked_at
                """)) {
            q.setTimestamp(1, Timestamp.from(now));
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    out.add(new HubCa.Revoked(
                            new BigInteger(r.getString("serial"), 16),
                            r.getTimestamp("revoked_at").toInstant()));
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ EST

    /**
     * {@code simpleenroll}: the hub proves it holds the code (HTTP Basic, user = hub id) and sends a request whose
     * subject CN is its id. A retry of a request that was signed (the answer got lost) returns the same certificate.
     */
    public X509Certificate enrol(Connection c, String hubId, String code, byte[] csrDer, Instant now)
            throws SQLException {
        if (hubId == null || hubId.isBlank() || code == null || code.isBlank()) {
            throw new Refused(401, "enrolment code missing: send HTTP Basic with user = hub id, password = code");
        }
        Lifecycle state = lockHubOr(c, hubId, 401, "unknown hub " + hubId + ": not in the fleet register");
        if (state == Lifecycle.REVOKED) {
            throw new Refused(403, "hub " + hubId + " is revoked");
        }
        JcaPKCS10CertificationRequest csr = check(csrDer, hubId);
        byte[] keyHash = HubCa.sha256(encoded(csr));
        long codeId;
        try (PreparedStatement q = c.prepareStatement("""
                SELECT id, hub_id, expires_at, used_at, ended_at FROM enrolment_code WHERE code_sha256 = ?
                """)) {
            q.setBytes(1, codeHash(code));
            try (ResultSet r = q.executeQuery()) {
                if (!r.next() || !r.getString("hub_id").equals(hubId)) {
                    throw new Refused(401, "wrong enrolment code for hub " + hubId);
                }
                codeId = r.getLong("id");
                if (r.getTimestamp("used_at") != null) {
                    X509Certificate same = sameKeyCertificate(c, hubId, keyHash, now);
                    if (same != null) {
                        return same;
                    }
                    throw new Refused(
                            401,
                            "the enrolment code for hub " + hubId + " was already used at "
                                    + r.getTimestamp("used_at").toInstant() + "; ask for a new code");
                }
                if (r.getTimestamp("ended_at") != null) {
                    throw new Refused(
                            401,
                            "the enrolment code for hub " + hubId
                                    + " was replaced by a newer code or ended by a return/revocation");
                }
                if (!r.getTimestamp("expires_at").toInstant().isAfter(now)) {
                    throw new Refused(
                            401,
                            "the enrolment code for hub " + hubId + " expired at "
                                    + r.getTimestamp("expires_at").toInstant() + "; ask for a new code");
                }
            }
        }
        try (PreparedStatement use = c.prepareStatement("UPDATE enrolment_code SET used_at = ? WHERE id = ?")) {
            use.setTimestamp(1, Timestamp.from(now));
            use.setLong(2, codeId);
            use.executeUpdate();
        }
        // A re-installed hub's old certificate is of no use any more: revoke it with the new one issued.
        try (PreparedStatement old = c.prepareStatement("""
                UPDATE hub_certificate SET revoked_at = ?, revoked_by = 'enrolment', revocation_reason = 'superseded'
                WHERE hub_id = ? AND revoked_at IS NULL
                """)) {
            old.setTimestamp(1, Timestamp.from(now));
            old.setString(2, hubId);
            old.executeUpdate();
        }
        X509Certificate cert = issue(c, csr, hubId, keyHash, "ENROL", now);
        setLifecycle(c, hubId, Lifecycle.ENROLLED, "hub:" + hubId, now);
        return cert;
    }

    /**
     * {@code simplereenroll}: the hub signs in (TLS) with a current certificate this CA issued and asks for a new one
     * for the same id. The old certificate stays valid until it expires, so a hub that loses the answer still
     * connects.
     */
    public X509Certificate reenroll(Connection c, X509Certificate current, byte[] csrDer, Instant now)
            throws SQLException {
        if (current == null) {
            throw new Refused(401, "re-enrolment needs the hub's current certificate (TLS client authentication)");
        }
        if (!ca.issued(current)) {
            throw new Refused(401, "the client certificate was not issued by the hub CA");
        }
        String hubId = HubCa.commonName(
                X500Name.getInstance(current.getSubjectX500Principal().getEncoded()));
        if (hubId == null) {
            throw new Refused(401, "the client certificate has no common name");
        }
        if (!current.getNotAfter().toInstant().isAfter(now)) {
            throw new Refused(
                    401,
                    "the certificate of hub " + hubId + " expired at "
                            + current.getNotAfter().toInstant() + "; the hub needs a new enrolment code");
        }
        Lifecycle state = lockHubOr(c, hubId, 401, "unknown hub " + hubId + ": not in the fleet register");
        if (state != Lifecycle.ENROLLED) {
            throw new Refused(
                    403,
                    "hub " + hubId + " is " + state.name().toLowerCase(Locale.ROOT)
                            + "; it cannot renew its certificate");
        }
        try (PreparedStatement q =
                c.prepareStatement("SELECT revoked_at FROM hub_certificate WHERE serial = ? AND hub_id = ?")) {
            q.setString(1, current.getSerialNumber().toString(16));
            q.setString(2, hubId);
            try (ResultSet r = q.executeQuery()) {
                if (!r.next()) {
                    throw new Refused(
                            401,
                            "the certificate of hub " + hubId
                                    + " is not one the fleet register issued; enrol with a code");
                }
                if (r.getTimestamp("revoked_at") != null) {
                    throw new Refused(403, "the certificate of hub " + hubId + " is revoked");
                }
            }
        }
        JcaPKCS10CertificationRequest csr = check(csrDer, hubId);
        return issue(c, csr, hubId, HubCa.sha256(encoded(csr)), "RENEW", now);
    }

    // ------------------------------------------------------------------ helpers

    /** Normalises what a person typed (case, dashes, spaces) and hashes it. */
    static byte[] codeHash(String code) {
        String normal = code.toUpperCase(Locale.ROOT).replaceAll("[\\s-]", "");
        return HubCa.sha256(normal.getBytes(StandardCharsets.UTF_8));
    }

    private IssuedCode issueCode(Connection c, String hubId, String actor, Instant now) throws SQLException {
        try (PreparedStatement end = c.prepareStatement(
                "UPDATE enrolment_code SET ended_at = ? WHERE hub_id = ? AND used_at IS NULL AND ended_at IS NULL")) {
            end.setTimestamp(1, Timestamp.from(now));
            end.setString(2, hubId);
            end.executeUpdate();
        }
        char[] chars = new char[16];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        String raw = new String(chars);
        String code =
                raw.substring(0, 4) + "-" + raw.substring(4, 8) + "-" + raw.substring(8, 12) + "-" + raw.substring(12);
        Instant expires = now.plus(settings.codeLifetime());
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO enrolment_code (hub_id, code_sha256, created_at, created_by, expires_at)
                VALUES (?, ?, ?, ?, ?)
                """)) {
            insert.setString(1, hubId);
            insert.setBytes(2, codeHash(code));
            insert.setTimestamp(3, Timestamp.from(now));
            insert.setString(4, actor);
            insert.setTimestamp(5, Timestamp.from(expires));
            insert.executeUpdate();
        }
        return new IssuedCode(hubId, code, expires);
    }

    private static JcaPKCS10CertificationRequest check(byte[] csrDer, String hubId) {
        try {
            return HubCa.checkRequest(csrDer, hubId);
        } catch (HubCa.BadRequest e) {
            throw new Refused(400, e.getMessage());
        }
    }

    private static byte[] encoded(JcaPKCS10CertificationRequest csr) {
        try {
            return csr.getSubjectPublicKeyInfo().getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private X509Certificate issue(
            Connection c,
            JcaPKCS10CertificationRequest csr,
            String hubId,
            byte[] keyHash,
            String issuedFor,
            Instant now)
            throws SQLException {
        X509Certificate cert = ca.sign(csr, hubId, now, now.plus(settings.certificateLifetime()));
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO hub_certificate (serial, hub_id, public_key_sha256, not_before, not_after, pem, issued_at,
                                             issued_for)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)) {
            insert.setString(1, cert.getSerialNumber().toString(16));
            insert.setString(2, hubId);
            insert.setBytes(3, keyHash);
            insert.setTimestamp(4, new Timestamp(cert.getNotBefore().getTime()));
            insert.setTimestamp(5, new Timestamp(cert.getNotAfter().getTime()));
            insert.setString(6, HubCa.pem(cert));
            insert.setTimestamp(7, Timestamp.from(now));
            insert.setString(8, issuedFor);
            insert.executeUpdate();
        }
        return cert;
    }

    /** The hub's newest unrevoked, unexpired certificate for this key, or null. */
    private static X509Certificate sameKeyCertificate(Connection c, String hubId, byte[] keyHash, Instant now)
            throws SQLException {
        try (PreparedStatement q = c.prepareStatement("""
                SELECT pem, public_key_sha256 FROM hub_certificate
                WHERE hub_id = ? AND revoked_at IS NULL AND not_after > ? ORDER BY issued_at DESC LIMIT 1
                """)) {
            q.setString(1, hubId);
            q.setTimestamp(2, Timestamp.from(now));
            try (ResultSet r = q.executeQuery()) {
                if (r.next() && Arrays.equals(r.getBytes("public_key_sha256"), keyHash)) {
                    return parse(r.getString("pem"));
                }
            }
        }
        return null;
    }

    static X509Certificate parse(String pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException e) {
            throw new IllegalStateException("a stored certificate does not parse: " + e.getMessage(), e);
        }
    }

    private static void endCredentials(Connection c, String hubId, String reason, String actor, Instant now)
            throws SQLException {
        try (PreparedStatement certs = c.prepareStatement("""
                UPDATE hub_certificate SET revoked_at = ?, revoked_by = ?, revocation_reason = ?
                WHERE hub_id = ? AND revoked_at IS NULL
                """);
                PreparedStatement codes = c.prepareStatement(
                        "UPDATE enrolment_code SET ended_at = ? WHERE hub_id = ? AND used_at IS NULL AND ended_at IS NULL")) {
            certs.setTimestamp(1, Timestamp.from(now));
            certs.setString(2, actor);
            certs.setString(3, reason);
            certs.setString(4, hubId);
            certs.executeUpdate();
            codes.setTimestamp(1, Timestamp.from(now));
            codes.setString(2, hubId);
            codes.executeUpdate();
        }
    }

    private static void setLifecycle(Connection c, String hubId, Lifecycle state, String actor, Instant now)
            throws SQLException {
        try (PreparedStatement u = c.prepareStatement("""
                UPDATE hub SET lifecycle = ?, lifecycle_changed_at = ?, lifecycle_changed_by = ? WHERE hub_id = ?
                """)) {
            u.setString(1, state.name());
            u.setTimestamp(2, Timestamp.from(now));
            u.setString(3, actor);
            u.setString(4, hubId);
            u.executeUpdate();
        }
    }

    private static Lifecycle lockHub(Connection c, String hubId) throws SQLException {
        return lockHubOr(c, hubId, 404, "ingen sådan hubb / no such hub: " + hubId);
    }

    /** Locks the hub's row for this transaction (two requests with one code cannot both win). */
    private static Lifecycle lockHubOr(Connection c, String hubId, int status, String problem) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT lifecycle FROM hub WHERE hub_id = ? FOR UPDATE")) {
            q.setString(1, hubId);
            try (ResultSet r = q.executeQuery()) {
                if (!r.next()) {
                    throw new Refused(status, problem);
                }
                return Lifecycle.valueOf(r.getString("lifecycle"));
            }
        }
    }
}
