package dev.backlog.jdbc;

/** JDBC store behaviour on an H2 file database opened with the CLI's multi-process URL. */
class H2FileJdbcStoreTest extends JdbcStoreBehaviour {

  @Override
  protected String freshUrl() {
    return JdbcBacklogStore.defaultH2Url(TestStores.newDirectory());
  }
}
