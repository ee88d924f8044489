-- Scheduling visibility (PostgreSQL): deferral, lease phase and attributes, and the attempt history.
-- Applied in one transaction.

ALTER TABLE cards ADD COLUMN not_before TIMESTAMPTZ,
  ADD COLUMN lease_phase VARCHAR(64) COLLATE "C",
  ADD COLUMN lease_attributes TEXT;

-- A deferred card is not claimable: the stored claimable column, which the partial claim indexes name,
-- now also requires not_before IS NULL, so the claim never reads a deferred card. The sweep lifts a
-- deferral whose time has come (through cards_deferred), as it takes back lapsed leases.
DROP INDEX cards_claimable;
DROP INDEX cards_claimable_by_phase;
ALTER TABLE cards DROP COLUMN claimable;
ALTER TABLE cards ADD COLUMN claimable BOOLEAN
  GENERATED ALWAYS AS (status = 'ready' AND unmet_deps = 0 AND not_before IS NULL) STORED;
CREATE INDEX cards_claimable ON cards (priority DESC, created_at, id) WHERE claimable;
CREATE INDEX cards_claimable_by_phase ON cards (phase, priority DESC, created_at, id) WHERE claimable;
CREATE INDEX cards_deferred ON cards (not_before) WHERE not_before IS NOT NULL;

-- One row per ended run (claim); the open run of a claimed card is its current lease.
CREATE TABLE card_runs (
  card_id          VARCHAR(128) COLLATE "C" NOT NULL,
  lease_token      BIGINT       NOT NULL,
  owner            VARCHAR(200) NOT NULL,
  claimed_at       TIMESTAMPTZ  NOT NULL,
  ended_at         TIMESTAMPTZ  NOT NULL,
  outcome          VARCHAR(32)  NOT NULL,
  reason           TEXT,
  lease_phase      VARCHAR(64),
  lease_attributes TEXT,
  evidence         TEXT,
  CONSTRAINT card_runs_pk PRIMARY KEY (card_id, lease_token)
);
