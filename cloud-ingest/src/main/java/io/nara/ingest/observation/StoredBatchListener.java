package io.nara.ingest.observation;

import io.nara.protocol.message.ObservationBatch;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Told of every observation batch the node stored, inside the transaction that records it, so what a listener queues
 * commits (or rolls back) with the batch. This is how features beside the ingest (the FHIR export) learn of readings
 * without the ingest knowing them.
 */
@FunctionalInterface
public interface StoredBatchListener {

    void stored(Connection c, String hubId, ObservationBatch batch, Instant at) throws SQLException;
}
