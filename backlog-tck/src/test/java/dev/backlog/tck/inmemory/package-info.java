/** Runs every contract of the kit against the reference in-memory store. */
package dev.backlog.tck.inmemory;
