package io.nara.gateway.clock;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Whether the hub's wall clock is known to be right. A Pi has no battery-backed clock: after a power cut it starts
 * at whatever time it last saved until NTP corrects it, and readings stamped meanwhile would carry a wrong date.
 * Implementations may block (a file check, a process): call {@link #synchronizedNow()} from a worker thread.
 */
@FunctionalInterface
public interface HubClock {

    /** Checks the clock now. */
    boolean synchronizedNow();

    /** For development and tests: the clock is taken as right. */
    static HubClock assumeSynchronized() {
        return () -> true;
    }

    /**
     * systemd-timesyncd: it creates {@code /run/systemd/timesync/synchronized} once it has synchronised the clock
     * (systemd 239 and later, Raspberry Pi OS included).
     */
    static HubClock timesyncd() {
        return file(Path.of("/run/systemd/timesync/synchronized"));
    }

    /** The clock is right while {@code marker} exists; for setups that decide it themselves (and for tests). */
    static HubClock file(Path marker) {
        return () -> Files.exists(marker);
    }

    /** chrony: {@code chronyc tracking} says "Leap status : Normal" once it is synchronised. */
    static HubClock chrony() {
        return () -> {
            try {
                Process p = new ProcessBuilder("chronyc", "-n", "tracking")
                        .redirectErrorStream(true)
                        .start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                return p.waitFor(5, TimeUnit.SECONDS)
                        && p.exitValue() == 0
                        && out.lines()
                                .anyMatch(l ->
                                        l.startsWith("Leap status") && l.trim().endsWith("Normal"));
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        };
    }

    /** {@code assume}, {@code timesyncd}, {@code chrony} or {@code file:/path}. */
    static HubClock parse(String source) {
        if (source.startsWith("file:")) {
            return file(Path.of(source.substring(5)));
        }
        return switch (source) {
            case "assume" -> assumeSynchronized();
            case "timesyncd" -> timesyncd();
            case "chrony" -> chrony();
            default ->
                throw new IllegalArgumentException(
                        "clock source '" + source + "' is not one of assume, timesyncd, chrony, file:/path");
        };
    }

    /** This boot's id, so monotonic times are compared only within one boot; a random one where Linux has none. */
    static String bootId() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
        } catch (IOException e) {
            return "process-" + UUID.randomUUID();
        }
    }
}
