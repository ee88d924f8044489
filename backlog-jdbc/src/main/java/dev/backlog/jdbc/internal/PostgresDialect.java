package dev.backlog.jdbc.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.backlog.core.Backlog;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardStatus;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.Event;
import dev.backlog.core.EventType;
import dev.backlog.core.Lease;
import dev.backlog.core.LeaseToken;
import dev.backlog.core.spi.Completion;
import dev.backlog.core.spi.EventData;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * PostgreSQL 13 and later. Events are numbered from the {@code event_seq} sequence under a shared
 * advisory lock (the event fence) that readers of the event log take exclusively, so that a reader
 * never reads past a seq whose transaction is still open. A claim or held-lease completion that
 * comes before any buffered event of its transaction writes its events itself, in its own statement
 * (one round trip); the claimed payload is then written whole in SQL ({@link
 * PostgresStatements#claimedDataSql}). Waiters are woken by LISTEN/NOTIFY.
 *
 * <p>Stateless and thread-safe.
 */
public final class PostgresDialect implements SqlDialect {

  /** The one instance. */
  public static final PostgresDialect INSTANCE = new PostgresDialect();

  /** The channel that wakes long-polling claimers. */
  public static final String CHANNEL = "backlog_change";

  /** Migrator advisory lock key: "backlog" in ASCII. */
  private static final long MIGRATION_LOCK = 0x6261636b6c6f67L;

  private PostgresDialect() {}

  @Override
  public String displayName() {
    return "PostgreSQL";
  }

  @Override
  public String driverArtifact() {
    return "org.postgresql:postgresql";
  }

  @Override
  public String driverClass() {
    return "org.postgresql.Driver";
  }

  @Override
  public void configurePool(HikariConfig config, String url) {}

  /**
   * A listening connection comes straight from the driver, so that it does not hold a pooled one.
   */
  @Override
  public Database database(HikariDataSource pool, String url, String user, String password) {
    return Database.of(pool, pool)
        .listenWith(() -> new Database.Link(PgListener.connect(url, user, password), null));
  }

  /** A server that refuses connections is reported soon. */
  @Override
  public Duration openRetry() {
    return Duration.ofSeconds(3);
  }

  /**
   * The backlog's default: at a few workers, transactions side by side overlap one another's flush
   * of the write-ahead log (docs/storage.md, "Batches in flight").
   */
  @Override
  public int coalescedInFlight() {
    return Backlog.DEFAULT_COALESCED_IN_FLIGHT;
  }

  @Override
  public boolean commitsSoleStatements() {
    return true;
  }

  @Override
  public int serverProcess(Connection c) {
    return PostgresServerProcess.of(c);
  }

  @Override
  public void awaitServerProcessEnded(Connection c, int pid, String where) throws SQLException {
    PostgresServerProcess.awaitEnded(c, pid, where);
  }

  @Override
  public String claimable() {
    return "claimable";
  }

  /** Binary timestamps are decoded directly ({@link PostgresTimestamps}). */
  @Override
  public TimestampReader timestamps() {
    return PostgresTimestamps.INSTANCE;
  }

  @Override
  public String shareLock() {
    return "FOR SHARE";
  }

  @Override
  public Claimed claim(Session s, ClaimRequest request, boolean inline) {
    PostgresStatements.ClaimKey key =
        new PostgresStatements.ClaimKey(
            request.limit() == 1, inline, request.phase() != null, request.cardId() != null);
    if (inline) {
      SoleStatement earlier = s.earlier(SoleStatement.Operation.CLAIM);
      List<Claimed> found = earlier == null ? null : PostgresLostAnswers.claimed(s, earlier, 1);
      if (found != null) {
        return found.get(0);
      }
    }
    SoleStatement sole = inline ? s.soleStatement(SoleStatement.Operation.CLAIM) : null;
    NamedSql sql = PostgresStatements.CLAIMS.get(key);
    List<Card> cards = new ArrayList<>(Math.min(request.limit(), 64));
    Map<CardId, Event> events = inline ? new HashMap<>() : Map.of();
    s.run(
        sql,
        b -> {
          if (!key.single()) {
            b.set("limit", request.limit());
          }
          b.set("owner", request.owner())
              .set("ttlMicros", JdbcTransaction.micros(request.ttl()))
              .set("now", s.timeOrNull())
              .set("leasePhase", request.leasePhase())
              .set("leaseAttributes", Lease.attributesJson(request.attributes()));
          if (inline) {
            b.set("stripe", CountStripes.PROCESS.of(s.connection()))
                .set("txKey", sole == null ? null : sole.key());
          }
          if (key.byPhase()) {
            b.set("phase", request.phase());
          }
          if (key.byCard()) {
            b.set("card", request.cardId());
          }
        },
        ps -> {
          try (ResultSet rs = ps.executeQuery()) {
            // The card's columns, deps, then (inline) event_seq and event_data.
            int deps = CardRows.CARD_COLUMN_COUNT + 1;
            while (rs.next()) {
              Card card = CardRows.cardWithDepsAt(rs, PostgresTimestamps.INSTANCE, deps);
              cards.add(card);
              if (inline) {
                events.put(
                    card.id(),
                    new Event(
                        rs.getLong(deps + 1),
                        card.id(),
                        EventType.CLAIMED,
                        request.owner(),
                        card.lease().claimedAt(),
                        card.lease().token(),
                        rs.getString(deps + 2)));
              }
            }
          }
          return null;
        },
        sole);
    if (!cards.isEmpty()) {
      s.sawDatabaseTime(cards.get(0).lease().claimedAt());
    }
    return new Claimed(cards, events);
  }

  /** One statement per run of requests with the same filter ({@link PostgresClaimEach}). */
  @Override
  public List<Claimed> claimEach(Session s, List<ClaimRequest> requests, boolean inline) {
    return PostgresClaimEach.claim(s, requests, inline);
  }

  /** When no event of an earlier operation of the transaction waits to be numbered. */
  @Override
  public boolean writesEventsInline(Session s) {
    return s.pending.isEmpty();
  }

  /**
   * Seals in one round trip per {@value PostgresStatements#SEAL_CHUNK} events; counts go with the
   * first.
   */
  @Override
  public void seal(Session s) {
    Instant at = s.now();
    List<Session.PendingEvent> pending = s.pending;
    List<Event> numbered = new ArrayList<>(pending.size());
    List<Map.Entry<Session.CountKey, Long>> counts = new ArrayList<>(s.countDeltas.entrySet());
    counts.removeIf(d -> d.getValue() == 0);
    // Stripe rows are locked in one order by every writer.
    counts.sort(
        Comparator.comparing(
                (Map.Entry<Session.CountKey, Long> d) -> d.getKey().status().wireName())
            .thenComparing(d -> d.getKey().phase()));
    Connection c = s.connection();
    for (int from = 0; from < pending.size(); from += PostgresStatements.SEAL_CHUNK) {
      List<Session.PendingEvent> chunk =
          pending.subList(from, Math.min(pending.size(), from + PostgresStatements.SEAL_CHUNK));
      int n = chunk.size();
      int k = from == 0 ? counts.size() : 0;
      long[] seqs =
          s.run(
              PostgresStatements.SEAL,
              b ->
                  b.set(
                          "countStatus",
                          SqlValue.array(
                              c,
                              "varchar",
                              counts.subList(0, k).stream()
                                  .map(d -> d.getKey().status().wireName())
                                  .toArray(String[]::new)))
                      .set(
                          "countPhase",
                          SqlValue.array(
                              c,
                              "varchar",
                              counts.subList(0, k).stream()
                                  .map(d -> d.getKey().phase())
                                  .toArray(String[]::new)))
                      .set(
                          "countDelta",
                          SqlValue.array(
                              c,
                              "int8",
                              counts.subList(0, k).stream()
                                  .map(Map.Entry::getValue)
                                  .toArray(Long[]::new)))
                      .set("at", at)
                      .set("stripe", CountStripes.PROCESS.of(c))
                      .set(
                          "cards",
                          SqlValue.array(
                              c,
                              "varchar",
                              chunk.stream().map(p -> p.cardId().value()).toArray(String[]::new)))
                      .set(
                          "types",
                          SqlValue.array(
                              c,
                              "varchar",
                              chunk.stream().map(p -> p.type().wireName()).toArray(String[]::new)))
                      .set(
                          "actors",
                          SqlValue.array(
                              c,
                              "varchar",
                              chunk.stream()
                                  .map(Session.PendingEvent::actor)
                                  .toArray(String[]::new)))
                      .set(
                          "tokens",
                          SqlValue.array(
                              c,
                              "int8",
                              chunk.stream()
                                  .map(p -> p.token() == null ? null : p.token().value())
                                  .toArray(Long[]::new)))
                      .set(
                          "data",
                          SqlValue.array(
                              c,
                              "text",
                              chunk.stream()
                                  .map(Session.PendingEvent::data)
                                  .toArray(String[]::new))),
              ps ->
                  Session.read(ps, rs -> rs.getLong(1)).stream()
                      .mapToLong(Long::longValue)
                      .toArray());
      if (seqs.length != n) {
        throw new IllegalStateException(
            "sealing " + n + " events returned " + seqs.length + " seqs");
      }
      for (int i = 0; i < n; i++) {
        Session.PendingEvent p = chunk.get(i);
        if (i > 0 && seqs[i] <= seqs[i - 1]) {
          throw new IllegalStateException(
              "event seqs were not drawn in the order of the events: " + Arrays.toString(seqs));
        }
        numbered.add(new Event(seqs[i], p.cardId(), p.type(), p.actor(), at, p.token(), p.data()));
      }
    }
    pending.clear();
    s.countDeltas.clear();
    s.sealed.addAll(numbered);
  }

  @Override
  public Optional<Card> completeHeld(
      Session s, CardId id, LeaseToken token, String evidence, String eventActor) {
    boolean readClock = s.readsDatabaseClock();
    boolean inline = eventActor != null;
    if (inline) {
      SoleStatement earlier = s.earlier(SoleStatement.Operation.COMPLETE);
      List<Optional<Card>> found =
          earlier == null
              ? null
              : PostgresLostAnswers.completed(
                  s, earlier, List.of(new Completion(id, token, evidence)));
      if (found != null) {
        return found.get(0);
      }
    }
    SoleStatement sole = inline ? s.soleStatement(SoleStatement.Operation.COMPLETE) : null;
    String data = EventData.completed(CardStatus.CLAIMED, false, evidence);
    Object[] got =
        s.run(
            inline ? PostgresStatements.COMPLETE_HELD_WITH_EVENT : PostgresStatements.COMPLETE_HELD,
            b -> {
              b.set("id", id)
                  .set("token", token)
                  .set("now", readClock ? null : s.now())
                  .set("evidence", evidence);
              if (inline) {
                b.set("actor", eventActor)
                    .set("data", data)
                    .set("stripe", CountStripes.PROCESS.of(s.connection()));
              }
            },
            ps -> {
              try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                  return null;
                }
                // The card's columns, deps, unblocked, then (inline) event_seq.
                int deps = CardRows.CARD_COLUMN_COUNT + 1;
                return new Object[] {
                  rs.getLong(deps + 1),
                  CardRows.cardWithDepsAt(rs, PostgresTimestamps.INSTANCE, deps),
                  inline ? rs.getLong(deps + 2) : 0L
                };
              }
            },
            sole);
    if (got == null) {
      return Optional.empty();
    }
    Card card = (Card) got[1];
    if (readClock) {
      s.sawDatabaseTime(card.updatedAt());
    }
    if ((Long) got[0] > 0) {
      s.wakeWaiters();
    }
    if (inline) {
      s.written(
          new Event(
              (Long) got[2],
              card.id(),
              EventType.COMPLETED,
              eventActor,
              card.updatedAt(),
              token,
              data));
    }
    return Optional.of(card);
  }

  /** One statement for the whole batch ({@link PostgresCompleteEach}). */
  @Override
  public List<Optional<Card>> completeHeldEach(Session s, List<Completion> items, String actor) {
    return PostgresCompleteEach.complete(s, items, actor);
  }

  @Override
  public boolean completeLocked(Session s, List<CardId> ids, Instant at) {
    Connection c = s.connection();
    long[] result =
        s.run(
            PostgresStatements.COMPLETE_LOCKED,
            b ->
                b.set(
                        "ids",
                        SqlValue.array(
                            c, "varchar", ids.stream().map(CardId::value).toArray(String[]::new)))
                    .set("at", at),
            ps -> {
              try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong("updated"), rs.getLong("unblocked")};
              }
            });
    if (result[0] != ids.size()) {
      throw new IllegalStateException(
          "completing " + ids.size() + " locked cards updated " + result[0]);
    }
    if (result[1] > 0) {
      s.wakeWaiters();
    }
    return true;
  }

  @Override
  public void dependentsChanged(Session s, CardId id, boolean done) {
    int changed =
        s.update(
            PostgresStatements.DEPENDENTS_DONE, b -> b.set("delta", done ? -1 : 1).set("id", id));
    if (changed > 0 && done) {
      s.wakeWaiters();
    }
  }

  @Override
  public Map<CardId, Card> lockAll(Session s, List<String> sortedIds) {
    boolean readClock = s.readsDatabaseClock();
    Map<CardId, Card> out = new HashMap<>();
    Connection c = s.connection();
    s.run(
        PostgresStatements.LOCK_ALL,
        b -> b.set("ids", SqlValue.array(c, "varchar", sortedIds.toArray(new String[0]))),
        ps -> {
          try (ResultSet rs = ps.executeQuery()) {
            // The card's columns, deps, tx_now.
            int deps = CardRows.CARD_COLUMN_COUNT + 1;
            while (rs.next()) {
              if (readClock) {
                s.sawDatabaseTime(PostgresTimestamps.INSTANCE.read(rs, deps + 1));
              }
              Card card = CardRows.cardWithDepsAt(rs, PostgresTimestamps.INSTANCE, deps);
              out.put(card.id(), card);
            }
          }
          return null;
        });
    return out;
  }

  @Override
  public void recountStatuses(Handle handle) {
    // The table lock waits for every transaction that already added counts and makes later ones
    // wait until
    // this one commits: their cards' changes are not in the count below, their counts are added on
    // top of it.
    handle.execute("LOCK TABLE card_counts IN EXCLUSIVE MODE");
    handle.execute("DELETE FROM card_counts");
    handle.execute(
        "INSERT INTO card_counts (status, phase, stripe, n) SELECT status, COALESCE(phase, ''), 0,"
            + " COUNT(*) FROM cards GROUP BY status, COALESCE(phase, '')");
  }

  /**
   * Seqs come from a sequence, so a transaction holding seq 7 may commit after one holding seq 8.
   * Taking the fence exclusively waits until every transaction that drew seqs has ended (locks are
   * released after the commit became visible); a following query then reads with a fresh snapshot
   * in which no seq can still appear below the ones it sees. New writers wait until this
   * transaction ends. This needs read committed: a snapshot taken before the fence was granted
   * could miss what committed while the reader waited.
   */
  @Override
  public void fenceEventRead(Handle handle) {
    String isolation =
        handle.createQuery(PostgresStatements.FENCE_EXCLUSIVE).mapTo(String.class).one();
    if (!"read committed".equals(isolation)) {
      throw new IllegalStateException(
          "reading events on PostgreSQL needs READ COMMITTED transactions, but this"
              + " connection runs '"
              + isolation
              + "': configure the data source's transaction isolation as READ"
              + " COMMITTED (PostgreSQL's default)");
    }
  }

  @Override
  public ChangeFeed changeFeed(Database database, Runnable signal, String where, Secrets secrets) {
    return new PgChangeFeed(database, signal, where, secrets);
  }

  @Override
  public void underMigrationLock(
      Connection c, String where, MigrationWork bootstrap, MigrationWork work) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SELECT pg_advisory_lock(" + MIGRATION_LOCK + ")");
    }
    try {
      bootstrap.run();
      work.run();
    } finally {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT pg_advisory_unlock(" + MIGRATION_LOCK + ")")) {
        ps.execute();
      }
    }
  }

  @Override
  public boolean transactionalDdl() {
    return true;
  }
}
