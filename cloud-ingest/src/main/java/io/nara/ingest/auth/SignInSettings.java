package io.nara.ingest.auth;

import java.time.Duration;

/**
 * How people sign in.
 *
 * @param secureCookies send the session cookie only over HTTPS (off only for a loopback test or demo)
 * @param lockoutAfter  failed sign-ins of a user name before each further one doubles the wait (see SignInThrottle)
 * @param lockoutFor    the longest wait of a source address after failed sign-ins, and how long failures count
 * @param sessionLength how long a sign-in lasts: a long shift and its handover
 */
public record SignInSettings(boolean secureCookies, int lockoutAfter, Duration lockoutFor, Duration sessionLength) {

    public static SignInSettings defaults() {
        return new SignInSettings(true, 5, Duration.ofMinutes(15), Duration.ofHours(13));
    }

    public SignInSettings withSecureCookies(boolean secure) {
        return new SignInSettings(secure, lockoutAfter, lockoutFor, sessionLength);
    }
}
