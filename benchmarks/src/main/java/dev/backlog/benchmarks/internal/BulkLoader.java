package dev.backlog.benchmarks.internal;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * Loads large backlogs straight into the store's tables ({@code cards}, {@code card_deps}) or the
 * reference project's {@code backlog} table: {@code COPY} on PostgreSQL, batched multi-row inserts
 * on H2. The caller supplies each card's {@code unmet_deps} (its dependencies that are not done),
 * which keeps the store's invariant; scenarios check it with the store's recount.
 *
 * <p>Not thread-safe. Rows are buffered; {@link #close()} writes the rest and commits.
 */
public final class BulkLoader implements AutoCloseable {

  private static final int CHUNK = 20_000;
  private static final DateTimeFormatter PG_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSx").withZone(ZoneOffset.UTC);

  private final Connection connection;
  private final boolean postgres;
  private final StringBuilder cards = new StringBuilder();
  private final StringBuilder edges = new StringBuilder();
  private final StringBuilder seed = new StringBuilder();
  private PreparedStatement cardInsert;
  private PreparedStatement edgeInsert;
  private int cardRows;
  private int edgeRows;
  private int seedRows;
  private long total;

  /** Loads through this connection (autocommit is turned off; the loader commits). */
  public BulkLoader(Connection connection, boolean postgres) throws SQLException {
    this.connection = connection;
    this.postgres = postgres;
    connection.setAutoCommit(false);
    if (!postgres) {
      cardInsert =
          connection.prepareStatement(
              "INSERT INTO cards (id, title, priority, status, attempts, created_at,"
                  + " updated_at, version, unmet_deps) VALUES (?, ?, 0, ?, ?, ?, ?, 1, ?)");
      edgeInsert =
          connection.prepareStatement("INSERT INTO card_deps (card_id, depends_on) VALUES (?, ?)");
    }
  }

  /** Adds a card of the store with priority 0; a done card counts one attempt. */
  public void card(String id, String status, Instant createdAt, int unmetDeps) throws SQLException {
    int attempts = status.equals("done") ? 1 : 0;
    if (postgres) {
      String at = PG_TIME.format(createdAt);
      cards
          .append(id)
          .append(",bench card ")
          .append(id)
          .append(",0,")
          .append(status)
          .append(',')
          .append(attempts)
          .append(',')
          .append(at)
          .append(',')
          .append(at)
          .append(",1,")
          .append(unmetDeps)
          .append('\n');
    } else {
      Timestamp at = Timestamp.from(createdAt);
      cardInsert.setString(1, id);
      cardInsert.setString(2, "bench card " + id);
      cardInsert.setString(3, status);
      cardInsert.setInt(4, attempts);
      cardInsert.setTimestamp(5, at);
      cardInsert.setTimestamp(6, at);
      cardInsert.setInt(7, unmetDeps);
      cardInsert.addBatch();
    }
    total++;
    if (++cardRows >= CHUNK) {
      flushCards();
    }
  }

  /** Adds a dependency edge of the store: {@code card} depends on {@code dependsOn}. */
  public void edge(String card, String dependsOn) throws SQLException {
    if (postgres) {
      edges.append(card).append(',').append(dependsOn).append('\n');
    } else {
      edgeInsert.setString(1, card);
      edgeInsert.setString(2, dependsOn);
      edgeInsert.addBatch();
    }
    if (++edgeRows >= CHUNK) {
      flushCards();
      flushEdges();
    }
  }

  /** Adds a row to the reference project's {@code backlog} table (PostgreSQL only). */
  public void seedRow(String id, String status, List<String> dependsOn, Instant createdAt)
      throws SQLException {
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < dependsOn.size(); i++) {
      json.append(i == 0 ? "" : ",").append("\"\"").append(dependsOn.get(i)).append("\"\"");
    }
    json.append(']');
    String at = PG_TIME.format(createdAt);
    seed.append(id)
        .append(",bench card ")
        .append(id)
        .append(",0,")
        .append(status)
        .append(",\"")
        .append(json)
        .append("\",")
        .append(status.equals("done") ? 1 : 0)
        .append(',')
        .append(at)
        .append(',')
        .append(at)
        .append('\n');
    total++;
    if (++seedRows >= CHUNK) {
      flushSeed();
    }
  }

  /** Rows written so far. */
  public long total() {
    return total;
  }

  private void flushCards() throws SQLException {
    if (cardRows == 0) {
      return;
    }
    if (postgres) {
      copy(
          "COPY cards (id, title, priority, status, attempts, created_at, updated_at, version, unmet_deps)"
              + " FROM STDIN WITH (FORMAT csv)",
          cards);
    } else {
      cardInsert.executeBatch();
    }
    cardRows = 0;
  }

  private void flushEdges() throws SQLException {
    if (edgeRows == 0) {
      return;
    }
    if (postgres) {
      copy("COPY card_deps (card_id, depends_on) FROM STDIN WITH (FORMAT csv)", edges);
    } else {
      edgeInsert.executeBatch();
    }
    edgeRows = 0;
  }

  private void flushSeed() throws SQLException {
    if (seedRows == 0) {
      return;
    }
    copy(
        "COPY backlog (id, title, priority, status, depends_on, attempts, created_at, updated_at)"
            + " FROM STDIN WITH (FORMAT csv)",
        seed);
    seedRows = 0;
  }

  private void copy(String sql, StringBuilder rows) throws SQLException {
    try {
      connection
          .unwrap(PGConnection.class)
          .getCopyAPI()
          .copyIn(sql, new StringReader(rows.toString()));
    } catch (IOException e) {
      throw new SQLException("COPY failed: " + e.getMessage(), e);
    }
    rows.setLength(0);
  }

  /** Writes the buffered rows and commits. */
  @Override
  public void close() throws SQLException {
    try {
      flushCards();
      flushEdges();
      flushSeed();
      connection.commit();
    } finally {
      if (cardInsert != null) {
        cardInsert.close();
        edgeInsert.close();
      }
    }
  }
}
