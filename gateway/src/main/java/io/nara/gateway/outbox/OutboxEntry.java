package io.nara.gateway.outbox;

import io.nara.protocol.message.Alert;
import io.nara.protocol.message.Observation;
import io.nara.protocol.message.ObservationFlag;

/** A record in the outbox: an observation or an alert, each with its sequence number. */
public sealed interface OutboxEntry {

    long seq();

    Kind kind();

    /** The message record as it is stored and sent. */
    Object body();

    /** The two kinds travel on different topics, and alerts go first. */
    enum Kind {
        OBSERVATION,
        ALERT
    }

    /**
     * An observation; {@code continuous} marks a sample of a high-rate stream (a pulse oximeter every second), which the
     * storage policy may thin when the outbox is full. A continuous entry's observation carries the
     * {@link ObservationFlag#CONTINUOUS_SAMPLE} flag on the wire (added here, so also to entries stored before the flag
     * existed), which the cloud keeps under its raw-sample retention.
     */
    record ObservationEntry(Observation observation, boolean continuous) implements OutboxEntry {

        public ObservationEntry {
            if (continuous) {
                observation = observation.withFlag(ObservationFlag.CONTINUOUS_SAMPLE);
            }
        }

        /** An entry that is continuous when its observation is flagged so. */
        public ObservationEntry(Observation observation) {
            this(observation, observation.has(ObservationFlag.CONTINUOUS_SAMPLE));
        }

        @Override
        public long seq() {
            return observation.seq();
        }

        @Override
        public Kind kind() {
            return Kind.OBSERVATION;
        }

        @Override
        public Object body() {
            return observation;
        }
    }

    record AlertEntry(Alert alert) implements OutboxEntry {
        @Override
        public long seq() {
            return alert.seq();
        }

        @Override
        public Kind kind() {
            return Kind.ALERT;
        }

        @Override
        public Object body() {
            return alert;
        }
    }
}
