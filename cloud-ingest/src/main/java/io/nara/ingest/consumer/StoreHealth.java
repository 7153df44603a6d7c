package io.nara.ingest.consumer;

import io.nara.ingest.db.Database;
import io.vertx.core.Future;

/**
 * Whether the node's stores answered last time they were used or checked, for {@code /health}: the message handler and
 * the node's periodic checks both report here.
 */
public final class StoreHealth {

    private volatile boolean influxOk = true;
    private volatile boolean postgresOk = true;

    /** Notes whether PostgreSQL answered; a refused value proves it did. */
    public <T> Future<T> track(Future<T> postgresWork) {
        return postgresWork.andThen(r -> postgresOk = r.succeeded() || Database.isDataError(r.cause()));
    }

    public void influx(boolean ok) {
        influxOk = ok;
    }

    public boolean influxOk() {
        return influxOk;
    }

    public boolean postgresOk() {
        return postgresOk;
    }
}
