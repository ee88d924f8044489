/**
 * The implementation of the {@code backlog} command: commands, settings, rendering and the demo;
 * not an API.
 */
package dev.backlog.cli.internal;
