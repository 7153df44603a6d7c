package io.nara.protocol.message;

import static io.nara.protocol.Checks.requireNonNull;

import io.nara.protocol.SchemaVersion;

/** Topic {@code alert}: one alert. Alerts travel alone so they never wait behind a backlog of observations. */
public record AlertMessage(int v, Alert alert) {

    public AlertMessage {
        SchemaVersion.require(v);
        requireNonNull(alert, "alert");
    }

    public static AlertMessage of(Alert alert) {
        return new AlertMessage(SchemaVersion.CURRENT, alert);
    }
}
