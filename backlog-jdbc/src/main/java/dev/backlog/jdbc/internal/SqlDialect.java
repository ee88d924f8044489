package dev.backlog.jdbc.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.Event;
import dev.backlog.core.LeaseToken;
import dev.backlog.core.spi.Completion;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Everything the store does differently on each database (after db-scheduler's {@code
 * JdbcCustomization}): claiming, numbering and writing events, completing a held lease, keeping
 * dependents' counters, the recount, the fence readers of the event log take, waiting for changes,
 * the claimable predicate, share locks, pool settings and the migration lock. The transaction
 * ({@link JdbcTransaction}) and the engine call it and never ask which database it is.
 *
 * <p>Implementations are stateless and thread-safe.
 */
public interface SqlDialect {

  /** The product name for messages. */
  String displayName();

  /** The Maven coordinates of the JDBC driver, for the message when it is missing. */
  String driverArtifact();

  /** The JDBC driver's class name. */
  String driverClass();

  /** Adds the dialect's settings to a pool the store opens for {@code url}. */
  void configurePool(HikariConfig config, String url);

  /**
   * The connections of a store that opened {@code pool} for {@code url} (the pool is closed with
   * it).
   */
  Database database(HikariDataSource pool, String url, String user, String password);

  /** How long opening the database is retried while connections fail. */
  Duration openRetry();

  /**
   * How many coalesced transactions of one kind run well side by side on this database while that
   * kind of call is lightly used ({@link dev.backlog.core.spi.BacklogStore#coalescedInFlight}).
   */
  int coalescedInFlight();

  /**
   * Whether a statement of this dialect may commit on its own ({@link SoleStatement}), so that the
   * engine must know the store's highest event seq to look up what it did when its answer is lost.
   */
  default boolean commitsSoleStatements() {
    return false;
  }

  /**
   * The database server process serving {@code c}, read without a round trip, or 0 when the
   * database has none to name (in-process databases) or the connection will not say.
   */
  default int serverProcess(Connection c) {
    return 0;
  }

  /**
   * Waits, asking on {@code c}, until server process {@code pid} (from {@link #serverProcess}, 0
   * for none) has ended or sits idle with no transaction open: then whatever it was sent before its
   * answer was lost has committed or never will. Gives up after a bounded wait, with a warning
   * naming {@code where}.
   */
  default void awaitServerProcessEnded(Connection c, int pid, String where) throws SQLException {}

  /**
   * The condition for a claimable card of table {@code cards}, as the claim indexes' predicate
   * states it.
   */
  String claimable();

  /** How this database's timestamp columns are read. */
  TimestampReader timestamps();

  /** The row lock that keeps a dependency's status stable until commit. */
  String shareLock();

  /**
   * Claims up to {@code request.limit()} cards. Returns them with their dependencies, in any order;
   * when {@code inline}, the statement also wrote their events, returned by card.
   */
  Claimed claim(Session s, ClaimRequest request, boolean inline);

  /** What a claim statement did. */
  record Claimed(List<Card> cards, Map<CardId, Event> events) {}

  /**
   * Claims for several requests of a coalesced batch that share a filter (the same phase or none,
   * no card id) in one statement, as if they claimed one after the other in the order given: one
   * {@link Claimed} per request, in that order; null when the dialect has no such statement (the
   * caller then claims request by request).
   */
  default List<Claimed> claimEach(Session s, List<ClaimRequest> requests, boolean inline) {
    return null;
  }

  /**
   * Whether the next operation may write its events and status counts in its own statement (so the
   * transaction's events stay numbered in the order of its operations).
   */
  boolean writesEventsInline(Session s);

  /** Numbers and writes the buffered events and applies the status counts. */
  void seal(Session s);

  /**
   * Completes the card in one round trip when {@code token} is its current, unexpired lease, and
   * returns it with its dependencies; empty when the lease does not hold (nothing changed then) or
   * the dialect has no such path. The statement also ends the lease's run with {@code evidence}
   * (compact JSON or null). When {@code eventActor} is not null the statement also wrote the card's
   * event and counts.
   */
  Optional<Card> completeHeld(
      Session s, CardId id, LeaseToken token, String evidence, String eventActor);

  /**
   * Completes, in one statement, every item of a batch of distinct cards whose token is its card's
   * current, unexpired lease, ending the runs and writing the events (as {@code actor}) and counts;
   * one entry per item in the order given, empty where the lease did not hold (nothing changed for
   * it). Changes nothing when a card of the batch depends on another one of it. Only called when
   * {@link #writesEventsInline} holds. Null when the dialect has no such statement.
   */
  default List<Optional<Card>> completeHeldEach(Session s, List<Completion> items, String actor) {
    return null;
  }

  /**
   * Completes locked cards whose leases were checked in one statement and lowers their dependents'
   * counters; false when the dialect has no such path (the caller goes card by card).
   */
  boolean completeLocked(Session s, List<CardId> ids, Instant at);

  /**
   * Keeps dependents' counters right when a card becomes done ({@code done}) or stops being done.
   */
  void dependentsChanged(Session s, CardId id, boolean done);

  /** Reads the named cards that exist, with their dependencies, locking their rows in id order. */
  Map<CardId, Card> lockAll(Session s, List<String> sortedIds);

  /**
   * Recomputes the status counts from the cards (the caller has recomputed the dependency
   * counters).
   */
  void recountStatuses(Handle handle);

  /** Makes sure that no event below the ones a following read sees can still be committed. */
  void fenceEventRead(Handle handle);

  /**
   * The change feed long-polling claimers wait on; {@code signal} wakes this process's waiters, and
   * the feed opens any connection of its own with {@link Database#listenLink()}.
   */
  ChangeFeed changeFeed(Database database, Runnable signal, String where, Secrets secrets);

  /**
   * Runs {@code bootstrap} (which creates the migrator's tables if missing) and then {@code work}
   * while holding the database-wide migration lock, on {@code c} (auto-commit on).
   */
  void underMigrationLock(Connection c, String where, MigrationWork bootstrap, MigrationWork work)
      throws SQLException;

  /** Whether a migration script runs in one transaction (DDL is transactional). */
  boolean transactionalDdl();

  /** Work under the migration lock. */
  @FunctionalInterface
  interface MigrationWork {
    void run() throws SQLException;
  }
}
