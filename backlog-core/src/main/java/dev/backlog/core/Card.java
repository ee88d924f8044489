package dev.backlog.core;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A unit of work in the backlog, as last committed.
 *
 * <p>Immutable and thread-safe. Components documented as "or null" may be absent; every other
 * component is never null.
 *
 * @param id the identifier
 * @param title a short non-blank title
 * @param body free text, or null
 * @param phase the board lane, or null
 * @param priority higher is claimed sooner
 * @param status where the card is in its life
 * @param dependsOn the cards this card waits for, sorted by id
 * @param acceptance acceptance criteria as compact JSON text (an array of strings or an object), or
 *     null
 * @param idempotencyKey the key the card was created with, or null
 * @param attempts how many times the card was claimed since it was created, unblocked or reopened
 * @param maxAttempts claims allowed before a failure or an expired lease blocks the card, or null
 *     for the backlog default
 * @param lease the current lease; present exactly when the status is {@link CardStatus#CLAIMED}
 * @param blockedReason why the card is blocked, or null
 * @param createdAt when the card was created (store clock)
 * @param updatedAt when the card last changed (store clock)
 * @param version incremented by every change, starting at 1
 * @param notBefore while the card is deferred, the instant (store clock) from which it may be
 *     claimed again, or null when it is not deferred
 */
public record Card(
    CardId id,
    String title,
    String body,
    String phase,
    int priority,
    CardStatus status,
    SortedSet<CardId> dependsOn,
    String acceptance,
    String idempotencyKey,
    int attempts,
    Integer maxAttempts,
    Lease lease,
    String blockedReason,
    Instant createdAt,
    Instant updatedAt,
    long version,
    Instant notBefore) {

  /**
   * The order in which claimable cards are handed out: priority descending, then creation time,
   * then id. Every store claims in this order (the JDBC store's claim statements order by the same
   * columns). Immutable and thread-safe.
   */
  public static final Comparator<Card> CLAIM_ORDER =
      Comparator.comparingInt(Card::priority)
          .reversed()
          .thenComparing(Card::createdAt)
          .thenComparing(Card::id);

  /** Checks the invariants that hold for every stored card. */
  public Card {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    dependsOn =
        Collections.unmodifiableSortedSet(
            new TreeSet<>(Objects.requireNonNull(dependsOn, "dependsOn")));
    if ((status == CardStatus.CLAIMED) != (lease != null)) {
      throw new IllegalArgumentException(
          "card "
              + id
              + " is "
              + status.wireName()
              + (lease == null ? " without a lease" : " but holds lease " + lease.token()));
    }
    if (attempts < 0) {
      throw new IllegalArgumentException("card " + id + " has negative attempts " + attempts);
    }
  }

  /** The deferral, when the card is deferred. */
  public Optional<Instant> deferredUntil() {
    return Optional.ofNullable(notBefore);
  }

  /** The current lease, when the card is claimed. */
  public Optional<Lease> currentLease() {
    return Optional.ofNullable(lease);
  }

  /** Returns a builder holding this card's values, for stores that derive the next state. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Returns an empty builder; id, title, status and both timestamps must be set. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link Card} values; not thread-safe. */
  public static final class Builder {
    private CardId id;
    private String title;
    private String body;
    private String phase;
    private int priority;
    private CardStatus status;
    private SortedSet<CardId> dependsOn = new TreeSet<>();
    private String acceptance;
    private String idempotencyKey;
    private int attempts;
    private Integer maxAttempts;
    private Lease lease;
    private String blockedReason;
    private Instant createdAt;
    private Instant updatedAt;
    private long version = 1;
    private Instant notBefore;

    private Builder() {}

    private Builder(Card card) {
      id = card.id;
      title = card.title;
      body = card.body;
      phase = card.phase;
      priority = card.priority;
      status = card.status;
      dependsOn = new TreeSet<>(card.dependsOn);
      acceptance = card.acceptance;
      idempotencyKey = card.idempotencyKey;
      attempts = card.attempts;
      maxAttempts = card.maxAttempts;
      lease = card.lease;
      blockedReason = card.blockedReason;
      createdAt = card.createdAt;
      updatedAt = card.updatedAt;
      version = card.version;
      notBefore = card.notBefore;
    }

    /** Sets the id. */
    public Builder id(CardId value) {
      id = value;
      return this;
    }

    /** Sets the title. */
    public Builder title(String value) {
      title = value;
      return this;
    }

    /** Sets the body (may be null). */
    public Builder body(String value) {
      body = value;
      return this;
    }

    /** Sets the phase (may be null). */
    public Builder phase(String value) {
      phase = value;
      return this;
    }

    /** Sets the priority. */
    public Builder priority(int value) {
      priority = value;
      return this;
    }

    /** Sets the status. */
    public Builder status(CardStatus value) {
      status = value;
      return this;
    }

    /** Replaces the dependencies. */
    public Builder dependsOn(Collection<CardId> value) {
      dependsOn = new TreeSet<>(value);
      return this;
    }

    /** Sets the acceptance JSON (may be null). */
    public Builder acceptance(String value) {
      acceptance = value;
      return this;
    }

    /** Sets the idempotency key (may be null). */
    public Builder idempotencyKey(String value) {
      idempotencyKey = value;
      return this;
    }

    /** Sets the attempt count. */
    public Builder attempts(int value) {
      attempts = value;
      return this;
    }

    /** Sets the attempt limit (null for the backlog default). */
    public Builder maxAttempts(Integer value) {
      maxAttempts = value;
      return this;
    }

    /** Sets the lease (null when not claimed). */
    public Builder lease(Lease value) {
      lease = value;
      return this;
    }

    /** Sets the blocked reason (may be null). */
    public Builder blockedReason(String value) {
      blockedReason = value;
      return this;
    }

    /** Sets the creation time. */
    public Builder createdAt(Instant value) {
      createdAt = value;
      return this;
    }

    /** Sets the last change time. */
    public Builder updatedAt(Instant value) {
      updatedAt = value;
      return this;
    }

    /** Sets the version. */
    public Builder version(long value) {
      version = value;
      return this;
    }

    /** Sets the deferral (null when not deferred). */
    public Builder notBefore(Instant value) {
      notBefore = value;
      return this;
    }

    /** Builds the card, checking its invariants. */
    public Card build() {
      return new Card(
          id,
          title,
          body,
          phase,
          priority,
          status,
          dependsOn,
          acceptance,
          idempotencyKey,
          attempts,
          maxAttempts,
          lease,
          blockedReason,
          createdAt,
          updatedAt,
          version,
          notBefore);
    }
  }
}
