/**
 * A {@link dev.backlog.core.spi.BacklogStore} on JDBC for embedded H2 and PostgreSQL:
 * {@link dev.backlog.jdbc.JdbcBacklogStore} and its builder.
 */
package dev.backlog.jdbc;
