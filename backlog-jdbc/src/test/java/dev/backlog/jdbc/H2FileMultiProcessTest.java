package dev.backlog.jdbc;

/**
 * Four worker JVMs drain one H2 file database opened with the CLI's URL ({@link
 * JdbcBacklogStore#defaultH2Url}).
 */
class H2FileMultiProcessTest extends MultiProcessDrain {
  @Override
  protected String url() {
    return JdbcBacklogStore.defaultH2Url(TestStores.newDirectory());
  }
}
