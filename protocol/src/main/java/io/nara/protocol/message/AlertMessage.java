package io.nara.protocol.message;

import static io.nara.protocol.Checks.requireNonNull;
import static io.nara.protocol.Checks.requireOutboxId;

import io.nara.protocol.SchemaVersion;

/**
 * Topic {@code alert}: one alert. Alerts travel alone so they never wait behind a backlog of observations.
 * {@code outbox} names the hub's outbox, as in {@link ObservationBatch}.
 */
public record AlertMessage(int v, String outbox, Alert alert) {

    public AlertMessage {
        SchemaVersion.require(v);
        requireOutboxId(outbox);
        requireNonNull(alert, "alert");
    }

    public static AlertMessage of(String outbox, Alert alert) {
        return new AlertMessage(SchemaVersion.CURRENT, outbox, alert);
    }
}
