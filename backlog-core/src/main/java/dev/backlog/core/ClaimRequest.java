package dev.backlog.core;

import dev.backlog.core.internal.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a worker asks for when it claims: who it is, how long the lease lasts, and optionally a
 * phase, one specific card, a batch size and how long to wait for work.
 *
 * <p>Immutable and thread-safe. Build with {@link #builder(String)}.
 *
 * @param owner the worker's name, 1 to {@value #MAX_OWNER} characters
 * @param ttl the lease length, more than zero and at most {@link #MAX_TTL}
 * @param phase claim only cards of this phase, or null for any
 * @param cardId claim only this card, or null for the best ready card
 * @param limit the most cards to claim, 1 to {@value #MAX_LIMIT}
 * @param maxWait how long to wait for claimable work when there is none (zero: do not wait)
 * @param leasePhase the phase the new leases start in, or null
 * @param attributes the attributes the new leases start with
 */
public record ClaimRequest(
    String owner,
    Duration ttl,
    String phase,
    CardId cardId,
    int limit,
    Duration maxWait,
    String leasePhase,
    SortedMap<String, String> attributes) {

  /** The lease length when none is given. */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(15);

  /** The longest lease accepted. */
  public static final Duration MAX_TTL = Duration.ofDays(7);

  /** The longest wait accepted. */
  public static final Duration MAX_WAIT = Duration.ofHours(1);

  /** The largest batch accepted. */
  public static final int MAX_LIMIT = 1_000;

  /** The longest owner name accepted. */
  public static final int MAX_OWNER = 200;

  /** Validates every component and reports all problems at once. */
  public ClaimRequest {
    List<Violation> problems = new ArrayList<>();
    Checks.required(problems, "owner", owner, MAX_OWNER, false);
    checkTtl(problems, ttl);
    NewCard.checkPhase(problems, phase);
    if (limit < 1 || limit > MAX_LIMIT) {
      problems.add(
          new Violation(
              "limit", "limit " + limit + " is out of range; claim 1 to " + MAX_LIMIT + " cards"));
    }
    Objects.requireNonNull(maxWait, "maxWait");
    if (maxWait.isNegative() || maxWait.compareTo(MAX_WAIT) > 0) {
      problems.add(
          new Violation(
              "wait",
              "wait "
                  + maxWait.toSeconds()
                  + "s is out of range; use 0 to "
                  + MAX_WAIT.toSeconds()
                  + " seconds"));
    }
    Objects.requireNonNull(attributes, "attributes");
    Lease.checkPhase(problems, "leasePhase", leasePhase);
    Lease.checkAttributes(problems, "attributes", attributes);
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    attributes = Collections.unmodifiableSortedMap(new TreeMap<>(attributes));
  }

  /** A request whose leases start without phase or attributes. */
  public ClaimRequest(
      String owner, Duration ttl, String phase, CardId cardId, int limit, Duration maxWait) {
    this(owner, ttl, phase, cardId, limit, maxWait, null, new TreeMap<>());
  }

  /** Adds a violation when a lease length is missing, not positive or above {@link #MAX_TTL}. */
  static void checkTtl(List<Violation> problems, Duration ttl) {
    if (ttl == null) {
      problems.add(new Violation("ttl", "ttl is required"));
    } else if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
      problems.add(
          new Violation(
              "ttl",
              "ttl "
                  + ttl.toSeconds()
                  + "s is out of range; give 1 to "
                  + MAX_TTL.toSeconds()
                  + " seconds"));
    }
  }

  /**
   * Validates a lease length on its own (for renew).
   *
   * @throws InvalidInputException when it is out of range
   */
  public static Duration validTtl(Duration ttl) {
    List<Violation> problems = new ArrayList<>();
    checkTtl(problems, ttl);
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    return ttl;
  }

  /** The phase filter, when given. */
  public Optional<String> phaseFilter() {
    return Optional.ofNullable(phase);
  }

  /** The specific card asked for, when given. */
  public Optional<CardId> card() {
    return Optional.ofNullable(cardId);
  }

  /**
   * Starts a builder for the given owner with a {@link #DEFAULT_TTL} lease, batch 1 and no wait.
   */
  public static Builder builder(String owner) {
    return new Builder(owner);
  }

  /** Builds {@link ClaimRequest} values; not thread-safe. */
  public static final class Builder {
    private final String owner;
    private Duration ttl = DEFAULT_TTL;
    private String phase;
    private CardId cardId;
    private int limit = 1;
    private Duration wait = Duration.ZERO;
    private String leasePhase;
    private final TreeMap<String, String> attributes = new TreeMap<>();

    private Builder(String owner) {
      this.owner = owner;
    }

    /** Sets the lease length. */
    public Builder ttl(Duration value) {
      ttl = value;
      return this;
    }

    /** Claims only cards of this phase. */
    public Builder phase(String value) {
      phase = value;
      return this;
    }

    /** Claims only this card. */
    public Builder card(CardId value) {
      cardId = value;
      return this;
    }

    /** Claims up to this many cards. */
    public Builder limit(int value) {
      limit = value;
      return this;
    }

    /** Waits up to this long for claimable work. */
    public Builder maxWait(Duration value) {
      wait = value;
      return this;
    }

    /** The phase the new leases start in. */
    public Builder leasePhase(String value) {
      leasePhase = value;
      return this;
    }

    /** Adds attributes the new leases start with. */
    public Builder attributes(Map<String, String> value) {
      attributes.putAll(value);
      return this;
    }

    /** Builds the request, reporting every problem at once. */
    public ClaimRequest build() {
      return new ClaimRequest(owner, ttl, phase, cardId, limit, wait, leasePhase, attributes);
    }
  }
}
