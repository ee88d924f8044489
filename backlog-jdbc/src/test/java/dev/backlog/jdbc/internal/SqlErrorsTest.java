package dev.backlog.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class SqlErrorsTest {

  private static SQLException h2(String message, int code) {
    return new SQLException(message, code == 50000 ? "HY000" : String.valueOf(code), code);
  }

  @Test
  void
      aTransactionRolledBackBecauseTheAutoServerHostClosedTheDatabaseIsRetriedLikeABrokenConnection() {
    // The message H2 2.3 sends a client whose transaction the exiting host process rolled back.
    SQLException e =
        h2(
            "General error: \"Transaction 1 has status ROLLED_BACK, not OPEN [2.3.232/103]\"; SQL statement:\n"
                + "UPDATE card_counts SET n = n + ? WHERE status = ? AND phase = ? [50000-232]",
            50000);
    assertEquals(SqlErrors.Kind.CONNECTION, SqlErrors.classify(new RuntimeException("wrapped", e)));
    SQLException closed =
        h2(
            "General error: \"Transaction 7 has status CLOSED, not OPEN [2.3.232/103]\" [50000-232]",
            50000);
    assertEquals(SqlErrors.Kind.CONNECTION, SqlErrors.classify(closed));
  }

  @Test
  void aSessionTheAutoServerHostClosedUnderItsClientIsRetriedLikeABrokenConnection() {
    // What H2 2.3's client raises (seen in the multi-process drain) when the exiting host closed
    // its session and the client's next statement reaches the dropped link.
    SQLException e =
        h2(
            "General error: \"java.lang.NullPointerException: Cannot invoke"
                + " \"\"java.util.ArrayList.remove(int)\"\" because \"\"this.transferList\"\" is null\""
                + " [50000-232]",
            50000);
    assertEquals(SqlErrors.Kind.CONNECTION, SqlErrors.classify(new RuntimeException("wrapped", e)));
    assertEquals(
        SqlErrors.Kind.OTHER,
        SqlErrors.classify(
            h2(
                "General error: \"java.lang.NullPointerException: Cannot invoke"
                    + " \"\"java.util.List.size()\"\" because \"\"this.rows\"\" is null\" [50000-232]",
                50000)),
        "another null inside H2 stays a defect");
  }

  @Test
  void aStatementThatReachesTheClosingStoreIsRetriedLikeABrokenConnection() {
    // Seen in the multi-process drain: H2's storage error 4 (ERROR_CLOSED) in its general error.
    SQLException e =
        h2(
            "General error: \"org.h2.mvstore.MVStoreException: Transaction 3 is closed"
                + " [2.3.232/4]\"; SQL statement:\nSELECT id FROM FINAL TABLE (UPDATE cards SET"
                + " status = 'claimed' WHERE id = ?) [50000-232]",
            50000);
    assertEquals(SqlErrors.Kind.CONNECTION, SqlErrors.classify(e));
    assertEquals(
        SqlErrors.Kind.OTHER,
        SqlErrors.classify(
            h2(
                "General error: \"org.h2.mvstore.MVStoreException: File corrupted in chunk 7"
                    + " [2.3.232/6]\" [50000-232]",
                50000)),
        "a damaged file is not a hand-over");
  }

  @Test
  void aPoolsTimeoutIsDescribedByTheDriversReasonBehindIt() {
    SQLException reason =
        new SQLException("FATAL: password authentication failed for user \"u\"", "28P01", 0);
    SQLException pool =
        new java.sql.SQLTransientConnectionException(
            "backlog - Connection is not available, request timed out after 5003ms",
            "28P01",
            reason);
    String described =
        SqlErrors.describe(
            new RuntimeException("wrapped", pool), Secrets.of("jdbc:h2:mem:x", null));
    assertEquals(
        "FATAL: password authentication failed for user \"u\" (SQL state 28P01, code 0)",
        described);
    assertEquals(
        reason.getMessage(),
        SqlErrors.sanitized(pool, Secrets.of("jdbc:h2:mem:x", null)).getMessage());
    SQLException general =
        new SQLException(
            "The connection attempt failed.",
            "08001",
            new java.net.UnknownHostException("nosuchhost.invalid"));
    assertEquals(
        "The connection attempt failed. [UnknownHostException: nosuchhost.invalid]"
            + " (SQL state 08001, code 0)",
        SqlErrors.describe(general, Secrets.of("jdbc:h2:mem:x", null)));
    String quoted = "org.h2.mvstore.MVStoreException: Writing to f failed [2.3.232/2]";
    SQLException h2General =
        new SQLException(
            "General error: \"" + quoted + "\" [50000-232]",
            "HY000",
            50000,
            new IllegalStateException("Writing to f failed [2.3.232/2]"));
    assertEquals(
        "General error: \"" + quoted + "\" [50000-232] (SQL state HY000, code 50000)",
        SqlErrors.describe(h2General, Secrets.of("jdbc:h2:mem:x", null)),
        "a cause the message already quotes is not repeated");
    SQLException alone = new SQLException("broken", "08006", 0);
    assertEquals(
        "broken (SQL state 08006, code 0)",
        SqlErrors.describe(alone, Secrets.of("jdbc:h2:mem:x", null)));
  }

  @Test
  void otherGeneralErrorsStayDefects() {
    assertEquals(
        SqlErrors.Kind.OTHER,
        SqlErrors.classify(
            h2("General error: \"java.lang.NullPointerException\" [50000-232]", 50000)));
    assertEquals(
        SqlErrors.Kind.OTHER,
        SqlErrors.classify(
            h2("Transaction 1 has status ROLLED_BACK, not OPEN [2.3.232/103]", 42000)),
        "only H2's general error code carries the storage error");
  }

  @Test
  void deadlocksLockTimeoutsAndDuplicatesKeepTheirKinds() {
    assertEquals(
        SqlErrors.Kind.TRANSIENT, SqlErrors.classify(new SQLException("deadlock", "40001", 40001)));
    assertEquals(
        SqlErrors.Kind.TRANSIENT,
        SqlErrors.classify(new SQLException("lock timeout", "HYT00", 50200)));
    assertEquals(
        SqlErrors.Kind.DUPLICATE, SqlErrors.classify(new SQLException("dup", "23505", 23505)));
    assertEquals(
        SqlErrors.Kind.CONNECTION, SqlErrors.classify(new SQLException("broken", "08006", 0)));
  }

  @Test
  void aPlainStatementsFailureAndJdbisOwnAreClassifiedAlikeFromTheDriversException() {
    SQLException deadlock = new SQLException("deadlock", "40P01", 0);
    assertEquals(SqlErrors.Kind.TRANSIENT, SqlErrors.classify(new SqlFailure(deadlock)));
    assertEquals(
        SqlErrors.Kind.TRANSIENT,
        SqlErrors.classify(
            new org.jdbi.v3.core.statement.UnableToExecuteStatementException(deadlock, null)));
    SQLException broken = new SQLException("broken", "08006", 0);
    assertEquals(SqlErrors.Kind.CONNECTION, SqlErrors.classify(new SqlFailure(broken)));
    assertEquals(
        SqlErrors.Kind.CONNECTION,
        SqlErrors.classify(new org.jdbi.v3.core.ConnectionException(broken)));
  }

  @Test
  void aFailedWriteOfTheH2FileAndPostgreSqlsDiskFullAreStorageFailuresReportedUnavailable() {
    // The message H2 2.3 gives when the MVStore cannot write a chunk (the disk is full).
    SQLException h2Full =
        h2(
            "General error: \"org.h2.mvstore.MVStoreException: Writing to"
                + " sun.nio.ch.FileChannelImpl@36bb829c failed; length 8192 at 53248 [2.3.232/2]\""
                + " [50000-232]",
            50000);
    assertEquals(SqlErrors.Kind.STORAGE, SqlErrors.classify(new RuntimeException("w", h2Full)));
    assertEquals(
        SqlErrors.Kind.STORAGE,
        SqlErrors.classify(new SQLException("could not extend file: No space left", "53100", 0)));
    dev.backlog.core.BacklogException e =
        SqlErrors.translate(h2Full, SqlErrors.Kind.STORAGE, "H2 file x", Secrets.of("", null));
    assertEquals(dev.backlog.core.CoreErrorCode.STORE_UNAVAILABLE, e.code());
    assertTrue(e.getMessage().contains("cannot write its storage (is the disk full?)"));
    assertTrue(e.getMessage().contains("nothing of this operation was committed"));
  }
}
