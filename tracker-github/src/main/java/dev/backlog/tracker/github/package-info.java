/**
 * The GitHub tracker provider: features as Issues, a Projects v2 {@code Status}, events as
 * comments, and the roadmap and changelog as repository files.
 */
package dev.backlog.tracker.github;
