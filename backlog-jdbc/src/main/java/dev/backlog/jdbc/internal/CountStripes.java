package dev.backlog.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.BitSet;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.postgresql.PGConnection;

/**
 * The status-count stripe of each PostgreSQL connection of this process: a physical connection
 * keeps its stripe while it lives, and a new one gets a stripe no live connection of this process
 * holds (while there are fewer than {@link PostgresStatements#COUNT_STRIPES}), scanning from a
 * random start so that processes sharing a database tend to spread too. Two transactions that add
 * to the same stripe row wait for each other until the first commits; with stripes drawn from the
 * server process id, 34 connections shared stripes in about eight pairs.
 *
 * <p>Any stripe keeps the counts right (each stripe row is an addend of the count); this only keeps
 * concurrent transactions of one process off each other's rows.
 *
 * <p>Thread-safe.
 */
final class CountStripes {

  /** The stripes of this process's connections. */
  static final CountStripes PROCESS = new CountStripes(PostgresStatements.COUNT_STRIPES);

  private final int stripes;
  private final int start;
  private final Map<Object, Integer> byConnection = new WeakHashMap<>();

  CountStripes(int stripes) {
    this.stripes = stripes;
    this.start = ThreadLocalRandom.current().nextInt(stripes);
  }

  /**
   * The stripe of {@code connection}'s physical connection (a pool's proxy is unwrapped to the
   * driver's connection when it can be).
   */
  int of(Connection connection) throws SQLException {
    Object physical =
        connection.isWrapperFor(PGConnection.class)
            ? connection.unwrap(PGConnection.class)
            : connection;
    synchronized (byConnection) {
      Integer stripe = byConnection.get(physical);
      if (stripe == null) {
        stripe = free();
        byConnection.put(physical, stripe);
      }
      return stripe;
    }
  }

  /**
   * The first stripe from the start no live connection holds, or the next one round when all are.
   */
  private int free() {
    BitSet used = new BitSet(stripes);
    for (Integer s : byConnection.values()) {
      used.set(s);
    }
    for (int k = 0; k < stripes; k++) {
      int s = (start + k) % stripes;
      if (!used.get(s)) {
        return s;
      }
    }
    return (start + byConnection.size()) % stripes;
  }
}
