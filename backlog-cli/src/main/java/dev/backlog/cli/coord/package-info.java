/**
 * The {@code backlog coord} command group: missions, lanes, bookkeeping, merges and health checks
 * on git coordination.
 */
package dev.backlog.cli.coord;
