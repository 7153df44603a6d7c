package io.nara.gateway.analyzer;

import com.fazecast.jSerialComm.SerialPort;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ASTM analyzer on a serial line (jSerialComm). Serial reads block, so the port has its own reader thread; bytes
 * are handed to the session on a Vert.x context, and the session's answers go to a second thread that writes them
 * (jSerialComm allows a write while a read is pending), so neither the event loop nor the reader ever waits on the
 * line.
 *
 * <p>A port that is missing or fails (USB adapter unplugged) is reopened with backoff up to 30 s, without a restart.
 */
final class SerialAnalyzerPort {

    private static final Logger LOG = LoggerFactory.getLogger(SerialAnalyzerPort.class);

    private final Vertx vertx;
    private final AnalyzerEndpoint endpoint;
    private final BiFunction<Context, ByteLink, AstmSession> sessions;
    private final AnalyzerEvents events;
    private final ExecutorService thread;
    private final ExecutorService writer;
    private volatile boolean running;
    private volatile SerialPort port;

    SerialAnalyzerPort(
            Vertx vertx,
            AnalyzerEndpoint endpoint,
            BiFunction<Context, ByteLink, AstmSession> sessions,
            AnalyzerEvents events) {
        this.vertx = vertx;
        this.endpoint = endpoint;
        this.sessions = sessions;
        this.events = events;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "nara-serial-" + endpoint.deviceId());
            t.setDaemon(true);
            return t;
        });
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "nara-serial-write-" + endpoint.deviceId());
            t.setDaemon(true);
            return t;
        });
    }

    /** Completes once the port is open the first time (or the first attempt failed: it keeps retrying). */
    Future<Void> start() {
        running = true;
        Promise<Void> firstAttempt = Promise.promise();
        thread.execute(() -> run(firstAttempt));
        return firstAttempt.future();
    }

    Future<Void> stop() {
        running = false;
        SerialPort p = port;
        if (p != null) {
            p.closePort(); // unblocks the read
        }
        thread.shutdown();
        writer.shutdown();
        return vertx.executeBlocking(() ->
                        thread.awaitTermination(10, TimeUnit.SECONDS) && writer.awaitTermination(10, TimeUnit.SECONDS))
                .mapEmpty();
    }

    private void run(Promise<Void> firstAttempt) {
        long backoffMs = 500;
        while (running) {
            SerialPort p = SerialPort.getCommPort(endpoint.path());
            p.setComPortParameters(endpoint.baud(), 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
            p.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
            // Semi-blocking with a timeout so stop() is noticed even on a silent line.
            p.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, 500, 0);
            if (!p.openPort()) {
                LOG.warn(
                        "serial port {} of analyzer {} cannot be opened; retrying in {} ms",
                        endpoint.path(),
                        endpoint.deviceId(),
                        backoffMs);
                firstAttempt.tryComplete();
                sleepQuietly(backoffMs);
                backoffMs = Math.min(backoffMs * 2, 30_000);
                continue;
            }
            backoffMs = 500;
            port = p;
            events.connected(endpoint.deviceId(), true);
            firstAttempt.tryComplete();
            LOG.info("ASTM analyzer {} on {} at {} baud", endpoint.deviceId(), endpoint.path(), endpoint.baud());
            read(p);
            p.closePort();
            port = null;
            events.connected(endpoint.deviceId(), false);
        }
    }

    private void read(SerialPort p) {
        Context context = vertx.getOrCreateContext();
        ByteLink link = new ByteLink() {
            @Override
            public void write(byte[] bytes) {
                try {
                    writer.execute(() -> {
                        if (p.isOpen()) {
                            p.writeBytes(bytes, bytes.length);
                        }
                    });
                } catch (RejectedExecutionException e) {
                    // stopping: the instrument gets no answer and sends again in its next session
                }
            }

            @Override
            public void close() {
                // a serial line stays open: the session starts over on the next ENQ
            }
        };
        AstmSession session = sessions.apply(context, link);
        byte[] buffer = new byte[512];
        try {
            while (running && p.isOpen()) {
                int n = p.readBytes(buffer, buffer.length);
                if (n < 0) {
                    LOG.warn("serial port {} failed; reopening", endpoint.path());
                    return;
                }
                if (n > 0) {
                    byte[] bytes = Arrays.copyOf(buffer, n);
                    context.runOnContext(v -> session.onBytes(bytes));
                }
            }
        } finally {
            context.runOnContext(v -> session.close());
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
