package io.nara.ingest.alerting;

import io.nara.ingest.auth.SignInSettings;
import io.nara.ingest.notify.ChannelSettings;
import java.net.URI;
import java.time.Duration;

/**
 * A node's settings for alerts and the people who handle them, as the command line gives them: each part goes to
 * its owner (escalation and reminders to alerting, channels to notify, sign-in to auth).
 */
public record AlertingSettings(EscalationSettings escalation, ChannelSettings channels, SignInSettings signIn) {

    public static AlertingSettings defaults() {
        return new AlertingSettings(
                EscalationSettings.defaults(), ChannelSettings.defaults(), SignInSettings.defaults());
    }

    public AlertingSettings withScans(Duration escalation, Duration dispatch) {
        return new AlertingSettings(
                new EscalationSettings(escalation, this.escalation.reminders()),
                channels.withDispatchEvery(dispatch),
                signIn);
    }

    public AlertingSettings withWebhook(
            URI url, String secret, Duration timeout, int attempts, Duration base, Duration cap) {
        return new AlertingSettings(
                escalation, channels.withWebhook(url, secret, timeout, attempts, base, cap), signIn);
    }

    public AlertingSettings withSmtp(ChannelSettings.Smtp server) {
        return new AlertingSettings(escalation, channels.withSmtp(server), signIn);
    }

    /** The public address (links in messages, the HTTPS redirect) and whether the session cookie is HTTPS-only. */
    public AlertingSettings withWeb(String inbox, boolean secure) {
        return new AlertingSettings(escalation, channels.withInboxUrl(inbox), signIn.withSecureCookies(secure));
    }

    public AlertingSettings withReminders(ReminderSchedule schedule) {
        return new AlertingSettings(new EscalationSettings(escalation.scanEvery(), schedule), channels, signIn);
    }

    public AlertingSettings withSignIn(SignInSettings settings) {
        return new AlertingSettings(escalation, channels, settings);
    }
}
