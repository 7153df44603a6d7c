package io.nara.ingest.enrol;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * A hub's account at the broker. The broker grants nothing to a certificate it does not know (the dynamic-security
 * plugin refuses subscriptions outside a client's rights at subscribe time, which an ACL file cannot), so a hub that
 * enrols is granted its own topics before it is handed its certificate, and a hub that is revoked or returned loses
 * its account at once (the plugin also disconnects a session it still has). Idempotent both ways.
 */
public final class BrokerAccounts {

    private final Vertx vertx;
    private final BrokerCommand command;

    /** @param command run as {@code command grant HUB} and {@code command remove HUB}; none: the broker needs nothing */
    public BrokerAccounts(Vertx vertx, BrokerCommand command) {
        this.vertx = vertx;
        this.command = command;
    }

    public Future<Void> grant(String hubId) {
        return run("grant", hubId);
    }

    public Future<Void> remove(String hubId) {
        return run("remove", hubId);
    }

    private Future<Void> run(String action, String hubId) {
        if (command.isNone()) {
            return Future.succeededFuture();
        }
        return vertx.executeBlocking(
                () -> {
                    command.run(action, hubId);
                    return null;
                },
                false);
    }
}
