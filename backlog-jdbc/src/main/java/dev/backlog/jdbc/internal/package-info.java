/**
 * The JDBC store's internals (dialects, migrations, the transaction, error translation); not an
 * API.
 */
package dev.backlog.jdbc.internal;
