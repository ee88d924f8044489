-- A key that a claim statement committing on its own writes into its events (PostgreSQL). Applied in
-- one transaction.
--
-- A claim, or a coalesced batch of claims, that is its transaction's only statement commits in the
-- statement's own round trip (auto-commit) instead of in a COMMIT of its own. When the statement's
-- answer is lost with its connection, the store cannot tell from the answer what the statement did: it
-- looks for the statement's key among the events numbered after the last event it had seen before it
-- sent the statement (a range of the primary key, so no index is needed). The column is NULL for every
-- other event; adding a column without a default rewrites no row.
ALTER TABLE events ADD COLUMN tx_key BIGINT;
