/**
 * The in-memory store: the reference model of the store semantics, for tests and single-process
 * hosts.
 */
package dev.backlog.core.memory;
