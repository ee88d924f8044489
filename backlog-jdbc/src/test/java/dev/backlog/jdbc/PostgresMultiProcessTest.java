package dev.backlog.jdbc;

/** Four worker JVMs drain one PostgreSQL database. */
class PostgresMultiProcessTest extends MultiProcessDrain {
  @Override
  protected String url() {
    return TestPostgres.freshSchemaUrl();
  }
}
