-- Scheduling visibility (H2): deferral, lease phase and attributes, and the attempt history.
-- H2 commits each DDL statement on its own, so every statement here can be re-run safely.

ALTER TABLE cards ADD COLUMN IF NOT EXISTS not_before TIMESTAMP(6) WITH TIME ZONE;
ALTER TABLE cards ADD COLUMN IF NOT EXISTS lease_phase VARCHAR(64);
ALTER TABLE cards ADD COLUMN IF NOT EXISTS lease_attributes VARCHAR(20000);

-- A deferred card is not claimable: the claim reads the cards whose not_before IS NULL, and the claim
-- indexes put not_before right after the equality columns so that they still serve the filter and the
-- order without reading deferred cards.
DROP INDEX IF EXISTS cards_claim_order;
DROP INDEX IF EXISTS cards_claim_order_by_phase;
CREATE INDEX IF NOT EXISTS cards_claim_order ON cards (status, unmet_deps, not_before, priority DESC, created_at, id);
CREATE INDEX IF NOT EXISTS cards_claim_order_by_phase ON cards (status, unmet_deps, not_before, phase, priority DESC, created_at, id);
-- The sweep that lifts run-out deferrals reads this index from its low end.
CREATE INDEX IF NOT EXISTS cards_deferred ON cards (not_before);

-- One row per ended run (claim); the open run of a claimed card is its current lease.
CREATE TABLE IF NOT EXISTS card_runs (
  card_id          VARCHAR(128) NOT NULL,
  lease_token      BIGINT       NOT NULL,
  owner            VARCHAR(200) NOT NULL,
  claimed_at       TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  ended_at         TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  outcome          VARCHAR(32)  NOT NULL,
  reason           VARCHAR(4000),
  lease_phase      VARCHAR(64),
  lease_attributes VARCHAR(20000),
  evidence         VARCHAR(20000),
  CONSTRAINT card_runs_pk PRIMARY KEY (card_id, lease_token)
);
