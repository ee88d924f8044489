-- The idempotency key's uniqueness, enforced only where a card has a key (PostgreSQL). Applied in one
-- transaction.
--
-- A unique constraint's index holds an entry for every card, NULL keys included, so every update of a
-- card that changes an indexed column (each claim and each completion: the status and the lease
-- expiry are indexed) wrote a new entry there for nothing. A partial unique index over the non-null keys
-- enforces the same rule under the same name, and a lookup by key (key = :k) still uses it.
ALTER TABLE cards DROP CONSTRAINT cards_idempotency_key_unique;
CREATE UNIQUE INDEX cards_idempotency_key_unique ON cards (idempotency_key) WHERE idempotency_key IS NOT NULL;
