-- A refused payload is kept as its first 4 KiB, its size and the SHA-256 of the whole, not whole (a hub's junk may
-- be megabytes); rows not seen for 30 days are deleted by the ingest (RejectedMessages.RETENTION).
ALTER TABLE rejected_message ADD COLUMN payload_bytes integer;
UPDATE rejected_message SET payload_bytes = length(payload);
UPDATE rejected_message SET payload = substring(payload FROM 1 FOR 4096) WHERE length(payload) > 4096;
CREATE INDEX rejected_message_last_seen ON rejected_message (last_seen);
