/**
 * An example tracker provider that keeps features, events, the roadmap and the changelog in one
 * Markdown board file, built only against the tracker API.
 */
package dev.backlog.examples.board;
