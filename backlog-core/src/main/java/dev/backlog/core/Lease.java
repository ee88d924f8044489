package dev.backlog.core;

import dev.backlog.core.internal.Checks;
import dev.backlog.core.internal.FlatJson;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A worker's hold on a claimed card until {@code expiresAt}, with what the holder says it is doing.
 *
 * <p>Immutable and thread-safe.
 *
 * @param owner the worker that claimed the card
 * @param token the fencing token every lease-holder operation presents
 * @param claimedAt when the claim happened (store clock)
 * @param expiresAt when the lease lapses unless renewed (store clock)
 * @param phase what the holder is doing ({@code implementing}, {@code testing}…), at most {@value
 *     #MAX_PHASE} characters, or null
 * @param attributes free string attributes of the holder ({@code worktree}, {@code branch}…), at
 *     most {@value #MAX_ATTRIBUTES} keys, sorted by key
 */
public record Lease(
    String owner,
    LeaseToken token,
    Instant claimedAt,
    Instant expiresAt,
    String phase,
    SortedMap<String, String> attributes) {

  /** Longest lease phase accepted. */
  public static final int MAX_PHASE = 64;

  /** Most lease attributes accepted. */
  public static final int MAX_ATTRIBUTES = 16;

  /** Longest attribute key accepted. */
  public static final int MAX_ATTRIBUTE_KEY = 64;

  /** Longest attribute value accepted. */
  public static final int MAX_ATTRIBUTE_VALUE = 256;

  /** Checks that every part is present and the lease does not end before it starts. */
  public Lease {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(claimedAt, "claimedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    attributes =
        Collections.unmodifiableSortedMap(
            new TreeMap<>(Objects.requireNonNull(attributes, "attributes")));
    if (expiresAt.isBefore(claimedAt)) {
      throw new IllegalArgumentException(
          "lease expires at " + expiresAt + " before it was claimed at " + claimedAt);
    }
  }

  /** A lease without phase or attributes. */
  public Lease(String owner, LeaseToken token, Instant claimedAt, Instant expiresAt) {
    this(owner, token, claimedAt, expiresAt, null, new TreeMap<>());
  }

  /** Whether the lease has lapsed at the given instant (expiry itself counts as lapsed). */
  public boolean isExpiredAt(Instant now) {
    return !now.isBefore(expiresAt);
  }

  /** This lease with another expiry, phase and attributes. */
  public Lease with(Instant newExpiry, String newPhase, Map<String, String> newAttributes) {
    return new Lease(owner, token, claimedAt, newExpiry, newPhase, new TreeMap<>(newAttributes));
  }

  /** The attributes as a compact JSON object in key order, or null when there are none. */
  public String attributesJson() {
    return attributesJson(attributes);
  }

  /** Attributes as a compact JSON object in key order, or null when there are none. */
  public static String attributesJson(Map<String, String> attributes) {
    return attributes.isEmpty() ? null : FlatJson.write(new TreeMap<>(attributes));
  }

  /**
   * Reads attributes written by {@link #attributesJson(Map)} (null reads as none).
   *
   * @throws IllegalArgumentException when the text is not a flat JSON object of strings
   */
  public static SortedMap<String, String> parseAttributes(String json) {
    return json == null ? new TreeMap<>() : FlatJson.read(json);
  }

  /**
   * Adds a violation for a lease phase that is blank or longer than {@value #MAX_PHASE} characters.
   */
  public static void checkPhase(List<Violation> problems, String field, String phase) {
    if (phase == null) {
      return;
    }
    if (phase.isBlank()) {
      problems.add(new Violation(field, field + " is blank; leave it out or name what is done"));
      return;
    }
    Checks.text(problems, field, phase, MAX_PHASE, false);
  }

  /**
   * Adds a violation for each attribute key or value over its bound, and for more than {@value
   * #MAX_ATTRIBUTES} attributes.
   */
  public static void checkAttributes(
      List<Violation> problems, String field, Map<String, String> attributes) {
    if (attributes == null) {
      return;
    }
    if (attributes.size() > MAX_ATTRIBUTES) {
      problems.add(
          new Violation(
              field,
              "the lease would have "
                  + attributes.size()
                  + " attributes; at most "
                  + MAX_ATTRIBUTES
                  + " are allowed"));
    }
    attributes.forEach(
        (key, value) -> {
          if (key == null || key.isBlank()) {
            problems.add(new Violation(field, "an attribute key is blank; name every attribute"));
          } else {
            Checks.text(
                problems, field + " key '" + Checks.show(key) + "'", key, MAX_ATTRIBUTE_KEY, false);
          }
          if (value == null) {
            problems.add(new Violation(field, "attribute '" + Checks.show(key) + "' has no value"));
          } else {
            Checks.text(
                problems, field + " '" + Checks.show(key) + "'", value, MAX_ATTRIBUTE_VALUE, false);
          }
        });
  }
}
