/**
 * Mirrors the backlog to human-facing trackers: the feature model, provider discovery, tracker
 * configuration, the changelog splice and roadmap rendering, and the bridge that follows the event
 * stream.
 */
package dev.backlog.tracker;
