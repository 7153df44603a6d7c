package io.nara.ingest.notify;

import java.net.URI;
import java.time.Duration;

/**
 * How this node delivers notifications: the channels (webhook, SMTP) and the delivery scan's pace and retries.
 *
 * @param dispatchEvery  how often this node looks for notifications to deliver
 * @param webhookUrl     the SMS or paging gateway; null for none
 * @param webhookSecret  the HMAC-SHA256 key the gateway verifies the body with
 * @param webhookTimeout how long a delivery may take before it counts as failed
 * @param maxAttempts    deliveries tried before a notification goes to the dead-letter list
 * @param retryBase      the first retry's delay; doubled for each further one
 * @param retryCap       the longest delay between two tries
 * @param smtp           the mail server; null for no e-mail
 * @param inboxUrl       the inbox's address, for links in messages
 */
public record ChannelSettings(
        Duration dispatchEvery,
        URI webhookUrl,
        String webhookSecret,
        Duration webhookTimeout,
        int maxAttempts,
        Duration retryBase,
        Duration retryCap,
        Smtp smtp,
        String inboxUrl) {

    /** An SMTP server; user null for none. */
    public record Smtp(String host, int port, String from, String user, String password, boolean startTls) {
        @Override
        public String toString() {
            return "Smtp[" + host + ":" + port + " from " + from + "]";
        }
    }

    public ChannelSettings {
        if (webhookUrl != null && (webhookSecret == null || webhookSecret.length() < 16)) {
            throw new IllegalArgumentException("a webhook needs a secret of at least 16 characters");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
    }

    public static ChannelSettings defaults() {
        return new ChannelSettings(
                Duration.ofSeconds(1),
                null,
                null,
                Duration.ofSeconds(10),
                10,
                Duration.ofSeconds(2),
                Duration.ofMinutes(5),
                null,
                "http://127.0.0.1:8080/");
    }

    public ChannelSettings withDispatchEvery(Duration every) {
        return new ChannelSettings(
                every, webhookUrl, webhookSecret, webhookTimeout, maxAttempts, retryBase, retryCap, smtp, inboxUrl);
    }

    public ChannelSettings withWebhook(
            URI url, String secret, Duration timeout, int attempts, Duration base, Duration cap) {
        return new ChannelSettings(dispatchEvery, url, secret, timeout, attempts, base, cap, smtp, inboxUrl);
    }

    public ChannelSettings withSmtp(Smtp server) {
        return new ChannelSettings(
                dispatchEvery,
                webhookUrl,
                webhookSecret,
                webhookTimeout,
                maxAttempts,
                retryBase,
                retryCap,
                server,
                inboxUrl);
    }

    public ChannelSettings withInboxUrl(String inbox) {
        return new ChannelSettings(
                dispatchEvery,
                webhookUrl,
                webhookSecret,
                webhookTimeout,
                maxAttempts,
                retryBase,
                retryCap,
                smtp,
                inbox);
    }

    @Override
    public String toString() {
        return "ChannelSettings[webhook " + webhookUrl + ", " + smtp + "]";
    }
}
