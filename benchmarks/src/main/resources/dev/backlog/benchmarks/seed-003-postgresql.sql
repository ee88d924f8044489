-- The reference project's backlog table (seed 003), re-expressed for the baseline: dependencies
-- are a jsonb array of ids, and its claim checks them against the set of done ids on every call.
CREATE TYPE backlog_status AS ENUM ('ready', 'claimed', 'blocked', 'done');
CREATE TABLE backlog (
  id                TEXT PRIMARY KEY NOT NULL,
  title             TEXT NOT NULL,
  body              TEXT,
  phase             TEXT,
  priority          INTEGER DEFAULT 0 NOT NULL,
  status            backlog_status DEFAULT 'ready' NOT NULL,
  depends_on        JSONB DEFAULT '[]'::jsonb NOT NULL,
  claim_owner       TEXT,
  claim_ttl_seconds INTEGER,
  claimed_at        TIMESTAMPTZ,
  attempts          INTEGER DEFAULT 0 NOT NULL,
  idempotency_key   TEXT,
  acceptance        JSONB,
  created_at        TIMESTAMPTZ DEFAULT now() NOT NULL,
  updated_at        TIMESTAMPTZ DEFAULT now() NOT NULL
);
CREATE INDEX backlog_status_priority_idx ON backlog USING btree (status, priority);
CREATE INDEX backlog_status_claimed_at_idx ON backlog USING btree (status, claimed_at);
CREATE UNIQUE INDEX backlog_idempotency_key_idx ON backlog USING btree (idempotency_key);
