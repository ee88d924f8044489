-- Removes the two rows every writing transaction used to update right before commit (PostgreSQL).
-- Applied in one transaction.
--
-- Event numbers come from a sequence instead of the event_counter row. A reader of the event log takes
-- an advisory lock exclusively that writers hold shared from drawing their numbers until they commit,
-- so a reader paging by seq never passes a number whose transaction is still open.
CREATE SEQUENCE event_seq START WITH 1 INCREMENT BY 1 CACHE 1;
SELECT setval('event_seq', GREATEST(c.last_seq, e.max_seq, 1), GREATEST(c.last_seq, e.max_seq) > 0)
  FROM event_counter c, (SELECT COALESCE(MAX(seq), 0) AS max_seq FROM events) e WHERE c.id = 1;
DROP TABLE event_counter;

-- Cards per status and phase, now spread over stripes (each connection adds to the stripe of its server
-- process); a count is the sum over the stripes. Existing counts become stripe 0.
ALTER TABLE card_counts ADD COLUMN stripe INTEGER NOT NULL DEFAULT 0;
ALTER TABLE card_counts DROP CONSTRAINT card_counts_pk;
ALTER TABLE card_counts ADD CONSTRAINT card_counts_pk PRIMARY KEY (status, phase, stripe);
ALTER TABLE card_counts ALTER COLUMN stripe DROP DEFAULT;
