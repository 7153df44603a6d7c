package io.nara.ingest.routing;

import io.nara.ingest.escalation.ReminderSchedule;
import java.net.URI;
import java.time.Duration;

/**
 * How an ingest node routes, escalates and notifies, and how people sign in.
 *
 * @param escalationScanEvery how often this node looks for alerts due to escalate (every node does; the database
 *                            lets exactly one of them escalate each alert)
 * @param dispatchEvery       how often this node looks for notifications to deliver
 * @param webhookUrl          the SMS or paging gateway; null for none
 * @param webhookSecret       the HMAC-SHA256 key the gateway verifies the body with
 * @param webhookTimeout      how long a delivery may take before it counts as failed
 * @param maxAttempts         deliveries tried before a notification goes to the dead-letter list
 * @param retryBase           the first retry's delay; doubled for each further one
 * @param retryCap            the longest delay between two tries
 * @param smtp                the mail server; null for no e-mail
 * @param inboxUrl            the inbox's address, for links in messages
 * @param secureCookies       send the session cookie only over HTTPS (off only for a loopback test or demo)
 * @param lockoutAfter        failed sign-ins of a user name before each further one doubles the wait (see SignInThrottle)
 * @param lockoutFor          the longest wait of a source address after failed sign-ins, and how long failures count
 * @param sessionLength       how long a sign-in lasts: a long shift and its handover
 * @param reminders           when an acknowledged, unresolved alert reminds its owner and then returns to the team
 */
public record AlertingSettings(Duration escalationScanEvery, Duration dispatchEvery, URI webhookUrl,
                               String webhookSecret, Duration webhookTimeout, int maxAttempts, Duration retryBase,
                               Duration retryCap, Smtp smtp, String inboxUrl, boolean secureCookies, int lockoutAfter,
                               Duration lockoutFor, Duration sessionLength, ReminderSchedule reminders) {

    /** An SMTP server; user null for none. */
    public record Smtp(String host, int port, String from, String user, String password, boolean startTls) {
        @Override
        public String toString() {
            return "Smtp[" + host + ":" + port + " from " + from + "]";
        }
    }

    public AlertingSettings {
        if (webhookUrl != null && (webhookSecret == null || webhookSecret.length() < 16)) {
            throw new IllegalArgumentException("a webhook needs a secret of at least 16 characters");
        }
        if (reminders == null) {
            throw new IllegalArgumentException("reminders must be set (ReminderSchedule.defaults())");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
    }

    public static AlertingSettings defaults() {
        return new AlertingSettings(Duration.ofSeconds(5), Duration.ofSeconds(1), null, null, Duration.ofSeconds(10),
                10, Duration.ofSeconds(2), Duration.ofMinutes(5), null, "http://127.0.0.1:8080/", true, 5,
                Duration.ofMinutes(15), Duration.ofHours(13), ReminderSchedule.defaults());
    }

    public AlertingSettings withScans(Duration escalation, Duration dispatch) {
        return new AlertingSettings(escalation, dispatch, webhookUrl, webhookSecret, webhookTimeout, maxAttempts,
                retryBase, retryCap, smtp, inboxUrl, secureCookies, lockoutAfter, lockoutFor, sessionLength, reminders);
    }

    public AlertingSettings withWebhook(URI url, String secret, Duration timeout, int attempts, Duration base,
                                        Duration cap) {
        return new AlertingSettings(escalationScanEvery, dispatchEvery, url, secret, timeout, attempts, base, cap, smtp,
                inboxUrl, secureCookies, lockoutAfter, lockoutFor, sessionLength, reminders);
    }

    public AlertingSettings withSmtp(Smtp server) {
        return new AlertingSettings(escalationScanEvery, dispatchEvery, webhookUrl, webhookSecret, webhookTimeout,
                maxAttempts, retryBase, retryCap, server, inboxUrl, secureCookies, lockoutAfter, lockoutFor,
                sessionLength, reminders);
    }

    public AlertingSettings withWeb(String inbox, boolean secure) {
        return new AlertingSettings(escalationScanEvery, dispatchEvery, webhookUrl, webhookSecret, webhookTimeout,
                maxAttempts, retryBase, retryCap, smtp, inbox, secure, lockoutAfter, lockoutFor, sessionLength, reminders);
    }

    public AlertingSettings withReminders(ReminderSchedule schedule) {
        return new AlertingSettings(escalationScanEvery, dispatchEvery, webhookUrl, webhookSecret, webhookTimeout,
                maxAttempts, retryBase, retryCap, smtp, inboxUrl, secureCookies, lockoutAfter, lockoutFor,
                sessionLength, schedule);
    }

    @Override
    public String toString() {
        return "AlertingSettings[scan " + escalationScanEvery + ", webhook " + webhookUrl + ", " + smtp + ", reminders " + reminders + "]";
    }
}
