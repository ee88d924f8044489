package dev.backlog.tracker;

/**
 * What one {@link TrackerBridge#pump()} did.
 *
 * <p>Immutable and thread-safe.
 *
 * @param events backlog events applied
 * @param featuresWritten feature records written because they differed from the card
 * @param cursor the stream position after the pump
 */
public record BridgeReport(int events, int featuresWritten, long cursor) {}
