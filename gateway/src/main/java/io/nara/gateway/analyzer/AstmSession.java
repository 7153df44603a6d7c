package io.nara.gateway.analyzer;

import io.nara.devices.DecodeException;
import io.nara.devices.Quirks;
import io.nara.devices.analyzer.Analytes;
import io.nara.devices.analyzer.AnalyzerReport;
import io.nara.devices.astm.AstmFrames;
import io.nara.devices.astm.AstmLinkReceiver;
import io.nara.devices.astm.AstmRecords;
import io.nara.gateway.pipeline.ReadingPipeline;
import io.nara.gateway.pipeline.RejectedReadingException;
import io.vertx.core.Context;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ASTM E1381 receiving session: thin I/O around the pure {@link AstmLinkReceiver} and {@link AstmRecords}.
 * Driven on one Vert.x context (bytes, timers and pipeline callbacks all run there), so it needs no locks.
 *
 * <p>The hub only ever receives: it never bids for the line with ENQ, so E1381 contention (both sides sending ENQ) can
 * only end with the instrument sending, which is what the standard gives the instrument priority for anyway.
 *
 * <p>The last frame of a message is acknowledged only after the outbox holds its results. A message the hub cannot
 * use is quarantined and refused ({@link AstmLinkReceiver#rejected()}): its last frame and every retransmission are
 * NAKed at once until the instrument ends with EOT, so it keeps the message and sends it again in a later session.
 */
final class AstmSession {

    private static final Logger LOG = LoggerFactory.getLogger(AstmSession.class);

    private final Context context;
    private final ReadingPipeline pipeline;
    private final AnalyzerEndpoint endpoint;
    private final ByteLink link;
    private final AstmRecords records;
    private final long timeoutMs;
    private final AnalyzerEvents events;
    private final AstmLinkReceiver receiver;
    private long timer = -1;
    private boolean closed;

    AstmSession(
            Context context,
            ReadingPipeline pipeline,
            AnalyzerEndpoint endpoint,
            Analytes analytes,
            Quirks quirks,
            ByteLink link,
            long timeoutMs,
            AnalyzerEvents events) {
        this.context = context;
        this.pipeline = pipeline;
        this.endpoint = endpoint;
        this.link = link;
        this.records = new AstmRecords(analytes, quirks);
        this.receiver = new AstmLinkReceiver(quirks);
        this.timeoutMs = timeoutMs;
        this.events = events;
    }

    /** Bytes from the instrument; call on this session's context. */
    void onBytes(byte[] bytes) {
        if (closed) {
            return;
        }
        restartTimer();
        perform(receiver.onBytes(bytes));
    }

    void close() {
        closed = true;
        cancelTimer();
    }

    private void perform(List<AstmLinkReceiver.Action> actions) {
        for (AstmLinkReceiver.Action action : actions) {
            if (action instanceof AstmLinkReceiver.Send send) {
                if (send.bytes().length == 1 && send.bytes()[0] == AstmFrames.NAK) {
                    events.frameRejected(endpoint.deviceId());
                }
                link.write(send.bytes());
            } else if (action instanceof AstmLinkReceiver.Deliver deliver) {
                deliver(deliver.records());
            } else if (action instanceof AstmLinkReceiver.Aborted aborted) {
                LOG.warn("ASTM session with {} aborted: {}", endpoint.deviceId(), aborted.reason());
                cancelTimer();
            }
        }
    }

    private void deliver(List<String> recs) {
        cancelTimer(); // the instrument now waits for us; its own 15 s timer runs
        byte[] raw = String.join("\r", recs).concat("\r").getBytes(StandardCharsets.ISO_8859_1);
        events.messageReceived(endpoint.deviceId());
        AnalyzerReport report;
        try {
            report = records.parse(recs);
        } catch (DecodeException e) {
            refuse(raw, "ASTM message cannot be used: " + e.getMessage());
            return;
        }
        if (report.results().isEmpty()) {
            refuse(
                    raw,
                    "ASTM message holds no result Nära knows"
                            + (report.skipped().isEmpty() ? "" : ": " + String.join("; ", report.skipped())));
            return;
        }
        if (!report.skipped().isEmpty()) {
            pipeline.quarantine(
                    endpoint.deviceId(),
                    endpoint.source(),
                    raw,
                    "results skipped: " + String.join("; ", report.skipped()));
        }
        AnalyzerResults.store(pipeline, endpoint, raw, report)
                .onComplete(stored -> context.runOnContext(v -> {
                    if (closed) {
                        return; // the line is gone; unacknowledged, the instrument sends the message again
                    }
                    if (stored.succeeded()) {
                        events.resultsStored(
                                endpoint.deviceId(), stored.result().size());
                        perform(receiver.stored());
                    } else if (stored.cause() instanceof RejectedReadingException) {
                        nakAndStartOver();
                    } else {
                        LOG.error(
                                "ASTM results from {} not stored ({}); not acknowledged, the instrument keeps them",
                                endpoint.deviceId(),
                                stored.cause().getMessage());
                        nakAndStartOver();
                    }
                }));
    }

    private void refuse(byte[] raw, String problem) {
        pipeline.quarantine(endpoint.deviceId(), endpoint.source(), raw, problem)
                .onComplete(r -> context.runOnContext(v -> nakAndStartOver()));
    }

    /** NAKs the message's last frame and its retransmissions until the instrument ends with EOT; it keeps them. */
    private void nakAndStartOver() {
        if (closed) {
            return;
        }
        restartTimer();
        perform(receiver.rejected());
    }

    private void restartTimer() {
        cancelTimer();
        timer = context.owner().setTimer(timeoutMs, id -> {
            timer = -1;
            perform(receiver.onTimeout());
        });
    }

    private void cancelTimer() {
        if (timer >= 0) {
            context.owner().cancelTimer(timer);
            timer = -1;
        }
    }
}
