package dev.backlog.jdbc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.StoreUnavailableException;
import org.junit.jupiter.api.Test;

/** JDBC store behaviour on PostgreSQL. */
class PostgresJdbcStoreTest extends JdbcStoreBehaviour {

  @Override
  protected String freshUrl() {
    return TestPostgres.freshSchemaUrl();
  }

  @Override
  protected boolean postgres() {
    return true;
  }

  /**
   * The pool gives up on a database it cannot reach with a message of its own ("Connection is not
   * available, request timed out"); the store reports the server's reason behind it.
   */
  @Test
  void aDatabaseThatDoesNotExistIsNamedAsTheReason() {
    String url = TestPostgres.url().replaceFirst("(//[^/]+/)[^?]*", "$1no_such_backlog_db");
    StoreUnavailableException e =
        assertThrows(
            StoreUnavailableException.class, () -> JdbcBacklogStore.builder().url(url).build());
    assertTrue(e.getMessage().contains("\"no_such_backlog_db\" does not exist"), e.getMessage());
    assertTrue(e.getMessage().contains("SQL state 3D000"), e.getMessage());
    assertFalse(e.getMessage().contains("Connection is not available"), e.getMessage());
  }
}
