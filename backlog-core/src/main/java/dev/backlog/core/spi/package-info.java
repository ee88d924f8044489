/**
 * Extension points for store implementations: {@link dev.backlog.core.spi.BacklogStore} and the
 * shared pieces that keep every store's semantics identical. This package may evolve faster than
 * the API in {@code dev.backlog.core}; stores should be tested with the backlog-tck conformance
 * kit.
 */
package dev.backlog.core.spi;
