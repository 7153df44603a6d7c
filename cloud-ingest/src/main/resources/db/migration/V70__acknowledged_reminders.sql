-- Reminders for acknowledged alerts that nobody resolved (an acknowledgement is a promise to act; it must not be
-- forgotten). remind_at is when the scanner next looks at the alert: first the owner's reminder, then, still
-- unresolved, the return to the team's people on duty as unowned. reminders counts the reminders since the last
-- acknowledgement. Like escalate_at, the row lock (FOR UPDATE SKIP LOCKED) and moving remind_at in the same
-- transaction make each step happen once, whichever ingest node scans.
ALTER TABLE alert_state ADD COLUMN remind_at timestamptz;
ALTER TABLE alert_state ADD COLUMN reminders integer NOT NULL DEFAULT 0;
CREATE INDEX alert_state_remind_due ON alert_state (remind_at) WHERE state = 'ACKNOWLEDGED' AND remind_at IS NOT NULL;

-- Alerts acknowledged before this migration get the default schedule (URGENT 1 h, WARNING 4 h, INFO 24 h after the
-- acknowledgement): those already past it are reminded at the first scan, which is what they need.
UPDATE alert_state SET remind_at = acknowledged_at + CASE severity WHEN 'URGENT' THEN interval '1 hour'
                                                                   WHEN 'WARNING' THEN interval '4 hours'
                                                                   ELSE interval '24 hours' END
WHERE state = 'ACKNOWLEDGED' AND acknowledged_at IS NOT NULL;
