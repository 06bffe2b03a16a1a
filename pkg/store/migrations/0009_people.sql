-- 0009: people (issue 12): the installations one person connected, linked
-- when a browser signed in to one connects another (the same human held
-- both grants in one browser). An installation without a row is a person
-- of its own. person_id is the ID of the person's first installation.

CREATE TABLE people (
    installation_id TEXT PRIMARY KEY,
    person_id       TEXT NOT NULL
);
CREATE INDEX people_person ON people (person_id);
