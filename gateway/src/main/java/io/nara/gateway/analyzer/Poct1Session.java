package io.nara.gateway.analyzer;

import io.nara.devices.analyzer.Analytes;
import io.nara.devices.analyzer.AnalyzerReport;
import io.nara.devices.poct1.Poct1Conversation;
import io.nara.devices.poct1.Poct1Observations;
import io.nara.gateway.pipeline.ReadingPipeline;
import io.nara.gateway.pipeline.RejectedReadingException;
import io.vertx.core.Context;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One POCT1-A2 device conversation over TCP: XML messages split from the stream ({@link XmlMessageSplitter}) and fed
 * to the pure {@link Poct1Conversation}. An observation is acknowledged (ACK AA) only after the outbox holds it.
 *
 * <p>An observation message whose results Nära cannot map at all (unknown test codes only), or that the pipeline
 * refuses, is quarantined for inspection and answered ACK AE with the reason: the device is never told "received"
 * for data the outbox does not hold, and keeps it. Undecodable XML is answered ACK AE by the conversation itself.
 */
final class Poct1Session {

    private static final Logger LOG = LoggerFactory.getLogger(Poct1Session.class);

    private final Context context;
    private final ReadingPipeline pipeline;
    private final AnalyzerEndpoint endpoint;
    private final ByteLink link;
    private final Poct1Conversation conversation;
    private final XmlMessageSplitter splitter = new XmlMessageSplitter();
    private final long timeoutMs;
    private final AnalyzerEvents events;
    private long timer = -1;
    private boolean closed;

    Poct1Session(
            Context context,
            ReadingPipeline pipeline,
            AnalyzerEndpoint endpoint,
            Analytes analytes,
            ByteLink link,
            long timeoutMs,
            Clock clock,
            AnalyzerEvents events) {
        this.context = context;
        this.pipeline = pipeline;
        this.endpoint = endpoint;
        this.link = link;
        this.conversation = new Poct1Conversation(clock, new Poct1Observations(analytes));
        this.timeoutMs = timeoutMs;
        this.events = events;
        restartTimer();
    }

    void onBytes(byte[] bytes) {
        if (closed) {
            return;
        }
        restartTimer();
        List<byte[]> messages;
        try {
            messages = splitter.feed(bytes);
        } catch (IllegalArgumentException e) {
            LOG.warn("POCT1 stream from {} is not XML messages ({}); hanging up", endpoint.deviceId(), e.getMessage());
            pipeline.quarantine(endpoint.deviceId(), endpoint.source(), bytes, e.getMessage());
            hangUp();
            return;
        }
        for (byte[] message : messages) {
            events.messageReceived(endpoint.deviceId());
            perform(conversation.onMessage(message), message);
        }
    }

    void close() {
        closed = true;
        cancelTimer();
    }

    private void perform(List<Poct1Conversation.Action> actions, byte[] message) {
        for (Poct1Conversation.Action action : actions) {
            if (closed) {
                return;
            }
            if (action instanceof Poct1Conversation.Send send) {
                link.write(send.xml());
            } else if (action instanceof Poct1Conversation.Deliver deliver) {
                deliver(deliver.controlId(), deliver.report(), message);
            } else if (action instanceof Poct1Conversation.Rejected rejected) {
                LOG.warn("POCT1 from {}: {}", endpoint.deviceId(), rejected.problem());
                events.frameRejected(endpoint.deviceId());
                if (message != null) {
                    pipeline.quarantine(endpoint.deviceId(), endpoint.source(), message, rejected.problem());
                }
            } else if (action instanceof Poct1Conversation.Finished finished) {
                LOG.info("POCT1 conversation with {} finished: {}", endpoint.deviceId(), finished.reason());
                hangUp();
            }
        }
    }

    private void deliver(String controlId, AnalyzerReport report, byte[] message) {
        if (!report.skipped().isEmpty()) {
            pipeline.quarantine(
                    endpoint.deviceId(),
                    endpoint.source(),
                    message,
                    "results skipped: " + String.join("; ", report.skipped()));
        }
        if (report.results().isEmpty()) {
            // Quarantined above for inspection, but not stored as results: the device must not count it received.
            String problem = "no result Nära knows"
                    + (report.skipped().isEmpty() ? "" : ": " + String.join("; ", report.skipped()));
            context.runOnContext(v -> perform(conversation.refused(controlId, problem), null));
            return;
        }
        AnalyzerResults.store(pipeline, endpoint, message, report)
                .onComplete(stored -> context.runOnContext(v -> {
                    if (closed) {
                        return;
                    }
                    if (stored.succeeded()) {
                        events.resultsStored(
                                endpoint.deviceId(), stored.result().size());
                        perform(conversation.stored(controlId), null);
                    } else if (stored.cause() instanceof RejectedReadingException rejected) {
                        // The pipeline refused them (kept in quarantine): ACK AE, the device keeps the observation.
                        perform(conversation.refused(controlId, rejected.getMessage()), null);
                    } else {
                        // Unacknowledged: the device keeps the observation and offers it in its next conversation.
                        LOG.error(
                                "POCT1 observation {} from {} not stored: {}; hanging up unacknowledged",
                                controlId,
                                endpoint.deviceId(),
                                stored.cause().getMessage());
                        hangUp();
                    }
                }));
    }

    private void hangUp() {
        close();
        link.close();
    }

    private void restartTimer() {
        cancelTimer();
        timer = context.owner().setTimer(timeoutMs, id -> {
            timer = -1;
            perform(conversation.onTimeout(), null);
        });
    }

    private void cancelTimer() {
        if (timer >= 0) {
            context.owner().cancelTimer(timer);
            timer = -1;
        }
    }
}
