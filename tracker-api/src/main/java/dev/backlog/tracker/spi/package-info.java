/**
 * Extension points for tracker providers ({@link dev.backlog.tracker.spi.TrackerProviderFactory},
 * {@link dev.backlog.tracker.spi.TrackerProvider}) and the durable building blocks they reuse
 * (atomic files, cross-process locks, the op-log and the conflict ledger). This package may evolve
 * faster than the API in {@code dev.backlog.tracker}; test providers with the tracker-tck
 * conformance kit.
 */
package dev.backlog.tracker.spi;
