-- The organisation model (issue 7): who cares for whom, who is on duty when, who may sign in.
-- Ids are text chosen by the organisations themselves (e.g. 'home-nursing-north'), because care plans on the hubs
-- name teams by these ids (Alert.respondFirst).

CREATE TABLE organisation (
    id   text PRIMARY KEY,
    name text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('MUNICIPALITY', 'REGION', 'PRIVATE'))
);

-- A care team; escalates_to is the next tier (municipal nurses -> the region's on-call doctor -> mobile team).
CREATE TABLE care_team (
    id              text PRIMARY KEY,
    organisation_id text NOT NULL REFERENCES organisation (id),
    name            text NOT NULL,
    escalates_to    text REFERENCES care_team (id),
    time_zone       text NOT NULL DEFAULT 'Europe/Stockholm',
    CHECK (escalates_to IS NULL OR escalates_to <> id)
);

CREATE TABLE person (
    id              text PRIMARY KEY,
    organisation_id text NOT NULL REFERENCES organisation (id),
    name            text NOT NULL,
    username        text UNIQUE,
    password_hash   text,
    email           text,
    phone           text,
    active          boolean NOT NULL DEFAULT true,
    failed_sign_ins integer NOT NULL DEFAULT 0,
    locked_until    timestamptz
);

CREATE TABLE team_member (
    team_id   text NOT NULL REFERENCES care_team (id),
    person_id text NOT NULL REFERENCES person (id),
    role      text NOT NULL CHECK (role IN ('NURSE', 'DISTRICT_NURSE', 'DOCTOR', 'MAS', 'HOME_CARE_STAFF',
                                            'MOBILE_TEAM', 'CARDIOLOGY', 'OPERATOR')),
    PRIMARY KEY (team_id, person_id)
);

-- Recurring on-call slots in the team's local time. A slot starts on each listed ISO day (1 = Monday) at starts and
-- ends at ends; ends <= starts means it runs past midnight into the next day (a night shift).
CREATE TABLE on_call_slot (
    id         bigserial PRIMARY KEY,
    team_id    text    NOT NULL REFERENCES care_team (id),
    person_id  text    NOT NULL REFERENCES person (id),
    days       integer[] NOT NULL CHECK (days <@ ARRAY [1,2,3,4,5,6,7] AND cardinality(days) > 0),
    starts     time    NOT NULL,
    ends       time    NOT NULL,
    valid_from date    NOT NULL,
    valid_to   date
);
CREATE INDEX on_call_slot_by_team ON on_call_slot (team_id);

-- One-off shifts (cover for illness, swapped weekends, public holidays) on top of the recurring slots.
CREATE TABLE on_call_shift (
    id        bigserial PRIMARY KEY,
    team_id   text        NOT NULL REFERENCES care_team (id),
    person_id text        NOT NULL REFERENCES person (id),
    starts_at timestamptz NOT NULL,
    ends_at   timestamptz NOT NULL CHECK (ends_at > starts_at)
);
CREATE INDEX on_call_shift_by_team ON on_call_shift (team_id, starts_at);

CREATE TABLE patient (
    id   text PRIMARY KEY,
    name text NOT NULL
);

-- Which team cares for whom, from when to when. responds_first marks the team an alert goes to when the rule that
-- raised it names none.
CREATE TABLE care_relation (
    id             bigserial PRIMARY KEY,
    patient_id     text        NOT NULL REFERENCES patient (id),
    team_id        text        NOT NULL REFERENCES care_team (id),
    valid_from     timestamptz NOT NULL,
    valid_to       timestamptz,
    responds_first boolean     NOT NULL DEFAULT false,
    CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX care_relation_by_patient ON care_relation (patient_id);

CREATE TABLE relative (
    id         bigserial PRIMARY KEY,
    patient_id text NOT NULL REFERENCES patient (id),
    name       text NOT NULL,
    phone      text,
    email      text
);

-- The patient's consent to share with a relative; withdrawn_at ends it. Nothing is shown or sent to a relative
-- without a row here that is in force.
CREATE TABLE relative_consent (
    id           bigserial PRIMARY KEY,
    patient_id   text        NOT NULL REFERENCES patient (id),
    relative_id  bigint      NOT NULL REFERENCES relative (id),
    scope        text        NOT NULL CHECK (scope IN ('NOTIFY', 'VIEW')),
    given_at     timestamptz NOT NULL,
    withdrawn_at timestamptz,
    recorded_by  text        NOT NULL
);

-- Signed-in browsers. Only the SHA-256 of the session token is stored, so a copy of the table opens nothing.
CREATE TABLE web_session (
    token_sha256 bytea PRIMARY KEY,
    person_id    text        NOT NULL REFERENCES person (id),
    csrf_token   text        NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL
);
CREATE INDEX web_session_by_person ON web_session (person_id);
