/**
 * A stateful fake GitHub (REST and GraphQL on the JDK's HTTP server, loopback only) with fault
 * injection, for tests.
 */
package dev.backlog.tracker.github.fake;
