package dev.backlog.jdbc;

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
}
