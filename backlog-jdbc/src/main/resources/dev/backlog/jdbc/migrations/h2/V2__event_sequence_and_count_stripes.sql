-- H2 keeps the event_counter row and one card_counts row per status and phase: numbering events under
-- the counter row makes seq order commit order, and an embedded H2 gains nothing from spreading the
-- rows. The version exists so that both dialects share their version numbers; it records why.
COMMENT ON TABLE event_counter IS 'The last event seq handed out; writers bump it right before commit, so seq order is commit order.';
COMMENT ON TABLE card_counts IS 'Cards per status and phase; changed only by transactions holding the event_counter row.';
