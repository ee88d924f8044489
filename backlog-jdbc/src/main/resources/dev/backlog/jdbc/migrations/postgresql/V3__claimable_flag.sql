-- Whether a card is claimable, as a stored column that the claim indexes' predicate names instead of
-- status and unmet_deps. A completion lowers each dependent's counter; while the dependent stays
-- unclaimable (3 dependencies left, then 2, then 1) that update changes no indexed column, so
-- PostgreSQL can make it a HOT update (no new index entries) when the page has room, which the
-- fill factor keeps for it.
ALTER TABLE cards ADD COLUMN claimable BOOLEAN GENERATED ALWAYS AS (status = 'ready' AND unmet_deps = 0) STORED;
DROP INDEX cards_claimable;
DROP INDEX cards_claimable_by_phase;
CREATE INDEX cards_claimable ON cards (priority DESC, created_at, id) WHERE claimable;
CREATE INDEX cards_claimable_by_phase ON cards (phase, priority DESC, created_at, id) WHERE claimable;
ALTER TABLE cards SET (fillfactor = 90);
