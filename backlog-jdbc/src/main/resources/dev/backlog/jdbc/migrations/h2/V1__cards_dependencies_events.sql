-- Cards, their dependency edges, the event log and the lease-token sequence (H2).
-- H2 commits each DDL statement on its own, so every statement here can be re-run safely.

CREATE TABLE IF NOT EXISTS cards (
  id               VARCHAR(128)  NOT NULL PRIMARY KEY,
  title            VARCHAR(500)  NOT NULL,
  body             VARCHAR(100000),
  phase            VARCHAR(64),
  priority         INTEGER       NOT NULL,
  status           VARCHAR(16)   NOT NULL,
  acceptance       VARCHAR(100000),
  idempotency_key  VARCHAR(200),
  fingerprint      VARCHAR(64),
  attempts         INTEGER       NOT NULL,
  max_attempts     INTEGER,
  lease_owner      VARCHAR(200),
  lease_token      BIGINT,
  lease_claimed_at TIMESTAMP(6) WITH TIME ZONE,
  lease_expires_at TIMESTAMP(6) WITH TIME ZONE,
  blocked_reason   VARCHAR(4000),
  created_at       TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  updated_at       TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  version          BIGINT        NOT NULL,
  unmet_deps       INTEGER       NOT NULL,
  CONSTRAINT cards_status_known CHECK (status IN ('ready', 'claimed', 'blocked', 'done')),
  CONSTRAINT cards_unmet_not_negative CHECK (unmet_deps >= 0),
  CONSTRAINT cards_idempotency_key_unique UNIQUE (idempotency_key)
);

-- The claimable set in claim order. H2 has no partial index: the claim orders by
-- (status, unmet_deps, priority DESC, created_at, id) so that this index serves both the filter and the order.
CREATE INDEX IF NOT EXISTS cards_claim_order ON cards (status, unmet_deps, priority DESC, created_at, id);
CREATE INDEX IF NOT EXISTS cards_claim_order_by_phase ON cards (status, unmet_deps, phase, priority DESC, created_at, id);
CREATE INDEX IF NOT EXISTS cards_lease_expiry ON cards (status, lease_expires_at);

-- card_id depends on depends_on. depends_on has no foreign key: a card may name a dependency created
-- later in the same transaction; the store checks that it exists before commit.
CREATE TABLE IF NOT EXISTS card_deps (
  card_id    VARCHAR(128) NOT NULL,
  depends_on VARCHAR(128) NOT NULL,
  CONSTRAINT card_deps_pk PRIMARY KEY (card_id, depends_on),
  CONSTRAINT card_deps_card_fk FOREIGN KEY (card_id) REFERENCES cards (id)
);
CREATE INDEX IF NOT EXISTS card_deps_by_dependency ON card_deps (depends_on, card_id);

CREATE TABLE IF NOT EXISTS events (
  seq         BIGINT       NOT NULL PRIMARY KEY,
  card_id     VARCHAR(128) NOT NULL,
  type        VARCHAR(16)  NOT NULL,
  actor       VARCHAR(200) NOT NULL,
  at          TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  lease_token BIGINT,
  data        VARCHAR(1000000) NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_card ON events (card_id, seq);

-- The last event seq handed out. Writers bump it right before commit, so seq order is commit order.
CREATE TABLE IF NOT EXISTS event_counter (
  id       INTEGER NOT NULL PRIMARY KEY,
  last_seq BIGINT  NOT NULL
);
INSERT INTO event_counter (id, last_seq) SELECT 1, 0 WHERE NOT EXISTS (SELECT 1 FROM event_counter WHERE id = 1);

-- Cards per status and phase ('' for no phase), so that stats never scan the cards. Changed only by
-- transactions that hold the event_counter row, so updating it adds no contention.
CREATE TABLE IF NOT EXISTS card_counts (
  status VARCHAR(16) NOT NULL,
  phase  VARCHAR(64) NOT NULL,
  n      BIGINT      NOT NULL,
  CONSTRAINT card_counts_pk PRIMARY KEY (status, phase)
);

-- Serializes changes that could close a dependency cycle (link; create of a card others already name).
CREATE TABLE IF NOT EXISTS graph_lock (
  id      INTEGER NOT NULL PRIMARY KEY,
  changes BIGINT  NOT NULL
);
INSERT INTO graph_lock (id, changes) SELECT 1, 0 WHERE NOT EXISTS (SELECT 1 FROM graph_lock WHERE id = 1);

CREATE SEQUENCE IF NOT EXISTS lease_tokens START WITH 1 INCREMENT BY 1;
