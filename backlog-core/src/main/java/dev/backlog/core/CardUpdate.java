package dev.backlog.core;

import dev.backlog.core.internal.JsonText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An edit of a card's descriptive fields: title, body, phase, priority, acceptance and maxAttempts.
 * Status, lease and dependencies are never edited here; they have their own operations. A field
 * that is not set is left as it is; body, phase, acceptance and maxAttempts can be cleared.
 *
 * <p>Immutable and thread-safe. Build with {@link #builder()}, which validates as {@link NewCard}
 * does and reports every problem at once.
 */
public final class CardUpdate {

  /** The fields an update may set, by their wire names. */
  public static final Set<String> FIELDS =
      Set.of("title", "body", "phase", "priority", "acceptance", "maxAttempts");

  /** The values given, by wire name; a null value clears the field. */
  private final TreeMap<String, Object> values;

  private CardUpdate(TreeMap<String, Object> values) {
    this.values = values;
  }

  /** Starts an empty update. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether the update sets no field. */
  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** The fields given, by wire name (a null value clears the field). */
  public Map<String, Object> values() {
    return java.util.Collections.unmodifiableMap(values);
  }

  /** Applies the fields to a card builder. */
  public Card.Builder applyTo(Card.Builder card) {
    values.forEach(
        (field, value) -> {
          switch (field) {
            case "title" -> card.title((String) value);
            case "body" -> card.body((String) value);
            case "phase" -> card.phase((String) value);
            case "priority" -> card.priority((Integer) value);
            case "acceptance" -> card.acceptance((String) value);
            case "maxAttempts" -> card.maxAttempts((Integer) value);
            default -> throw new IllegalStateException("unknown field " + field);
          }
        });
    return card;
  }

  /** The fields that differ between two versions of a card, as a compact JSON object. */
  public static String changes(Card before, Card after) {
    StringBuilder sb = new StringBuilder("{");
    member(sb, "title", before.title(), after.title(), true);
    member(sb, "body", before.body(), after.body(), true);
    member(sb, "phase", before.phase(), after.phase(), true);
    member(sb, "priority", before.priority(), after.priority(), false);
    member(sb, "acceptance", before.acceptance(), after.acceptance(), false);
    member(sb, "maxAttempts", before.maxAttempts(), after.maxAttempts(), false);
    return sb.append('}').toString();
  }

  private static void member(
      StringBuilder sb, String name, Object before, Object after, boolean quote) {
    if (java.util.Objects.equals(before, after)) {
      return;
    }
    if (sb.length() > 1) {
      sb.append(',');
    }
    sb.append('"').append(name).append("\":");
    if (after == null) {
      sb.append("null");
    } else {
      sb.append(quote ? JsonText.quote(after.toString()) : after.toString());
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CardUpdate other && other.values.equals(values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return "CardUpdate" + values;
  }

  /** Collects and validates fields; not thread-safe. */
  public static final class Builder {
    private final TreeMap<String, Object> values = new TreeMap<>();
    private final List<Violation> problems = new ArrayList<>();

    private Builder() {}

    /** Sets the title (required, non-blank). */
    public Builder title(String value) {
      dev.backlog.core.internal.Checks.required(problems, "title", value, NewCard.MAX_TITLE, false);
      values.put("title", value);
      return this;
    }

    /** Sets the body; null or blank clears it. */
    public Builder body(String value) {
      String v = value == null || value.isBlank() ? null : value;
      dev.backlog.core.internal.Checks.text(problems, "body", v, NewCard.MAX_BODY, true);
      values.put("body", v);
      return this;
    }

    /** Sets the phase; null or empty clears it. */
    public Builder phase(String value) {
      String v = value == null || value.isEmpty() ? null : value;
      NewCard.checkPhase(problems, v);
      values.put("phase", v);
      return this;
    }

    /** Sets the priority. */
    public Builder priority(int value) {
      values.put("priority", value);
      return this;
    }

    /**
     * Sets the acceptance criteria as JSON text (an array of criteria or an object), validated as
     * {@link NewCard} does; null or blank clears them.
     */
    public Builder acceptance(String value) {
      if (value == null || value.isBlank()) {
        values.put("acceptance", null);
        return this;
      }
      try {
        NewCard probe = NewCard.builder("x").title("x").acceptance(value).build();
        values.put("acceptance", probe.acceptance());
      } catch (InvalidInputException e) {
        problems.addAll(e.violations());
      }
      return this;
    }

    /** Sets the attempt limit; null goes back to the backlog default. */
    public Builder maxAttempts(Integer value) {
      if (value != null && (value < 1 || value > NewCard.MAX_MAX_ATTEMPTS)) {
        problems.add(
            new Violation(
                "maxAttempts",
                "maxAttempts "
                    + value
                    + " is out of range; use 1 to "
                    + NewCard.MAX_MAX_ATTEMPTS
                    + ", or clear it for the backlog default"));
      }
      values.put("maxAttempts", value);
      return this;
    }

    /**
     * Sets a field by its wire name from text (for hosts that take fields by name); an unknown
     * field is a violation naming the fields allowed.
     */
    public Builder set(String field, String value) {
      switch (field == null ? "" : field) {
        case "title" -> title(value);
        case "body" -> body(value);
        case "phase" -> phase(value);
        case "acceptance" -> acceptance(value);
        case "priority", "maxAttempts" -> {
          Integer number = null;
          if (value != null && !value.isBlank()) {
            try {
              number = Integer.valueOf(value.trim());
            } catch (NumberFormatException e) {
              problems.add(new Violation(field, field + " '" + value + "' is not a whole number"));
              return this;
            }
          }
          if (field.equals("priority")) {
            if (number == null) {
              problems.add(new Violation("priority", "priority needs a whole number"));
            } else {
              priority(number);
            }
          } else {
            maxAttempts(number);
          }
        }
        default ->
            problems.add(
                new Violation(
                    "field",
                    "cannot update field '"
                        + dev.backlog.core.internal.Checks.show(field)
                        + "'; the fields an update may set are "
                        + new java.util.TreeSet<>(FIELDS)
                        + " (status, lease and dependencies have their own operations)"));
      }
      return this;
    }

    /**
     * Builds the update.
     *
     * @throws InvalidInputException listing every problem
     */
    public CardUpdate build() {
      if (!problems.isEmpty()) {
        throw new InvalidInputException(problems);
      }
      return new CardUpdate(new TreeMap<>(values));
    }
  }
}
