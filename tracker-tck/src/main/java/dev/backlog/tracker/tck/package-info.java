/**
 * The tracker provider conformance kit: extend {@link
 * dev.backlog.tracker.tck.TrackerProviderContract} with a factory method and every provider
 * behaviour the API promises is checked.
 */
package dev.backlog.tracker.tck;
