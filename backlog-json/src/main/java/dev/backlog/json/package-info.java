/**
 * The backlog's JSON Lines plan format, one card per line as {@code backlog export} writes it:
 * {@link dev.backlog.json.PlanFile} reads a whole file, reports every bad line, and imports it
 * all-or-nothing.
 */
package dev.backlog.json;
