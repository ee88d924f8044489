package dev.backlog.benchmarks.internal;

import dev.backlog.core.Backlog;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The claim-and-complete loops the scenarios race: the library, the raw-JDBC ceiling and the
 * reference project's claim.
 *
 * <p>Each worker is used by one thread.
 */
public final class Workers {

  /** The lease length every worker asks for. */
  static final Duration TTL = Duration.ofMinutes(15);

  private Workers() {}

  /**
   * The library: {@code Backlog.claim} for up to {@code batch} cards, then {@code complete}, or
   * {@code completeAll} (one transaction) when the batch holds several cards.
   */
  public static LoadDriver.Worker ours(Backlog backlog, String owner, int batch) {
    ClaimRequest request = ClaimRequest.builder(owner).ttl(TTL).limit(batch).build();
    return new LoadDriver.Worker() {
      private long transactions;

      @Override
      public int step(Latencies claimLatencies) {
        long t0 = System.nanoTime();
        List<Claim> claims = backlog.claim(request);
        long t1 = System.nanoTime();
        transactions++;
        if (claims.isEmpty()) {
          return -1;
        }
        claimLatencies.add(t1 - t0);
        if (claims.size() == 1) {
          Claim c = claims.get(0);
          backlog.complete(c.card().id(), c.token());
        } else {
          backlog.completeAll(claims);
        }
        transactions++;
        return claims.size();
      }

      @Override
      public long transactions() {
        return transactions;
      }
    };
  }

  /**
   * The ceiling on PostgreSQL: a plain JDBC connection running the store's claim statement for one
   * card (its limit written into the text, as the store does) and a single fenced completion {@code
   * UPDATE}, each its own transaction committed with the statement (auto-commit, as the store
   * commits a single claim or completion), with nothing around them: no pool, no events, no
   * dependency bookkeeping, no retries.
   */
  public static LoadDriver.Worker ceiling(String url, String owner) throws SQLException {
    Connection c = PgServer.connect(url);
    c.setAutoCommit(true);
    String columns =
        "k.id, k.title, k.body, k.phase, k.priority, k.status, k.acceptance, k.idempotency_key,"
            + " k.attempts, k.max_attempts, k.lease_owner, k.lease_token, k.lease_claimed_at, k.lease_expires_at,"
            + " k.blocked_reason, k.created_at, k.updated_at, k.version";
    PreparedStatement claim =
        c.prepareStatement(
            "WITH c AS (SELECT id, priority, created_at FROM cards"
                + " WHERE claimable"
                + " ORDER BY priority DESC, created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED),"
                + " t AS (SELECT id, nextval('lease_tokens') AS token FROM c ORDER BY priority DESC, created_at, id),"
                + " n AS (SELECT CURRENT_TIMESTAMP AS at)"
                + " UPDATE cards k SET status = 'claimed', attempts = k.attempts + 1, lease_owner = ?,"
                + " lease_token = t.token, lease_claimed_at = n.at,"
                + " lease_expires_at = n.at + ? * INTERVAL '1 microsecond',"
                + " blocked_reason = NULL, version = k.version + 1, updated_at = n.at"
                + " FROM t, n WHERE k.id = t.id RETURNING "
                + columns);
    PreparedStatement complete =
        c.prepareStatement(
            "UPDATE cards SET status = 'done', lease_owner = NULL,"
                + " lease_token = NULL, lease_claimed_at = NULL, lease_expires_at = NULL, blocked_reason = NULL,"
                + " updated_at = CURRENT_TIMESTAMP, version = version + 1"
                // Written as the store writes it, so that the planner finds the card by its
                // primary key rather than through the partial index of held leases.
                + " WHERE id = ? AND lease_token = ? AND status NOT IN ('ready', 'blocked', 'done')");
    return new RawPair(c, claim, complete, owner, "lease_token", "the ceiling loop");
  }

  /**
   * The minimal single-card pair's table, in the schema of {@code c}: an id, a status, a priority
   * and a creation time, the lease's owner, token and expiry, and a partial index over the ready
   * rows in claim order; {@code ready} ready rows. Nothing else: no events, no counts, no
   * dependencies.
   */
  static void minimalTable(Connection c, int ready) throws SQLException {
    try (java.sql.Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE minimal_cards (id BIGINT PRIMARY KEY, status VARCHAR(16) NOT NULL,"
              + " priority INTEGER NOT NULL, created_at TIMESTAMPTZ NOT NULL, owner VARCHAR(200),"
              + " token BIGINT, expires_at TIMESTAMPTZ)");
      s.execute("CREATE SEQUENCE minimal_tokens CACHE 1");
      s.execute(
          "INSERT INTO minimal_cards (id, status, priority, created_at) SELECT g, 'ready', 0,"
              + " TIMESTAMPTZ '2026-01-01 00:00:00+00' + g * INTERVAL '1 millisecond'"
              + " FROM generate_series(1, "
              + ready
              + ") g");
      s.execute(
          "CREATE INDEX minimal_cards_ready ON minimal_cards (priority DESC, created_at, id)"
              + " WHERE status = 'ready'");
      s.execute("ANALYZE minimal_cards");
    }
  }

  /**
   * The minimal raw single-card pair on {@link #minimalTable}: a plain JDBC connection claiming one
   * row with {@code FOR UPDATE SKIP LOCKED} in one statement and completing it with one fenced
   * {@code UPDATE} (token and expiry checked), each its own transaction committed with the
   * statement (auto-commit). It is what a bare single-card work queue costs on this server, beside
   * the ceiling, which runs the store's own statements on the store's schema.
   */
  public static LoadDriver.Worker minimal(String url, String owner) throws SQLException {
    Connection c = PgServer.connect(url);
    c.setAutoCommit(true);
    PreparedStatement claim =
        c.prepareStatement(
            "WITH c AS (SELECT id FROM minimal_cards WHERE status = 'ready'"
                + " ORDER BY priority DESC, created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)"
                + " UPDATE minimal_cards m SET status = 'claimed', owner = ?, token = nextval('minimal_tokens'),"
                + " expires_at = CURRENT_TIMESTAMP + ? * INTERVAL '1 microsecond'"
                + " FROM c WHERE m.id = c.id RETURNING m.id, m.token");
    PreparedStatement complete =
        c.prepareStatement(
            "UPDATE minimal_cards SET status = 'done', owner = NULL, token = NULL, expires_at = NULL"
                + " WHERE id = ? AND token = ? AND status = 'claimed' AND expires_at > CURRENT_TIMESTAMP");
    return new RawPair(c, claim, complete, owner, "token", "the minimal pair");
  }

  /**
   * A claim statement and a fenced completion on one plain connection in auto-commit, each its own
   * transaction committed in the statement's round trip: the claim binds the owner and the lease's
   * length in microseconds and returns the card's {@code id} and its token; the completion binds
   * both.
   */
  private static final class RawPair implements LoadDriver.Worker {
    private final Connection c;
    private final PreparedStatement claim;
    private final PreparedStatement complete;
    private final String owner;
    private final String tokenColumn;
    private final String what;
    private final long ttlMicros = TTL.toNanos() / 1_000;
    private long transactions;

    RawPair(
        Connection c,
        PreparedStatement claim,
        PreparedStatement complete,
        String owner,
        String tokenColumn,
        String what) {
      this.c = c;
      this.claim = claim;
      this.complete = complete;
      this.owner = owner;
      this.tokenColumn = tokenColumn;
      this.what = what;
    }

    @Override
    public long transactions() {
      return transactions;
    }

    @Override
    public int step(Latencies claimLatencies) throws SQLException {
      long t0 = System.nanoTime();
      claim.setString(1, owner);
      claim.setLong(2, ttlMicros);
      Object id = null;
      long token = 0;
      try (ResultSet rs = claim.executeQuery()) {
        if (rs.next()) {
          id = rs.getObject("id");
          token = rs.getLong(tokenColumn);
        }
      }
      transactions++;
      long t1 = System.nanoTime();
      if (id == null) {
        return -1;
      }
      claimLatencies.add(t1 - t0);
      complete.setObject(1, id);
      complete.setLong(2, token);
      if (complete.executeUpdate() != 1) {
        throw new IllegalStateException(
            what + " could not complete card " + id + " with token " + token);
      }
      transactions++;
      return 1;
    }

    @Override
    public void close() throws SQLException {
      c.close();
    }
  }

  /**
   * The reference project's claim (seed 003) on its own table: one {@code UPDATE} whose subquery
   * picks the first ready card none of whose {@code depends_on} ids is missing from the set of done
   * ids, {@code FOR UPDATE SKIP LOCKED}; then its completion {@code UPDATE}. Each commits.
   */
  public static LoadDriver.Worker seed003(String url, String owner) throws SQLException {
    Connection c = PgServer.connect(url);
    c.setAutoCommit(false);
    PreparedStatement claim =
        c.prepareStatement(
            "UPDATE backlog SET status = 'claimed', claim_owner = ?,"
                + " claim_ttl_seconds = ?, claimed_at = now(), attempts = attempts + 1, updated_at = now()"
                + " WHERE id = (SELECT b.id FROM backlog AS b WHERE b.status = 'ready'"
                + " AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(b.depends_on) AS dep"
                + " WHERE dep NOT IN (SELECT d.id FROM backlog AS d WHERE d.status = 'done'))"
                + " ORDER BY b.priority DESC, b.created_at ASC FOR UPDATE SKIP LOCKED LIMIT 1)"
                + " RETURNING *");
    PreparedStatement complete =
        c.prepareStatement(
            "UPDATE backlog SET status = 'done', claim_owner = NULL,"
                + " claimed_at = NULL, updated_at = now() WHERE id = ? AND status = 'claimed'");
    return new LoadDriver.Worker() {
      @Override
      public int step(Latencies claimLatencies) throws SQLException {
        long t0 = System.nanoTime();
        claim.setString(1, owner);
        claim.setInt(2, (int) TTL.toSeconds());
        String id = null;
        try (ResultSet rs = claim.executeQuery()) {
          if (rs.next()) {
            id = rs.getString("id");
          }
        }
        c.commit();
        long t1 = System.nanoTime();
        if (id == null) {
          return -1;
        }
        claimLatencies.add(t1 - t0);
        complete.setString(1, id);
        if (complete.executeUpdate() != 1) {
          throw new IllegalStateException("the seed 003 loop could not complete card " + id);
        }
        c.commit();
        return 1;
      }

      @Override
      public void close() throws SQLException {
        c.close();
      }
    };
  }

  /** Ids {@code prefix000000001}… zero-padded so that id order is creation order. */
  static String id(String prefix, long n) {
    String digits = Long.toString(n);
    return prefix + "0".repeat(Math.max(0, 9 - digits.length())) + digits;
  }

  /** {@code k} distinct ids of done cards {@code D…} drawn from {@code [0, doneCount)}. */
  static List<String> someDone(java.util.Random random, int doneCount, int k) {
    List<String> out = new ArrayList<>(k);
    while (out.size() < Math.min(k, doneCount)) {
      String id = id("D", random.nextInt(doneCount));
      if (!out.contains(id)) {
        out.add(id);
      }
    }
    return out;
  }
}
