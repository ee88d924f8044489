package dev.backlog.core;

import dev.backlog.core.internal.Checks;
import dev.backlog.core.internal.JsonText;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a caller asks to create. Build one with {@link #builder(String)}; the builder reports every
 * problem at once as an {@link InvalidInputException}.
 *
 * <p>Immutable and thread-safe. Components documented as "or null" may be absent.
 *
 * @param id the new card's id
 * @param title a non-blank title of at most {@value #MAX_TITLE} characters
 * @param body free text of at most {@value #MAX_BODY} characters, or null
 * @param phase the board lane, at most {@value #MAX_PHASE} characters, or null
 * @param priority higher is claimed sooner
 * @param dependsOn cards this card waits for; they may be created later in the same transaction
 * @param acceptance acceptance criteria as compact JSON (an array of strings or an object), or null
 * @param idempotencyKey makes the create safe to retry, or null
 * @param maxAttempts claims allowed before poison-card protection blocks the card, or null for the
 *     backlog default
 * @param blocked create the card blocked instead of ready
 * @param blockedReason why it starts blocked, or null
 */
public record NewCard(
    CardId id,
    String title,
    String body,
    String phase,
    int priority,
    SortedSet<CardId> dependsOn,
    String acceptance,
    String idempotencyKey,
    Integer maxAttempts,
    boolean blocked,
    String blockedReason) {

  /** Longest title accepted. */
  public static final int MAX_TITLE = 500;

  /** Longest body accepted. */
  public static final int MAX_BODY = 100_000;

  /** Longest phase accepted. */
  public static final int MAX_PHASE = 64;

  /** Longest idempotency key accepted. */
  public static final int MAX_IDEMPOTENCY_KEY = 200;

  /** Longest acceptance JSON accepted. */
  public static final int MAX_ACCEPTANCE = 100_000;

  /** Most dependencies one card may name. */
  public static final int MAX_DEPENDENCIES = 1_000;

  /** Largest {@code maxAttempts} accepted. */
  public static final int MAX_MAX_ATTEMPTS = 1_000;

  /** Longest reason (blocked, failed) accepted. */
  public static final int MAX_REASON = 2_000;

  /** Validates every component and reports all problems at once. */
  public NewCard {
    Objects.requireNonNull(id, "id");
    dependsOn =
        Collections.unmodifiableSortedSet(
            new TreeSet<>(Objects.requireNonNull(dependsOn, "dependsOn")));
    List<Violation> problems = new ArrayList<>();
    Checks.required(problems, "title", title, MAX_TITLE, false);
    Checks.text(problems, "body", body, MAX_BODY, true);
    checkPhase(problems, phase);
    Checks.text(problems, "idempotencyKey", idempotencyKey, MAX_IDEMPOTENCY_KEY, false);
    if (idempotencyKey != null && idempotencyKey.isBlank()) {
      problems.add(
          new Violation("idempotencyKey", "idempotencyKey is blank; leave it out or give a key"));
    }
    if (maxAttempts != null && (maxAttempts < 1 || maxAttempts > MAX_MAX_ATTEMPTS)) {
      problems.add(
          new Violation(
              "maxAttempts",
              "maxAttempts "
                  + maxAttempts
                  + " is out of range; use 1 to "
                  + MAX_MAX_ATTEMPTS
                  + ", or leave it out for the backlog default"));
    }
    if (dependsOn.size() > MAX_DEPENDENCIES) {
      problems.add(
          new Violation(
              "dependsOn",
              "card names "
                  + dependsOn.size()
                  + " dependencies; at most "
                  + MAX_DEPENDENCIES
                  + " are allowed"));
    }
    if (acceptance != null) {
      try {
        String compact = JsonText.compact(acceptance);
        char kind = JsonText.kind(compact);
        if (kind != '[' && kind != '{') {
          problems.add(
              new Violation(
                  "acceptance",
                  "acceptance must be a JSON array of criteria or a JSON object,"
                      + " not '"
                      + Checks.show(acceptance)
                      + "'"));
        } else if (compact.length() > MAX_ACCEPTANCE) {
          problems.add(
              new Violation(
                  "acceptance",
                  "acceptance has "
                      + compact.length()
                      + " characters; at most "
                      + MAX_ACCEPTANCE
                      + " are allowed"));
        }
        acceptance = compact;
      } catch (IllegalArgumentException e) {
        problems.add(
            new Violation(
                "acceptance",
                "acceptance is not valid JSON ("
                    + e.getMessage()
                    + "): '"
                    + Checks.show(acceptance)
                    + "'; give a JSON array such as [\"tests pass\"] or a JSON object"));
      }
    }
    Checks.text(problems, "blockedReason", blockedReason, MAX_REASON, true);
    if (blockedReason != null && !blocked) {
      problems.add(
          new Violation(
              "blockedReason",
              "blockedReason is set but the card is not created blocked;"
                  + " set blocked or drop the reason"));
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
  }

  static void checkPhase(List<Violation> problems, String phase) {
    if (phase == null) {
      return;
    }
    if (phase.isBlank()) {
      problems.add(new Violation("phase", "phase is blank; leave it out or name a lane"));
      return;
    }
    Checks.text(problems, "phase", phase, MAX_PHASE, false);
  }

  /**
   * A digest of the content that idempotent creates compare: every component. Two creates with the
   * same key are the same request exactly when their fingerprints are equal.
   */
  public String fingerprint() {
    StringBuilder sb = new StringBuilder();
    field(sb, id.value());
    field(sb, title);
    field(sb, body);
    field(sb, phase);
    field(sb, Integer.toString(priority));
    field(sb, dependsOn.toString());
    field(sb, acceptance);
    field(sb, idempotencyKey);
    field(sb, maxAttempts == null ? null : maxAttempts.toString());
    field(sb, Boolean.toString(blocked));
    field(sb, blockedReason);
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(sb.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  private static void field(StringBuilder sb, String value) {
    if (value == null) {
      sb.append("-;");
    } else {
      sb.append(value.length()).append(':').append(value).append(';');
    }
  }

  /** Starts a builder for a card with the given id (validated when built). */
  public static Builder builder(String id) {
    return new Builder(id);
  }

  /** Starts a builder for a card with the given id. */
  public static Builder builder(CardId id) {
    return new Builder(id.value());
  }

  /** Builds {@link NewCard} values, collecting every violation; not thread-safe. */
  public static final class Builder {
    private final String id;
    private String title;
    private String body;
    private String phase;
    private int priority;
    private final List<String> dependsOn = new ArrayList<>();
    private String acceptance;
    private String idempotencyKey;
    private Integer maxAttempts;
    private boolean blocked;
    private String blockedReason;

    private Builder(String id) {
      this.id = id;
    }

    /** Sets the title (required). */
    public Builder title(String value) {
      title = value;
      return this;
    }

    /** Sets the body. */
    public Builder body(String value) {
      body = value;
      return this;
    }

    /** Sets the phase. */
    public Builder phase(String value) {
      phase = value;
      return this;
    }

    /** Sets the priority (default 0). */
    public Builder priority(int value) {
      priority = value;
      return this;
    }

    /** Adds dependencies by id. */
    public Builder dependsOn(String... ids) {
      dependsOn.addAll(List.of(ids));
      return this;
    }

    /** Adds dependencies by id. */
    public Builder dependsOn(Collection<?> ids) {
      for (Object o : ids) {
        dependsOn.add(o instanceof CardId c ? c.value() : String.valueOf(o));
      }
      return this;
    }

    /** Sets acceptance criteria as JSON text (an array or an object). */
    public Builder acceptance(String json) {
      acceptance = json;
      return this;
    }

    /** Sets acceptance criteria as a list of statements. */
    public Builder acceptanceCriteria(List<String> criteria) {
      acceptance = JsonText.array(criteria);
      return this;
    }

    /** Sets the idempotency key. */
    public Builder idempotencyKey(String value) {
      idempotencyKey = value;
      return this;
    }

    /** Sets the attempt limit (null for the backlog default). */
    public Builder maxAttempts(Integer value) {
      maxAttempts = value;
      return this;
    }

    /** Creates the card blocked, optionally with a reason. */
    public Builder blocked(String reason) {
      blocked = true;
      blockedReason = reason;
      return this;
    }

    /** Creates the card blocked or not. */
    public Builder blocked(boolean value) {
      blocked = value;
      return this;
    }

    /**
     * Builds the request.
     *
     * @throws InvalidInputException listing every problem found
     */
    public NewCard build() {
      List<Violation> problems = new ArrayList<>();
      CardId.problem(id).ifPresent(p -> problems.add(new Violation("id", p)));
      SortedSet<CardId> deps = new TreeSet<>();
      for (String dep : dependsOn) {
        var problem = CardId.problem(dep);
        if (problem.isPresent()) {
          problems.add(new Violation("dependsOn", "dependency: " + problem.get()));
        } else {
          deps.add(new CardId(dep));
        }
      }
      CardId cardId =
          problems.stream().anyMatch(v -> v.field().equals("id")) ? null : new CardId(id);
      try {
        // Without a valid id, validate the rest with a stand-in id so that every problem is
        // reported together.
        NewCard card =
            new NewCard(
                cardId != null ? cardId : new CardId("x"),
                title,
                body,
                phase,
                priority,
                deps,
                acceptance,
                idempotencyKey,
                maxAttempts,
                blocked,
                blockedReason);
        if (problems.isEmpty()) {
          return card;
        }
      } catch (InvalidInputException e) {
        problems.addAll(e.violations());
      }
      throw new InvalidInputException(problems);
    }
  }
}
