package dev.backlog.tracker;

import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.Violation;
import dev.backlog.tracker.internal.Json;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A card's human-facing record in a tracker: the mirrored card fields plus tracker-only fields
 * (such as a complexity estimate or the files a change touched) that the backlog never reads.
 *
 * <p>Immutable and thread-safe. Components documented as "or null" may be absent.
 *
 * @param code the card id
 * @param title the card's title
 * @param phase the board lane, or null
 * @param status the mirrored status
 * @param dependsOn the codes this feature waits for, sorted
 * @param body free text, or null
 * @param acceptance acceptance criteria as compact JSON text (array or object), or null
 * @param fields tracker-only fields: name → compact JSON text of the value, sorted by name
 */
public record Feature(
    CardId code,
    String title,
    String phase,
    FeatureStatus status,
    SortedSet<CardId> dependsOn,
    String body,
    String acceptance,
    SortedMap<String, String> fields) {

  /** Names of the mirrored fields; tracker-only fields may not use them. */
  public static final Set<String> RESERVED =
      Set.of("code", "title", "phase", "status", "dependsOn", "body", "acceptance");

  private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

  /** Validates every component and reports all problems at once. */
  public Feature {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(status, "status");
    dependsOn =
        Collections.unmodifiableSortedSet(
            new TreeSet<>(Objects.requireNonNull(dependsOn, "dependsOn")));
    List<Violation> problems = new ArrayList<>();
    if (title == null || title.isBlank()) {
      problems.add(
          new Violation("title", "feature " + code + " has no title; give a non-blank title"));
    }
    if (phase != null && phase.isBlank()) {
      problems.add(
          new Violation(
              "phase", "feature " + code + " has a blank phase; leave it out or name a lane"));
    }
    if (dependsOn.contains(code)) {
      problems.add(
          new Violation(
              "dependsOn",
              "feature " + code + " depends on itself; remove " + code + " from dependsOn"));
    }
    if (acceptance != null) {
      try {
        String compact = Json.normalize(acceptance);
        if (!compact.startsWith("[") && !compact.startsWith("{")) {
          problems.add(
              new Violation(
                  "acceptance",
                  "acceptance of " + code + " must be a JSON array or object, not " + compact));
        }
        acceptance = compact;
      } catch (IllegalArgumentException e) {
        problems.add(
            new Violation(
                "acceptance",
                "acceptance of "
                    + code
                    + " is not valid JSON ("
                    + e.getMessage()
                    + "); give a JSON array such as [\"tests pass\"] or an object"));
      }
    }
    SortedMap<String, String> checked = new TreeMap<>();
    for (Map.Entry<String, String> field : Objects.requireNonNull(fields, "fields").entrySet()) {
      String name = field.getKey();
      if (name == null || !FIELD_NAME.matcher(name).matches() || RESERVED.contains(name)) {
        problems.add(
            new Violation(
                "fields",
                "tracker-only field name '"
                    + name
                    + "' of "
                    + code
                    + " is not allowed; use a letter then letters, digits or _ (at most 64), and none of "
                    + new TreeSet<>(RESERVED)));
        continue;
      }
      try {
        checked.put(
            name,
            Json.normalize(Objects.requireNonNull(field.getValue(), "value of field " + name)));
      } catch (IllegalArgumentException e) {
        problems.add(
            new Violation(
                "fields",
                "tracker-only field '"
                    + name
                    + "' of "
                    + code
                    + " is not valid JSON text ("
                    + e.getMessage()
                    + "); quote strings, e.g. \"\\\"text\\\"\""));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    fields = Collections.unmodifiableSortedMap(checked);
  }

  /** The feature that mirrors a card, with no tracker-only fields. */
  public static Feature fromCard(Card card) {
    return new Feature(
        card.id(),
        card.title(),
        card.phase(),
        FeatureStatus.of(card.status()),
        card.dependsOn(),
        card.body(),
        card.acceptance(),
        new TreeMap<>());
  }

  /** A builder for a new feature; status defaults to planned. */
  public static Builder builder(String code, String title) {
    return new Builder().code(CardId.of(code)).title(title);
  }

  /** A builder holding this feature's values. */
  public Builder toBuilder() {
    return new Builder()
        .code(code)
        .title(title)
        .phase(phase)
        .status(status)
        .dependsOn(dependsOn)
        .body(body)
        .acceptance(acceptance)
        .fields(fields);
  }

  /** This feature with another status. */
  public Feature withStatus(FeatureStatus next) {
    return toBuilder().status(next).build();
  }

  /** This feature with the given tracker-only fields instead of its own. */
  public Feature withFields(Map<String, String> next) {
    return toBuilder().fields(next).build();
  }

  /** One tracker-only field's JSON text. */
  public Optional<String> field(String name) {
    return Optional.ofNullable(fields.get(name));
  }

  /** Builds {@link Feature} values; not thread-safe. */
  public static final class Builder {
    private CardId code;
    private String title;
    private String phase;
    private FeatureStatus status = FeatureStatus.PLANNED;
    private SortedSet<CardId> dependsOn = new TreeSet<>();
    private String body;
    private String acceptance;
    private SortedMap<String, String> fields = new TreeMap<>();

    private Builder() {}

    /** Sets the code. */
    public Builder code(CardId value) {
      code = value;
      return this;
    }

    /** Sets the title. */
    public Builder title(String value) {
      title = value;
      return this;
    }

    /** Sets the phase (may be null). */
    public Builder phase(String value) {
      phase = value;
      return this;
    }

    /** Sets the status. */
    public Builder status(FeatureStatus value) {
      status = value;
      return this;
    }

    /** Replaces the dependencies. */
    public Builder dependsOn(Collection<CardId> value) {
      dependsOn = new TreeSet<>(value);
      return this;
    }

    /** Adds dependencies by id text. */
    public Builder dependsOn(String... ids) {
      for (String id : ids) {
        dependsOn.add(CardId.of(id));
      }
      return this;
    }

    /** Sets the body (may be null). */
    public Builder body(String value) {
      body = value;
      return this;
    }

    /** Sets the acceptance JSON (may be null). */
    public Builder acceptance(String value) {
      acceptance = value;
      return this;
    }

    /** Replaces the tracker-only fields (name → JSON text). */
    public Builder fields(Map<String, String> value) {
      fields = new TreeMap<>(value);
      return this;
    }

    /** Sets one tracker-only field to JSON text. */
    public Builder field(String name, String json) {
      fields.put(name, json);
      return this;
    }

    /** Builds the feature, reporting every problem at once. */
    public Feature build() {
      if (code == null) {
        throw InvalidInputException.of("code", "a feature needs a code; set it to the card id");
      }
      return new Feature(code, title, phase, status, dependsOn, body, acceptance, fields);
    }
  }
}
