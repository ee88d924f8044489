/**
 * A host program that embeds the backlog, its JDBC store, a tracker and the bridge, the way a build
 * tool would.
 */
package dev.backlog.examples.embedding;
