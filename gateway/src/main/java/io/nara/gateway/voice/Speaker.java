package io.nara.gateway.voice;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says sentences through {@code espeak-ng} (rendered to a WAV file) and a player ({@code aplay}), one at a time on a
 * thread of its own, never on the event loop. Each process has a time limit and is killed past it; the queue is
 * bounded ({@link SpeechQueue}). A missing {@code espeak-ng} or player, or a sound device that fails, is logged once
 * and the hub goes on: the LED still shows, and no reading waits for a sentence.
 */
public final class Speaker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Speaker.class);
    /** Sentences kept for the status page and tests: what was handed to the player. */
    private static final int HISTORY = 20;

    /**
     * @param espeak  the renderer's command, e.g. {@code espeak-ng}
     * @param voice   its voice, {@code sv} (Swedish)
     * @param wordsPerMinute speaking rate; slower than espeak's 175 for older listeners
     * @param player  the player's command before the WAV file, e.g. {@code aplay -q}
     * @param timeout for each of the two processes
     * @param queue   sentences that may wait
     */
    public record Settings(
            String espeak, String voice, int wordsPerMinute, List<String> player, Duration timeout, int queue) {

        public Settings {
            player = List.copyOf(player);
            if (player.isEmpty()) {
                throw new IllegalArgumentException("the voice needs a player command, e.g. aplay -q");
            }
        }

        public static Settings defaults() {
            return new Settings("espeak-ng", "sv", 140, List.of("aplay", "-q"), Duration.ofSeconds(15), 4);
        }

        public Settings withPlayer(List<String> command) {
            return new Settings(espeak, voice, wordsPerMinute, command, timeout, queue);
        }
    }

    private final Settings settings;
    private final Path workDir;
    private final ExecutorService thread;
    private final SpeechQueue queue;
    private final Deque<String> played = new ArrayDeque<>();
    private final AtomicBoolean rendererReported = new AtomicBoolean();
    private final AtomicBoolean playerReported = new AtomicBoolean();
    private volatile int volume = 70;

    public Speaker(Settings settings, Path workDir) {
        this.settings = settings;
        this.workDir = workDir;
        this.queue = new SpeechQueue(settings.queue());
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "nara-voice");
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues a sentence at a volume of 0..100; returns at once. */
    public void say(Utterance u, int volume) {
        this.volume = volume;
        synchronized (queue) {
            queue.offer(u).ifPresent(dropped -> LOG.info("voice queue full: '{}' is not said", dropped.text()));
        }
        thread.execute(this::speakNext);
    }

    /** What was handed to the player, oldest first (at most the last 20). */
    public List<String> played() {
        synchronized (played) {
            return new ArrayList<>(played);
        }
    }

    private void speakNext() {
        Utterance next;
        synchronized (queue) {
            next = queue.poll().orElse(null);
        }
        if (next == null) {
            return;
        }
        Path wav = null;
        try {
            wav = Files.createTempFile(workDir, "nara-voice-", ".wav");
            if (!render(next.text(), volume, wav)) {
                return;
            }
            List<String> play = new ArrayList<>(settings.player());
            play.add(wav.toString());
            String failure = run(play);
            if (failure != null) {
                report(
                        playerReported,
                        "cannot play the hub's voice (" + failure + "); check the sound device and "
                                + "alsa-utils (aplay)");
                return;
            }
            synchronized (played) {
                played.addLast(next.text());
                while (played.size() > HISTORY) {
                    played.removeFirst();
                }
            }
        } catch (IOException e) {
            LOG.warn("voice: cannot prepare '{}': {}", next.text(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (wav != null) {
                try {
                    Files.deleteIfExists(wav);
                } catch (IOException e) {
                    LOG.debug("voice: cannot remove {}: {}", wav, e.getMessage());
                }
            }
        }
    }

    /**
     * Renders a sentence to a WAV file with espeak-ng; false (reported once) when it cannot.
     *
     * @param volume 0..100, espeak-ng's amplitude (its default is 100; above it Swedish sentences clip)
     */
    public boolean render(String text, int volume, Path wav) throws InterruptedException {
        String failure = run(List.of(
                settings.espeak(),
                "-v",
                settings.voice(),
                "-s",
                Integer.toString(settings.wordsPerMinute()),
                "-a",
                Integer.toString(Math.max(0, Math.min(100, volume))),
                "-w",
                wav.toString(),
                "--",
                text));
        if (failure != null) {
            report(
                    rendererReported,
                    "cannot render the hub's voice with " + settings.espeak() + " (" + failure
                            + "); install the Debian package espeak-ng. The hub goes on without speaking");
            return false;
        }
        return true;
    }

    /** Runs a command with the time limit; null when it succeeded, else what went wrong. */
    private String run(List<String> command) throws InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.PIPE)
                    .start();
        } catch (IOException e) {
            return command.get(0) + " not found: " + e.getMessage();
        }
        if (!p.waitFor(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            return command.get(0) + " did not finish within " + settings.timeout();
        }
        if (p.exitValue() != 0) {
            String out;
            try {
                out = new String(p.getInputStream().readNBytes(500), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                out = e.getMessage();
            }
            return command.get(0) + " exited with " + p.exitValue() + (out.isEmpty() ? "" : ": " + out);
        }
        return null;
    }

    /** The first failure of a kind is a warning in the log; later ones only debug lines, so the log is not flooded. */
    private static void report(AtomicBoolean reported, String message) {
        if (reported.compareAndSet(false, true)) {
            LOG.warn("{} (said once; later failures are logged at debug level)", message);
        } else {
            LOG.debug(message);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
