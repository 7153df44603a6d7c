-- Sign-in throttle: failures per source address and per user name (whether or not the account exists), with the
-- moment the next attempt is allowed. Replaces the hard lock-out on the account rows, which let anyone who knew a
-- nurse's user name lock her out and told existing accounts apart ("locked") from unknown ones.
CREATE TABLE sign_in_throttle (
    key          text        PRIMARY KEY,
    failures     integer     NOT NULL,
    last_failure timestamptz NOT NULL,
    not_before   timestamptz NOT NULL
);
CREATE INDEX sign_in_throttle_last_failure ON sign_in_throttle (last_failure);

ALTER TABLE person DROP COLUMN failed_sign_ins, DROP COLUMN locked_until;
ALTER TABLE relative DROP COLUMN failed_sign_ins, DROP COLUMN locked_until;
