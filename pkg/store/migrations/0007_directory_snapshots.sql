-- 0007: directory snapshots shared between replicas (issue 10): the users
-- of a workspace and the channels of a person, as the last sweep found
-- them, sealed by the caller (pkg/seal), so a new replica starts warm and
-- N replicas page through Slack once per TTL, not N times. A sweep is
-- claimed (claim_holder until claim_until) so one replica sweeps while the
-- others wait for its snapshot. data is NULL until the first snapshot.

CREATE TABLE directory_snapshots (
    key          TEXT PRIMARY KEY,
    taken_at     {{BIGINT}},
    data         {{BLOB}},
    claim_holder TEXT NOT NULL,
    claim_until  {{BIGINT}} NOT NULL
);
