/**
 * A {@link dev.backlog.core.spi.BacklogStore} on JDBC for embedded H2 and PostgreSQL: {@link
 * dev.backlog.jdbc.JdbcBacklogStore} and its builder, and {@link dev.backlog.jdbc.H2SharedFile} for
 * an H2 file that other processes (the {@code backlog} CLI) use at the same time.
 */
package dev.backlog.jdbc;
