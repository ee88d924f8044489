/**
 * The backlog of record: cards in a dependency DAG, claimed under TTL leases with fencing tokens,
 * every change written as an event; start at {@link dev.backlog.core.Backlog}.
 */
package dev.backlog.core;
