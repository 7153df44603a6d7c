-- The teams that handed an alert over (or escalated it by hand) and wait for the team it lies with now: their members
-- see it read-only and may not acknowledge, resolve, snooze or hand it over again, so a slip cannot take it back
-- (decision 0042). A team leaves the list when the alert comes back to it.
ALTER TABLE alert_state ADD COLUMN handed_over_from text[] NOT NULL DEFAULT '{}';
