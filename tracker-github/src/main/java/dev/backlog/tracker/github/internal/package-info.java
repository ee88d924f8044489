/**
 * The GitHub provider's internals: the HTTP client, rate limits, markers, local state and the op
 * executor; not for use by other modules.
 */
package dev.backlog.tracker.github.internal;
