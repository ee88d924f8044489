package dev.backlog.jdbc.internal;

import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardNotFoundException;
import dev.backlog.core.CardStatus;
import dev.backlog.core.DependencyCycleException;
import dev.backlog.core.DuplicateCardException;
import dev.backlog.core.EventType;
import dev.backlog.core.IdempotencyConflictException;
import dev.backlog.core.NewCard;
import dev.backlog.core.UnknownDependencyException;
import dev.backlog.core.spi.DependencyGraph;
import dev.backlog.core.spi.EventData;
import dev.backlog.core.spi.Transitions;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The dependency graph's changes in one transaction, the same on every database: creating cards
 * (with their idempotency checks), linking and unlinking, cycle checks under the graph lock, the
 * {@code unmet_deps} counter of the card that gains or loses an edge, and dependencies named before
 * they exist (checked at the end of the transaction).
 *
 * <p>Not thread-safe: belongs to one {@link JdbcTransaction}.
 */
final class CardGraph {

  private static final NamedSql DEPENDENCIES =
      NamedSql.compile(
          "SELECT depends_on FROM card_deps" + " WHERE card_id = :id ORDER BY depends_on");
  private static final NamedSql HAS_DEPENDENTS =
      NamedSql.compile(
          "SELECT COUNT(*) FROM (SELECT 1 FROM card_deps" + " WHERE depends_on = :id LIMIT 1) x");
  private static final NamedSql LOCK_GRAPH =
      NamedSql.compile("UPDATE graph_lock SET changes = changes + 1" + " WHERE id = 1");
  private static final NamedSql WRITE_VERSION =
      NamedSql.compile(
          "UPDATE cards SET updated_at = :updatedAt," + " version = :version WHERE id = :id");
  private static final NamedSql ADJUST_UNMET =
      NamedSql.compile("UPDATE cards SET unmet_deps = unmet_deps + :delta" + " WHERE id = :id");
  private static final NamedSql SET_UNMET =
      NamedSql.compile("UPDATE cards SET unmet_deps = :unmet WHERE id = :id");

  /**
   * A card's clashes by id, and by idempotency key when one is given (one statement: one snapshot).
   */
  private static final NamedSql CLASHES_BY_ID =
      NamedSql.compile("SELECT id, idempotency_key, fingerprint FROM cards" + " WHERE id = :id");

  private static final NamedSql CLASHES_BY_ID_OR_KEY =
      NamedSql.compile(
          "SELECT id, idempotency_key, fingerprint"
              + " FROM cards WHERE id = :id OR idempotency_key = :k");
  private static final NamedSql INSERT_CARD =
      NamedSql.compile(
          "INSERT INTO cards (id, title, body, phase, priority,"
              + " status, acceptance, idempotency_key, fingerprint, attempts, max_attempts, blocked_reason, created_at,"
              + " updated_at, version, unmet_deps) VALUES (:id, :title, :body, :phase, :priority, :status, :acceptance,"
              + " :key, :fingerprint, 0, :maxAttempts, :reason, :at, :at, 1, :unmet)");
  private static final NamedSql INSERT_EDGE =
      NamedSql.compile("INSERT INTO card_deps (card_id, depends_on)" + " VALUES (:card, :dep)");
  private static final NamedSql DELETE_EDGE =
      NamedSql.compile("DELETE FROM card_deps WHERE card_id = :card" + " AND depends_on = :dep");

  private final Session s;
  private final SqlDialect dialect;
  private final JdbcTransaction tx;
  private final Set<CardId> forwardReferences = new LinkedHashSet<>();

  CardGraph(Session s, SqlDialect dialect, JdbcTransaction tx) {
    this.s = s;
    this.dialect = dialect;
    this.tx = tx;
  }

  Card create(NewCard request, String actor) {
    boolean keyed = request.idempotencyKey() != null;
    // One statement, so that both checks see the same snapshot of a racing create.
    List<String[]> clashes =
        s.rows(
            keyed ? CLASHES_BY_ID_OR_KEY : CLASHES_BY_ID,
            b -> {
              b.set("id", request.id());
              if (keyed) {
                b.set("k", request.idempotencyKey());
              }
            },
            rs -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
    if (keyed) {
      for (String[] row : clashes) {
        if (request.idempotencyKey().equals(row[1])) {
          CardId existing = CardId.of(row[0]);
          if (request.fingerprint().equals(row[2])) {
            return tx.find(existing).orElseThrow(() -> new CardNotFoundException(existing));
          }
          throw new IdempotencyConflictException(request.idempotencyKey(), existing);
        }
      }
    }
    if (!clashes.isEmpty()) {
      throw new DuplicateCardException(request.id());
    }
    boolean named = !request.dependsOn().isEmpty() && hasDependents(request.id());
    if (named) {
      lockGraph();
    }
    for (CardId dep : request.dependsOn()) {
      if (dep.equals(request.id())) {
        throw new DependencyCycleException(List.of(dep, dep));
      }
      if (named) {
        Optional<List<CardId>> cycle =
            DependencyGraph.cycleThrough(request.id(), dep, dependencyReader());
        if (cycle.isPresent()) {
          throw new DependencyCycleException(cycle.get());
        }
      }
    }
    Map<CardId, CardStatus> deps = lockStatuses(request.dependsOn());
    int unmet = 0;
    boolean missing = false;
    for (CardId dep : request.dependsOn()) {
      CardStatus status = deps.get(dep);
      if (status == null) {
        missing = true;
      }
      if (status != CardStatus.DONE) {
        unmet++;
      }
    }
    Instant at = s.now();
    Card card = Transitions.created(request, at);
    int unmetDeps = unmet;
    s.update(
        INSERT_CARD,
        b ->
            b.set("id", card.id())
                .set("title", card.title())
                .set("body", card.body())
                .set("phase", card.phase())
                .set("priority", card.priority())
                .set("status", card.status().wireName())
                .set("acceptance", card.acceptance())
                .set("key", card.idempotencyKey())
                .set("fingerprint", keyed ? request.fingerprint() : null)
                .set("maxAttempts", card.maxAttempts())
                .set("reason", card.blockedReason())
                .set("at", at)
                .set("unmet", unmetDeps));
    if (!request.dependsOn().isEmpty()) {
      s.batch(
          INSERT_EDGE,
          List.copyOf(request.dependsOn()),
          (b, dep) -> b.set("card", card.id()).set("dep", dep));
    }
    if (missing) {
      forwardReferences.add(card.id());
    }
    s.count(card.status(), card.phase(), 1);
    s.event(card, EventType.CREATED, actor, null, EventData.created(card));
    return card;
  }

  Card link(CardId from, CardId to, String actor) {
    Card card = tx.lock(from);
    Map<CardId, CardStatus> target = lockStatuses(List.of(to));
    if (!target.containsKey(to)) {
      throw new UnknownDependencyException(from, Set.of(to));
    }
    if (card.dependsOn().contains(to)) {
      return card;
    }
    if (from.equals(to)) {
      throw new DependencyCycleException(List.of(from, from));
    }
    if (hasDependents(from)) {
      lockGraph();
      Optional<List<CardId>> cycle = DependencyGraph.cycleThrough(from, to, dependencyReader());
      if (cycle.isPresent()) {
        throw new DependencyCycleException(cycle.get());
      }
    }
    s.update(INSERT_EDGE, b -> b.set("card", from).set("dep", to));
    if (target.get(to) != CardStatus.DONE) {
      adjustUnmet(from, 1);
    }
    TreeSet<CardId> deps = new TreeSet<>(card.dependsOn());
    deps.add(to);
    Card next = Transitions.next(card, s.now()).dependsOn(deps).build();
    writeVersion(next);
    s.event(next, EventType.LINKED, actor, null, EventData.edge(to));
    return next;
  }

  Card unlink(CardId from, CardId to, String actor) {
    Card card = tx.lock(from);
    if (!card.dependsOn().contains(to)) {
      return card;
    }
    Map<CardId, CardStatus> target = lockStatuses(List.of(to));
    s.update(DELETE_EDGE, b -> b.set("card", from).set("dep", to));
    if (target.get(to) != CardStatus.DONE) {
      adjustUnmet(from, -1);
    }
    TreeSet<CardId> deps = new TreeSet<>(card.dependsOn());
    deps.remove(to);
    Card next = Transitions.next(card, s.now()).dependsOn(deps).build();
    writeVersion(next);
    s.event(next, EventType.UNLINKED, actor, null, EventData.edge(to));
    return next;
  }

  /**
   * Checks the dependencies named before they existed and sets their cards' counters.
   *
   * @throws UnknownDependencyException when a card names a dependency that still does not exist
   */
  void checkForwardReferences() {
    for (CardId id : List.copyOf(forwardReferences)) {
      List<CardId> deps = dependencies(id);
      Map<CardId, CardStatus> statuses = lockStatuses(deps);
      SortedSet<CardId> missing = new TreeSet<>();
      int unmet = 0;
      for (CardId dep : deps) {
        CardStatus status = statuses.get(dep);
        if (status == null) {
          missing.add(dep);
        }
        if (status != CardStatus.DONE) {
          unmet++;
        }
      }
      if (!missing.isEmpty()) {
        throw new UnknownDependencyException(id, missing);
      }
      // Dependencies created by other transactions meanwhile may already be done.
      int counted = unmet;
      s.update(SET_UNMET, b -> b.set("unmet", counted).set("id", id));
      forwardReferences.remove(id);
    }
  }

  private List<CardId> dependencies(CardId id) {
    return s.rows(DEPENDENCIES, b -> b.set("id", id), rs -> CardId.of(rs.getString(1)));
  }

  private boolean hasDependents(CardId id) {
    return s.rows(HAS_DEPENDENTS, b -> b.set("id", id), rs -> rs.getInt(1)).get(0) > 0;
  }

  private void lockGraph() {
    s.update(LOCK_GRAPH, b -> {});
  }

  private Function<CardId, Collection<CardId>> dependencyReader() {
    Map<CardId, Collection<CardId>> cache = new HashMap<>();
    return id -> cache.computeIfAbsent(id, this::dependencies);
  }

  /** Locks the named cards that exist (in id order) and returns their statuses. */
  private Map<CardId, CardStatus> lockStatuses(Collection<CardId> ids) {
    Map<CardId, CardStatus> out = new HashMap<>();
    List<String> sorted = ids.stream().map(CardId::value).sorted().distinct().toList();
    for (int i = 0; i < sorted.size(); i += Session.IN_CHUNK) {
      List<String> chunk = sorted.subList(i, Math.min(sorted.size(), i + Session.IN_CHUNK));
      for (Map.Entry<CardId, CardStatus> e :
          s.rowsIn(
              "SELECT id, status FROM cards WHERE id",
              chunk,
              " ORDER BY id " + dialect.shareLock(),
              rs -> Map.entry(CardId.of(rs.getString(1)), CardRows.status(rs.getString(2))))) {
        out.put(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  private void adjustUnmet(CardId id, int delta) {
    s.update(ADJUST_UNMET, b -> b.set("delta", delta).set("id", id));
  }

  private void writeVersion(Card next) {
    s.update(
        WRITE_VERSION,
        b ->
            b.set("updatedAt", next.updatedAt())
                .set("version", next.version())
                .set("id", next.id()));
  }
}
