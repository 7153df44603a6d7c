package io.nara.gateway.outbox;

import io.nara.protocol.message.HubStatus;

/**
 * What the storage policy has done since the outbox was last empty (the counts survive a restart).
 *
 * @param thinnedSamples   continuous samples dropped to make room
 * @param droppedReadings  older observations dropped to make room (never the newest of a patient's signal)
 * @param full             the last write found the outbox full even after making room (or the disk full)
 */
public record StorageState(long thinnedSamples, long droppedReadings, boolean full) {

    public boolean degraded() {
        return thinnedSamples > 0 || droppedReadings > 0 || full;
    }

    /** As the hub's status tells the cloud, with how full the outbox is against its record limit. */
    public HubStatus.Storage inStatus(long records, long maxRecords) {
        return new HubStatus.Storage(thinnedSamples, droppedReadings, full, records, maxRecords);
    }
}
