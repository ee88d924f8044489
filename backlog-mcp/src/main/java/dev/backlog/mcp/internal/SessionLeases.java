package dev.backlog.mcp.internal;

import dev.backlog.core.CardId;
import dev.backlog.core.LeaseToken;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The leases each MCP session took and has not given back yet, so that the leases of a stdio
 * session that ends can be released at once. Thread-safe.
 */
public final class SessionLeases {

  private final ConcurrentMap<String, ConcurrentMap<CardId, LeaseToken>> bySession =
      new ConcurrentHashMap<>();
  private final boolean tracking;
  private volatile boolean ended;

  private SessionLeases(boolean tracking) {
    this.tracking = tracking;
  }

  /** A record of the leases taken (stdio: they are released when the session ends). */
  public static SessionLeases tracked() {
    return new SessionLeases(true);
  }

  /**
   * A record that keeps nothing (HTTP: a session's leases run to their TTL, so there is nothing to
   * release, and a long-running server should not remember every lease it handed out).
   */
  public static SessionLeases untracked() {
    return new SessionLeases(false);
  }

  /** Records a lease a session took. */
  void took(String session, CardId card, LeaseToken token) {
    if (!tracking) {
      return;
    }
    bySession.computeIfAbsent(session, s -> new ConcurrentHashMap<>()).put(card, token);
  }

  /** Forgets a lease once it was completed, released, failed, or found lost. */
  void gone(String session, CardId card, LeaseToken token) {
    Map<CardId, LeaseToken> held = bySession.get(session);
    if (held != null) {
      held.remove(card, token);
    }
  }

  /** Marks every session ended: leases taken from now on are given back at once. */
  public void end() {
    ended = true;
  }

  /** Whether {@link #end} was called. */
  public boolean ended() {
    return ended;
  }

  /** Removes and returns every lease still held, by card. */
  public Map<CardId, LeaseToken> drain() {
    Map<CardId, LeaseToken> all = new TreeMap<>();
    for (ConcurrentMap<CardId, LeaseToken> held : bySession.values()) {
      for (CardId card : held.keySet()) {
        LeaseToken token = held.remove(card);
        if (token != null) {
          all.put(card, token);
        }
      }
    }
    return all;
  }
}
