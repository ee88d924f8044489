/**
 * The {@code backlog} command: a command-line host for the backlog of record; start at {@link
 * dev.backlog.cli.BacklogCli}.
 */
package dev.backlog.cli;
