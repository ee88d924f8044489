-- PostgreSQL gets a stored claimable column at this version, so that its partial claim indexes do not
-- name the dependency counter. H2 has no partial indexes: its claim index leads with status and
-- unmet_deps, and the claim reads it in order. The version exists so that both dialects share their
-- version numbers; it records why.
COMMENT ON COLUMN cards.unmet_deps IS 'Dependencies not done yet; a card is claimable when it is ready and this is 0.';
