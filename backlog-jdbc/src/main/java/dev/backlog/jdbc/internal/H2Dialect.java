package dev.backlog.jdbc.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.Event;
import dev.backlog.core.Lease;
import dev.backlog.core.LeaseToken;
import dev.backlog.core.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jdbi.v3.core.Handle;

/**
 * H2 2.x. Events are numbered from the event counter row, which every writer updates right before
 * commit, so seq order is commit order and readers need no fence; waiters poll that row.
 *
 * <p>The claim never locks a range: H2 locks every row matching a {@code FOR UPDATE} query's WHERE
 * before it applies FETCH, so the claim reads a window of candidate ids in claim order without
 * locks (served by the {@code cards_claim_order} index), then takes candidates one at a time with a
 * single-row {@code FOR UPDATE SKIP LOCKED} probe by primary key followed by a conditional update.
 * A probe that finds the row locked or no longer claimable lost a race: the claimer moves on to a
 * random later candidate, so concurrent claimers spread over the window instead of queueing.
 *
 * <p>Stateless and thread-safe.
 */
public final class H2Dialect implements SqlDialect {

  /** The one instance. */
  public static final H2Dialect INSTANCE = new H2Dialect();

  /** The H2 lock timeout the store sets on its connections unless the URL sets one. */
  public static final Duration LOCK_TIMEOUT = Duration.ofSeconds(10);

  private static final int WINDOW = 32;
  private static final int MAX_WINDOW = 4096;
  private static final long POLL_MILLIS = 100;
  private static final long MIGRATION_LOCK_WAIT_MILLIS = 120_000;
  private static final String CLAIMABLE =
      "status = 'ready' AND unmet_deps = 0 AND not_before IS NULL";

  private static final NamedSql[] WINDOW_SQL = {
    NamedSql.compile(windowSql(false)), NamedSql.compile(windowSql(true))
  };
  private static final NamedSql[] PROBE = {
    NamedSql.compile(probeSql(false)), NamedSql.compile(probeSql(true))
  };
  private static final NamedSql[] TAKE = {
    NamedSql.compile(takeSql(false)), NamedSql.compile(takeSql(true))
  };
  private static final NamedSql DRAW_SEQS =
      NamedSql.compile(
          "SELECT last_seq FROM FINAL TABLE (UPDATE"
              + " event_counter SET last_seq = last_seq + :n WHERE id = 1)");
  private static final NamedSql INSERT_EVENT =
      NamedSql.compile(
          "INSERT INTO events ("
              + CardRows.EVENT_COLUMNS
              + ") VALUES (:seq, :card, :type, :actor, :at, :token, :data)");
  private static final NamedSql ADD_COUNT =
      NamedSql.compile("UPDATE card_counts SET n = n + :d" + " WHERE status = :s AND phase = :p");
  private static final NamedSql INSERT_COUNT =
      NamedSql.compile("INSERT INTO card_counts (status, phase, n)" + " VALUES (:s, :p, :d)");
  private static final NamedSql LOCK_DEPENDENTS =
      NamedSql.compile(
          "SELECT id FROM cards WHERE id IN"
              + " (SELECT card_id FROM card_deps WHERE depends_on = :id) ORDER BY id FOR UPDATE");
  private static final NamedSql DEPENDENTS_DONE =
      NamedSql.compile(
          "UPDATE cards SET unmet_deps = unmet_deps"
              + " + :delta WHERE id IN (SELECT card_id FROM card_deps WHERE depends_on = :id)");
  private static final String EVENT_COUNTER = "SELECT last_seq FROM event_counter WHERE id = 1";

  private H2Dialect() {}

  @Override
  public String displayName() {
    return "H2";
  }

  @Override
  public String driverArtifact() {
    return "com.h2database:h2";
  }

  @Override
  public String driverClass() {
    return "org.h2.Driver";
  }

  @Override
  public void configurePool(HikariConfig config, String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    if (!lower.contains("lock_timeout")) {
      config.setConnectionInitSql("SET LOCK_TIMEOUT " + LOCK_TIMEOUT.toMillis());
    }
    if (lower.startsWith("jdbc:h2:mem:")) {
      // An in-memory H2 database vanishes with its last connection: never retire them all.
      config.setMaxLifetime(0);
      config.setIdleTimeout(0);
      config.setMinimumIdle(1);
    }
  }

  @Override
  public Database database(HikariDataSource pool, String url, String user, String password) {
    return Database.of(pool, pool);
  }

  /** H2's file lock changes hands when an auto-server owner exits, which takes a few seconds. */
  @Override
  public Duration openRetry() {
    return Duration.ofSeconds(20);
  }

  /**
   * One: the transactions of one H2 database serialize at commit (one store in one process, whose
   * commit writes the changed pages), so a second coalesced transaction beside the first only makes
   * both smaller (docs/storage.md, "Batches in flight").
   */
  @Override
  public int coalescedInFlight() {
    return 1;
  }

  @Override
  public String claimable() {
    return CLAIMABLE;
  }

  /** H2's driver converts its own values cheaply. */
  @Override
  public TimestampReader timestamps() {
    return TimestampReader.OFFSET_DATE_TIME;
  }

  @Override
  public String shareLock() {
    return "FOR UPDATE";
  }

  // ---------------------------------------------------------------- claim

  /**
   * The query for a window of candidates, in claim order: ordering by the equality columns too
   * matches the index {@code cards_claim_order} (or {@code cards_claim_order_by_phase}) column for
   * column, so H2 reads the index in order instead of sorting. Binds {@code :w} and {@code :phase}.
   */
  public static String windowSql(boolean byPhase) {
    return byPhase
        ? "SELECT id FROM cards WHERE "
            + CLAIMABLE
            + " AND phase = :phase"
            + " ORDER BY status, unmet_deps, not_before, phase, priority DESC, created_at, id LIMIT :w"
        : "SELECT id FROM cards WHERE "
            + CLAIMABLE
            + " ORDER BY status, unmet_deps, not_before, priority DESC, created_at, id LIMIT :w";
  }

  private static String claimableById(boolean byPhase) {
    return "id = :id AND " + CLAIMABLE + (byPhase ? " AND phase = :phase" : "");
  }

  public static String probeSql(boolean byPhase) {
    return "SELECT id FROM cards WHERE " + claimableById(byPhase) + " FOR UPDATE SKIP LOCKED";
  }

  public static String takeSql(boolean byPhase) {
    return "SELECT "
        + CardRows.CARD_COLUMNS
        + " FROM FINAL TABLE (UPDATE cards SET"
        + " status = 'claimed', attempts = attempts + 1, lease_owner = :owner,"
        + " lease_token = NEXT VALUE FOR lease_tokens, lease_claimed_at = :at, lease_expires_at = :expires,"
        + " lease_phase = :leasePhase, lease_attributes = :leaseAttributes,"
        + " blocked_reason = NULL, version = version + 1, updated_at = :at WHERE "
        + claimableById(byPhase)
        + ")";
  }

  @Override
  public Claimed claim(Session s, ClaimRequest request, boolean inline) {
    Instant at = s.now();
    Instant expires =
        at.plus(Duration.of(JdbcTransaction.micros(request.ttl()), ChronoUnit.MICROS));
    List<Card> claimed = new ArrayList<>();
    if (request.cardId() != null) {
      tryClaim(s, request.cardId(), request, at, expires).ifPresent(claimed::add);
      return new Claimed(s.withDependencies(claimed), Map.of());
    }
    Set<CardId> tried = new HashSet<>();
    int window = Math.max(WINDOW, request.limit() * 2);
    boolean contended = false;
    while (claimed.size() < request.limit()) {
      List<CardId> ids = window(s, request.phase(), window);
      List<CardId> candidates = new ArrayList<>();
      for (CardId id : ids) {
        if (!tried.contains(id)) {
          candidates.add(id);
        }
      }
      if (candidates.isEmpty()) {
        if (ids.size() < window || window >= MAX_WINDOW) {
          break;
        }
        window = Math.min(MAX_WINDOW, window * 2);
        continue;
      }
      while (!candidates.isEmpty() && claimed.size() < request.limit()) {
        int pick = contended ? ThreadLocalRandom.current().nextInt(candidates.size()) : 0;
        CardId id = candidates.remove(pick);
        tried.add(id);
        Optional<Card> card = tryClaim(s, id, request, at, expires);
        if (card.isPresent()) {
          claimed.add(card.get());
        } else {
          contended = true;
        }
      }
    }
    return new Claimed(claimed.isEmpty() ? claimed : s.withDependencies(claimed), Map.of());
  }

  private static List<CardId> window(Session s, String phase, int window) {
    return s.rows(
        WINDOW_SQL[phase != null ? 1 : 0],
        b -> {
          b.set("w", window);
          if (phase != null) {
            b.set("phase", phase);
          }
        },
        rs -> CardId.of(rs.getString(1)));
  }

  private static Optional<Card> tryClaim(
      Session s, CardId id, ClaimRequest request, Instant at, Instant expires) {
    int byPhase = request.phase() != null ? 1 : 0;
    Session.Bind which =
        b -> {
          b.set("id", id);
          if (request.phase() != null) {
            b.set("phase", request.phase());
          }
        };
    if (s.rows(PROBE[byPhase], which, rs -> rs.getString(1)).isEmpty()) {
      return Optional.empty();
    }
    return s
        .rows(
            TAKE[byPhase],
            b -> {
              which.to(b);
              b.set("owner", request.owner())
                  .set("at", at)
                  .set("expires", expires)
                  .set("leasePhase", request.leasePhase())
                  .set("leaseAttributes", Lease.attributesJson(request.attributes()));
            },
            CardRows::card)
        .stream()
        .findFirst();
  }

  // ---------------------------------------------------------------- events and counts

  @Override
  public boolean writesEventsInline(Session s) {
    return false;
  }

  /**
   * Numbers the events from the event counter row, which also keeps other writers of card_counts
   * out.
   */
  @Override
  public void seal(Session s) {
    int n = s.pending.size();
    long last = s.rows(DRAW_SEQS, b -> b.set("n", n), rs -> rs.getLong(1)).get(0);
    long first = last - n + 1;
    Instant at = s.now();
    List<Event> numbered = new ArrayList<>(n);
    for (Session.PendingEvent p : s.pending) {
      numbered.add(
          new Event(
              first + numbered.size(), p.cardId(), p.type(), p.actor(), at, p.token(), p.data()));
    }
    s.batch(
        INSERT_EVENT,
        numbered,
        (b, e) ->
            b.set("seq", e.seq())
                .set("card", e.cardId())
                .set("type", e.type().wireName())
                .set("actor", e.actor())
                .set("at", at)
                .set("token", e.leaseToken())
                .set("data", e.data()));
    s.pending.clear();
    s.sealed.addAll(numbered);
    for (Map.Entry<Session.CountKey, Long> d : s.countDeltas.entrySet()) {
      if (d.getValue() == 0) {
        continue;
      }
      Session.Bind bind =
          b ->
              b.set("d", d.getValue())
                  .set("s", d.getKey().status().wireName())
                  .set("p", d.getKey().phase());
      if (s.update(ADD_COUNT, bind) == 0) {
        s.update(INSERT_COUNT, bind);
      }
    }
    s.countDeltas.clear();
  }

  // ---------------------------------------------------------------- completion and counters

  @Override
  public Optional<Card> completeHeld(
      Session s, CardId id, LeaseToken token, String evidence, String eventActor) {
    return Optional.empty();
  }

  @Override
  public boolean completeLocked(Session s, List<CardId> ids, Instant at) {
    return false;
  }

  @Override
  public void dependentsChanged(Session s, CardId id, boolean done) {
    // Lock the dependents in id order first, so that two completions never wait on each other in a
    // cycle.
    List<String> dependents = s.rows(LOCK_DEPENDENTS, b -> b.set("id", id), rs -> rs.getString(1));
    if (dependents.isEmpty()) {
      return;
    }
    if (done) {
      s.wakeWaiters();
    }
    s.update(DEPENDENTS_DONE, b -> b.set("delta", done ? -1 : 1).set("id", id));
  }

  @Override
  public Map<CardId, Card> lockAll(Session s, List<String> sortedIds) {
    List<Card> cards = new ArrayList<>();
    for (int i = 0; i < sortedIds.size(); i += Session.IN_CHUNK) {
      List<String> chunk = sortedIds.subList(i, Math.min(sortedIds.size(), i + Session.IN_CHUNK));
      cards.addAll(
          s.rowsIn(
              "SELECT " + CardRows.CARD_COLUMNS + " FROM cards WHERE id",
              chunk,
              " ORDER BY id FOR UPDATE",
              CardRows::card));
    }
    Map<CardId, Card> out = new HashMap<>();
    for (Card card : s.withDependencies(cards)) {
      out.put(card.id(), card);
    }
    return out;
  }

  @Override
  public void recountStatuses(Handle handle) {
    // Under the event_counter row, like every other writer of card_counts.
    handle.execute("UPDATE event_counter SET last_seq = last_seq WHERE id = 1");
    handle.execute("DELETE FROM card_counts");
    handle.execute(
        "INSERT INTO card_counts (status, phase, n) SELECT status, COALESCE(phase, ''), COUNT(*)"
            + " FROM cards GROUP BY status, COALESCE(phase, '')");
  }

  /** Seqs are drawn in commit order: nothing to wait for. */
  @Override
  public void fenceEventRead(Handle handle) {}

  // ---------------------------------------------------------------- changes and migrations

  @Override
  public ChangeFeed changeFeed(Database database, Runnable signal, String where, Secrets secrets) {
    return new ChangeFeed() {
      @Override
      public void committed() {}

      @Override
      public long mark() {
        return eventCounter(database);
      }

      @Override
      public long sliceNanos(long remainingNanos) {
        return Math.min(remainingNanos, POLL_MILLIS * 1_000_000L);
      }

      @Override
      public boolean changedSince(long mark) {
        return mark >= 0 && eventCounter(database) != mark;
      }

      @Override
      public void close() {}
    };
  }

  private static long eventCounter(Database database) {
    try (Database.Link link = database.open();
        PreparedStatement ps = link.connection().prepareStatement(EVENT_COUNTER);
        ResultSet rs = ps.executeQuery()) {
      long value = rs.next() ? rs.getLong(1) : -1;
      if (!link.connection().getAutoCommit()) {
        link.connection().rollback();
      }
      return value;
    } catch (SQLException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * A lock row with an expiry, since H2 has no advisory locks; the row is made by {@code
   * bootstrap}.
   */
  @Override
  public void underMigrationLock(
      Connection c, String where, MigrationWork bootstrap, MigrationWork work) throws SQLException {
    bootstrap.run();
    String me = UUID.randomUUID().toString();
    long deadline = System.nanoTime() + MIGRATION_LOCK_WAIT_MILLIS * 1_000_000L;
    long pause = 20;
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE backlog_schema_lock SET locked_by = ?,"
                + " locked_until = DATEADD(SECOND, 60, CURRENT_TIMESTAMP) WHERE id = 1"
                + " AND (locked_by IS NULL OR locked_until < CURRENT_TIMESTAMP)")) {
      ps.setString(1, me);
      while (ps.executeUpdate() == 0) {
        if (System.nanoTime() > deadline) {
          throw new StoreUnavailableException(
              "another process has been migrating the backlog database "
                  + where
                  + " for more than "
                  + MIGRATION_LOCK_WAIT_MILLIS / 1000
                  + " s; wait for it to finish and retry",
              null);
        }
        try {
          Thread.sleep(pause);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StoreUnavailableException(
              "interrupted while waiting to migrate the backlog database " + where, null);
        }
        pause = Math.min(500, pause * 2);
      }
    }
    try {
      work.run();
    } finally {
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE backlog_schema_lock SET locked_by = NULL, locked_until = NULL WHERE id = 1 AND locked_by = ?")) {
        ps.setString(1, me);
        ps.executeUpdate();
      }
    }
  }

  @Override
  public boolean transactionalDdl() {
    return false;
  }
}
