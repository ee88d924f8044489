package dev.backlog.jdbc.internal;

import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import dev.backlog.core.Stats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * The reads of one transaction, through JDBI on the transaction's handle: a card, a page of cards
 * with their dependencies, the stats, a page of the event log (behind the dialect's fence).
 *
 * <p>Not thread-safe: belongs to one {@link JdbcTransaction}.
 */
final class CardReads {

  /** Above this many cards, a page's dependencies are read with one join instead of by id. */
  private static final int JOIN_ABOVE = Session.IN_CHUNK * 4;

  private final Session s;
  private final SqlDialect dialect;

  CardReads(Session s, SqlDialect dialect) {
    this.s = s;
    this.dialect = dialect;
  }

  Optional<Card> find(CardId id) {
    Handle h = s.handle();
    return h.createQuery("SELECT " + CardRows.CARD_COLUMNS + " FROM cards WHERE id = :id")
        .bind("id", SqlValue.of(id))
        .map(CardRows.CARD)
        .findOne()
        .map(
            card -> {
              List<CardId> deps =
                  h.createQuery(
                          "SELECT depends_on FROM card_deps WHERE card_id = :id ORDER BY depends_on")
                      .bind("id", SqlValue.of(id))
                      .map((rs, ctx) -> CardId.of(rs.getString(1)))
                      .list();
              return deps.isEmpty() ? card : card.toBuilder().dependsOn(deps).build();
            });
  }

  List<Card> list(CardQuery query) {
    String filter = filter(query);
    Query q =
        s.handle()
            .createQuery(
                "SELECT "
                    + CardRows.CARD_COLUMNS
                    + " FROM cards WHERE 1 = 1"
                    + filter
                    + " ORDER BY priority DESC, created_at, id LIMIT :limit")
            .bind("limit", SqlValue.of(query.limit()));
    List<Card> cards = bindFilter(q, query).map(CardRows.CARD).list();
    if (cards.isEmpty()) {
      return cards;
    }
    if (cards.size() <= JOIN_ABOVE) {
      return s.withDependencies(cards);
    }
    Map<CardId, SortedSet<CardId>> deps = new HashMap<>();
    Query edges =
        s.handle()
            .createQuery(
                "SELECT e.card_id, e.depends_on FROM card_deps e JOIN cards"
                    + " ON cards.id = e.card_id WHERE 1 = 1"
                    + filter);
    bindFilter(edges, query)
        .map((rs, ctx) -> new CardId[] {CardId.of(rs.getString(1)), CardId.of(rs.getString(2))})
        .forEach(edge -> deps.computeIfAbsent(edge[0], k -> new TreeSet<>()).add(edge[1]));
    List<Card> out = new ArrayList<>(cards.size());
    for (Card c : cards) {
      SortedSet<CardId> d = deps.get(c.id());
      out.add(d == null ? c : c.toBuilder().dependsOn(d).build());
    }
    return out;
  }

  private String filter(CardQuery query) {
    StringBuilder sql = new StringBuilder();
    if (query.status() != null) {
      sql.append(" AND status = :status");
    }
    if (query.phase() != null) {
      sql.append(" AND phase = :phase");
    }
    if (query.claimableOnly()) {
      sql.append(" AND ").append(dialect.claimable());
    }
    return sql.toString();
  }

  private static Query bindFilter(Query q, CardQuery query) {
    if (query.status() != null) {
      q.bind("status", SqlValue.of(query.status().wireName()));
    }
    if (query.phase() != null) {
      q.bind("phase", SqlValue.of(query.phase()));
    }
    return q;
  }

  Stats stats() {
    Instant at = s.now();
    Handle h = s.handle();
    Map<CardStatus, Long> counts = new EnumMap<>(CardStatus.class);
    Map<String, Map<CardStatus, Long>> byPhase = new TreeMap<>();
    long total = 0;
    // Committed counts plus this transaction's own changes not yet applied.
    Map<Session.CountKey, Long> merged = new HashMap<>(s.countDeltas);
    h.createQuery("SELECT status, phase, SUM(n) AS n FROM card_counts GROUP BY status, phase")
        .map(
            (rs, ctx) ->
                Map.entry(
                    new Session.CountKey(
                        CardRows.status(rs.getString("status")), rs.getString("phase")),
                    rs.getLong("n")))
        .forEach(e -> merged.merge(e.getKey(), e.getValue(), Long::sum));
    for (Map.Entry<Session.CountKey, Long> e : merged.entrySet()) {
      long n = e.getValue();
      if (n == 0) {
        continue;
      }
      CardStatus status = e.getKey().status();
      String phase = e.getKey().phase();
      counts.merge(status, n, Long::sum);
      total += n;
      if (!phase.isEmpty()) {
        byPhase
            .computeIfAbsent(phase, p -> new EnumMap<>(CardStatus.class))
            .merge(status, n, Long::sum);
      }
    }
    Object[] claimable =
        h.createQuery(
                "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM cards WHERE "
                    + dialect.claimable())
            .map((rs, ctx) -> new Object[] {rs.getLong("n"), CardRows.instant(rs, "oldest")})
            .one();
    long expired =
        h.createQuery(
                "SELECT COUNT(*) FROM cards WHERE status = 'claimed' AND lease_expires_at <= :now")
            .bind("now", SqlValue.of(at))
            .mapTo(Long.class)
            .one();
    Duration age = null;
    if (claimable[1] != null) {
      Duration d = Duration.between((Instant) claimable[1], at);
      age = d.isNegative() ? Duration.ZERO : d;
    }
    long deferred =
        h.createQuery(
                "SELECT COUNT(*) FROM cards WHERE not_before IS NOT NULL AND status = 'ready'")
            .mapTo(Long.class)
            .one();
    Map<String, Long> byLeasePhase = new TreeMap<>();
    h.createQuery(
            "SELECT lease_phase, COUNT(*) AS n FROM cards WHERE status = 'claimed'"
                + " AND lease_phase IS NOT NULL GROUP BY lease_phase")
        .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
        .forEach(e -> byLeasePhase.put(e.getKey(), e.getValue()));
    return new Stats(
        counts, total, (Long) claimable[0], age, expired, byPhase, deferred, byLeasePhase);
  }

  List<Event> events(EventQuery query) {
    Handle h = s.handle();
    dialect.fenceEventRead(h);
    Query q =
        h.createQuery(
                "SELECT "
                    + CardRows.EVENT_COLUMNS
                    + " FROM events WHERE seq > :after"
                    + (query.cardId() == null ? "" : " AND card_id = :card")
                    + " ORDER BY seq LIMIT :limit")
            .bind("after", SqlValue.of(query.afterSeq()))
            .bind("limit", SqlValue.of(query.limit()));
    if (query.cardId() != null) {
      q.bind("card", SqlValue.of(query.cardId()));
    }
    return q.map(CardRows.EVENT).list();
  }
}
