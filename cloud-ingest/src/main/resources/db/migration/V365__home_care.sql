-- Home-care staff (hemtjänst): what they report about a patient and the tasks a nurse delegates to them.
-- Owner: homecare (HomeCareReports, Delegations). The readings themselves go to InfluxDB like any other; these rows
-- keep who reported what, and which alert the report raised or joined, so the staff member sees "seen by a nurse".

-- One report: a symptom of the vocabulary (code) or the staff member's own words ("something is wrong": text).
CREATE TABLE home_care_report (
    id          bigserial PRIMARY KEY,
    patient_id  text        NOT NULL REFERENCES patient (id),
    person_id   text        NOT NULL REFERENCES person (id),
    code        text,
    text        text,
    reported_at timestamptz NOT NULL,
    alert_id    bigint      REFERENCES alert (id),
    CHECK ((code IS NULL) <> (text IS NULL))
);
CREATE INDEX home_care_report_by_person ON home_care_report (person_id, patient_id, reported_at DESC);
CREATE INDEX home_care_report_by_patient ON home_care_report (patient_id);

-- A delegated task (delegering): personal (to a named staff member) or to a home-care team, time-limited (at most a
-- year, the end required), revocable. weekdays: ISO days (1 = Monday); empty means every day.
CREATE TABLE delegation (
    id           bigserial PRIMARY KEY,
    patient_id   text        NOT NULL REFERENCES patient (id),
    task         text        NOT NULL CHECK (length(task) BETWEEN 1 AND 500),
    code         text,
    weekdays     integer[]   NOT NULL DEFAULT '{}' CHECK (weekdays <@ ARRAY [1,2,3,4,5,6,7]),
    to_person_id text        REFERENCES person (id),
    to_team_id   text        REFERENCES care_team (id),
    valid_from   date        NOT NULL,
    valid_to     date        NOT NULL,
    delegated_by text        NOT NULL,
    delegated_at timestamptz NOT NULL,
    revoked_by   text,
    revoked_at   timestamptz,
    CHECK ((to_person_id IS NULL) <> (to_team_id IS NULL)),
    CHECK (valid_to >= valid_from AND valid_to <= valid_from + 366)
);
CREATE INDEX delegation_by_patient ON delegation (patient_id);

-- A task done on a day: once a day per task, who did it and when.
CREATE TABLE delegation_done (
    delegation_id bigint      NOT NULL REFERENCES delegation (id),
    done_on       date        NOT NULL,
    done_by       text        NOT NULL REFERENCES person (id),
    done_at       timestamptz NOT NULL,
    PRIMARY KEY (delegation_id, done_on)
);
