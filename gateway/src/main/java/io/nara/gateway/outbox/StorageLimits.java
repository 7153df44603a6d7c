package io.nara.gateway.outbox;

/**
 * How much the outbox may hold.
 *
 * @param maxRecords soft limit: beyond it the outbox makes room by its policy (continuous samples thinned first, then
 *                   older observations except the newest of each patient and signal; alerts never)
 * @param maxBytes   hard limit on the database file (SQLite's {@code max_page_count}): the SD card can never fill up;
 *                   at the limit a write fails cleanly and the device keeps its record
 * @param maxRecordKeys how many keys of device records the outbox remembers, so that a record a device sends again is
 *                   stored once (see {@link Outbox#append(Outbox.RecordKey, java.util.function.Function)}); the oldest
 *                   go first. Far more than a device holds: a glucose meter keeps some 500 records
 */
public record StorageLimits(long maxRecords, long maxBytes, long maxRecordKeys) {

    public StorageLimits {
        if (maxRecords < 1 || maxBytes < 64 * 1024 || maxRecordKeys < 1) {
            throw new IllegalArgumentException("storage limits too small: " + maxRecords + " records, " + maxBytes
                    + " bytes, " + maxRecordKeys + " record keys");
        }
    }

    public StorageLimits(long maxRecords, long maxBytes) {
        this(maxRecords, maxBytes, 20_000);
    }

    /** About a month offline for a home with a continuous pulse oximeter, in well under a gigabyte. */
    public static StorageLimits defaults() {
        return new StorageLimits(2_000_000, 1024L * 1024 * 1024);
    }
}
