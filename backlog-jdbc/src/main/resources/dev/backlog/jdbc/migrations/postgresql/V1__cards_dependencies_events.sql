-- Cards, their dependency edges, the event log and the lease-token sequence (PostgreSQL).
-- Applied in one transaction. Identifiers use the C collation so that ORDER BY id matches Java's order.

CREATE TABLE cards (
  id               VARCHAR(128) COLLATE "C" NOT NULL PRIMARY KEY,
  title            TEXT         NOT NULL,
  body             TEXT,
  phase            VARCHAR(64) COLLATE "C",
  priority         INTEGER      NOT NULL,
  status           VARCHAR(16)  NOT NULL,
  acceptance       TEXT,
  idempotency_key  VARCHAR(200),
  fingerprint      VARCHAR(64),
  attempts         INTEGER      NOT NULL,
  max_attempts     INTEGER,
  lease_owner      VARCHAR(200),
  lease_token      BIGINT,
  lease_claimed_at TIMESTAMPTZ,
  lease_expires_at TIMESTAMPTZ,
  blocked_reason   TEXT,
  created_at       TIMESTAMPTZ  NOT NULL,
  updated_at       TIMESTAMPTZ  NOT NULL,
  version          BIGINT       NOT NULL,
  unmet_deps       INTEGER      NOT NULL,
  CONSTRAINT cards_status_known CHECK (status IN ('ready', 'claimed', 'blocked', 'done')),
  CONSTRAINT cards_unmet_not_negative CHECK (unmet_deps >= 0),
  CONSTRAINT cards_idempotency_key_unique UNIQUE (idempotency_key)
);

-- The claimable set only, in claim order: its size does not grow with done cards or the DAG.
CREATE INDEX cards_claimable ON cards (priority DESC, created_at, id)
  WHERE status = 'ready' AND unmet_deps = 0;
CREATE INDEX cards_claimable_by_phase ON cards (phase, priority DESC, created_at, id)
  WHERE status = 'ready' AND unmet_deps = 0;
CREATE INDEX cards_lease_expiry ON cards (lease_expires_at) WHERE status = 'claimed';

-- card_id depends on depends_on. depends_on has no foreign key: a card may name a dependency created
-- later in the same transaction; the store checks that it exists before commit.
CREATE TABLE card_deps (
  card_id    VARCHAR(128) COLLATE "C" NOT NULL REFERENCES cards (id),
  depends_on VARCHAR(128) COLLATE "C" NOT NULL,
  CONSTRAINT card_deps_pk PRIMARY KEY (card_id, depends_on)
);
CREATE INDEX card_deps_by_dependency ON card_deps (depends_on, card_id);

CREATE TABLE events (
  seq         BIGINT       NOT NULL PRIMARY KEY,
  card_id     VARCHAR(128) COLLATE "C" NOT NULL,
  type        VARCHAR(16)  NOT NULL,
  actor       VARCHAR(200) NOT NULL,
  at          TIMESTAMPTZ  NOT NULL,
  lease_token BIGINT,
  data        TEXT         NOT NULL
);
CREATE INDEX events_by_card ON events (card_id, seq);

-- The last event seq handed out. Writers bump it right before commit, so seq order is commit order.
CREATE TABLE event_counter (
  id       INTEGER NOT NULL PRIMARY KEY,
  last_seq BIGINT  NOT NULL
);
INSERT INTO event_counter (id, last_seq) VALUES (1, 0);

-- Cards per status and phase ('' for no phase), so that stats never scan the cards. Changed only by
-- transactions that hold the event_counter row, so updating it adds no contention.
CREATE TABLE card_counts (
  status VARCHAR(16) NOT NULL,
  phase  VARCHAR(64) NOT NULL,
  n      BIGINT      NOT NULL,
  CONSTRAINT card_counts_pk PRIMARY KEY (status, phase)
);

-- Serializes changes that could close a dependency cycle (link; create of a card others already name).
CREATE TABLE graph_lock (
  id      INTEGER NOT NULL PRIMARY KEY,
  changes BIGINT  NOT NULL
);
INSERT INTO graph_lock (id, changes) VALUES (1, 0);

CREATE SEQUENCE lease_tokens START WITH 1 INCREMENT BY 1 CACHE 1;
