package dev.backlog.chaos.internal;

/**
 * One sample of a soak, taken at the end of each interval.
 *
 * @param store the store's label
 * @param index 1 for the first interval
 * @param seconds seconds since the soak began
 * @param cardsPerSecond completions per second in the interval
 * @param claimP99Ms the 99th percentile of the claim latency in the interval
 * @param heapMiB heap used after a full GC
 * @param rssMiB the process's resident set
 * @param fds open file descriptors of the process
 * @param dbConnections client connections the database had open
 */
public record SoakSample(
    String store,
    int index,
    double seconds,
    double cardsPerSecond,
    double claimP99Ms,
    double heapMiB,
    double rssMiB,
    long fds,
    long dbConnections) {}
