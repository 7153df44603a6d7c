-- An URGENT alert latches: when its episode resolves (the next reading is normal) it stays OPEN until a person
-- acknowledges it, and value_recovered_at records when the value returned to normal, for the inbox to show.
-- A lower-severity alert still closes itself then, marked auto_closed so that the closed-automatically list can show it
-- for review.
ALTER TABLE alert_state ADD COLUMN value_recovered_at timestamptz;
ALTER TABLE alert_state ADD COLUMN auto_closed boolean NOT NULL DEFAULT false;
CREATE INDEX alert_state_auto_closed ON alert_state (resolved_at) WHERE auto_closed;
