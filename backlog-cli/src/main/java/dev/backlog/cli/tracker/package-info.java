/**
 * The {@code backlog tracker} command group: the configured tracker's status, its sync with the
 * backlog, and its roadmap.
 */
package dev.backlog.cli.tracker;
