package io.nara.ingest.notify;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhook signature: {@code X-Nara-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">} with the shared
 * secret, and {@code X-Nara-Timestamp}. The timestamp is inside the MAC so a receiver can refuse old replays.
 */
public final class WebhookSigner {

    public static final String SIGNATURE = "X-Nara-Signature";
    public static final String TIMESTAMP = "X-Nara-Timestamp";
    public static final String DELIVERY = "X-Nara-Delivery";

    private WebhookSigner() {}

    public static String sign(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) '.');
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** For receivers: constant-time check. */
    public static boolean verify(String secret, String timestamp, byte[] body, String signature) {
        return signature != null
                && MessageDigest.isEqual(
                        sign(secret, timestamp, body).getBytes(StandardCharsets.UTF_8),
                        signature.getBytes(StandardCharsets.UTF_8));
    }
}
