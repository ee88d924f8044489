/**
 * The backlog over HTTP: {@link dev.backlog.server.BacklogServer} serves a {@link
 * dev.backlog.core.Backlog} as a JSON API (the CLI's JSON contract), a Server-Sent Events stream of
 * its events and a live board page, and can mount a host's own servlets behind the same rules.
 */
package dev.backlog.server;
