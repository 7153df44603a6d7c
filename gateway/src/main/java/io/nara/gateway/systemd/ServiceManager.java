package io.nara.gateway.systemd;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd that the hub is ready ({@code Type=notify}) and, while it is healthy, alive ({@code WatchdogSec=}).
 *
 * <p>The notification socket is a datagram socket, which Java cannot open without a native library; the hub runs
 * systemd's own {@code systemd-notify} instead (the unit sets {@code NotifyAccess=all}, since the message comes from
 * that child). {@code systemd-notify} waits until systemd has read the message (a barrier), so systemd can still
 * tell which service the short-lived child belongs to. Outside systemd ({@code NOTIFY_SOCKET} unset) it does nothing.
 */
public final class ServiceManager {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceManager.class);

    private final Vertx vertx;
    private final boolean enabled;
    /** Half the watchdog period, or null without a watchdog. */
    private final Duration pingEvery;

    private long timer = -1;

    private ServiceManager(Vertx vertx, boolean enabled, Duration pingEvery) {
        this.vertx = vertx;
        this.enabled = enabled;
        this.pingEvery = pingEvery;
    }

    /** From the environment systemd gives a service: NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID. */
    public static ServiceManager fromEnvironment(Vertx vertx, Map<String, String> env) {
        boolean enabled =
                env.get("NOTIFY_SOCKET") != null && !env.get("NOTIFY_SOCKET").isBlank();
        Duration ping = null;
        String usec = env.get("WATCHDOG_USEC");
        String pid = env.get("WATCHDOG_PID");
        if (enabled
                && usec != null
                && (pid == null
                        || pid.equals(Long.toString(ProcessHandle.current().pid())))) {
            try {
                ping = Duration.ofNanos(Long.parseLong(usec) * 1_000 / 2);
            } catch (NumberFormatException e) {
                LOG.warn("ignoring WATCHDOG_USEC '{}': not a number", usec);
            }
        }
        return new ServiceManager(vertx, enabled, ping);
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * Says the hub is ready and starts the watchdog pings: each ping is sent only after {@code healthy} completed,
     * so a stuck event loop or outbox thread stops them and systemd restarts the hub.
     */
    public void ready(String status, Supplier<Future<?>> healthy) {
        if (!enabled) {
            return;
        }
        notify("--ready", "--status=" + status);
        if (pingEvery != null) {
            timer = vertx.setPeriodic(
                    pingEvery.toMillis(),
                    id -> healthy.get()
                            .onSuccess(v -> notify("WATCHDOG=1"))
                            .onFailure(e -> LOG.error("not telling systemd the hub is alive: {}", e.getMessage(), e)));
        }
    }

    /** Before a clean stop. */
    public void stopping() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (enabled) {
            notify("--status=stopping", "STOPPING=1");
        }
    }

    private void notify(String... arguments) {
        List<String> command = new ArrayList<>(List.of("systemd-notify"));
        command.addAll(List.of(arguments));
        vertx.executeBlocking(
                        () -> {
                            Process process = new ProcessBuilder(command)
                                    .redirectErrorStream(true)
                                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                                    .start();
                            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                                process.destroyForcibly();
                                throw new IOException("systemd-notify did not finish within 30 s");
                            }
                            if (process.exitValue() != 0) {
                                throw new IOException("systemd-notify exited with " + process.exitValue());
                            }
                            return null;
                        },
                        false)
                .onFailure(
                        e -> LOG.warn("cannot notify systemd ({}): {}", String.join(" ", arguments), e.getMessage()));
    }
}
