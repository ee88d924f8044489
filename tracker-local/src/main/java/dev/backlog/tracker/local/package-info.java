/**
 * The filesystem tracker provider: one directory per feature with {@code feature.json} and {@code
 * events.jsonl}, plus {@code ROADMAP.md} and {@code CHANGELOG.md}, all written atomically.
 */
package dev.backlog.tracker.local;
