package dev.backlog.tracker;

import dev.backlog.core.CardId;
import dev.backlog.core.Event;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.Violation;
import dev.backlog.tracker.internal.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One entry of a feature's history in a tracker. Appending is idempotent by {@link #id()}: a
 * provider keeps at most one event per id, so replays never duplicate history.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id unique id, 1 to 128 characters from {@code [A-Za-z0-9._:-]}
 * @param code the feature
 * @param type what happened, such as {@code claimed} or {@code status}
 * @param actor who did it
 * @param at when it happened
 * @param data details as compact JSON object text
 */
public record FeatureEvent(
    String id, CardId code, String type, String actor, Instant at, String data) {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
  private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_.-]{0,63}");

  /** Validates every component and reports all problems at once. */
  public FeatureEvent {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(at, "at");
    List<Violation> problems = new ArrayList<>();
    if (id == null || !ID.matcher(id).matches()) {
      problems.add(
          new Violation(
              "id",
              "event id '"
                  + id
                  + "' is not allowed; use 1 to 128 characters from"
                  + " [A-Za-z0-9._:-], starting with a letter or digit"));
    }
    if (type == null || !TYPE.matcher(type).matches()) {
      problems.add(
          new Violation(
              "type",
              "event type '"
                  + type
                  + "' is not allowed; use lower-case letters,"
                  + " digits, '.', '_' or '-', starting with a letter"));
    }
    if (actor == null || actor.isBlank()) {
      problems.add(new Violation("actor", "event " + id + " has no actor; name who did it"));
    }
    try {
      String compact = Json.normalize(data == null ? "{}" : data);
      if (!compact.startsWith("{")) {
        problems.add(new Violation("data", "event data must be a JSON object, not " + compact));
      }
      data = compact;
    } catch (IllegalArgumentException e) {
      problems.add(new Violation("data", "event data is not valid JSON (" + e.getMessage() + ")"));
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
  }

  /**
   * The tracker event that mirrors a backlog event; its id {@code backlog-<seq>} makes replays
   * no-ops.
   */
  public static FeatureEvent fromBacklog(Event event) {
    return new FeatureEvent(
        "backlog-" + event.seq(),
        event.cardId(),
        event.type().wireName(),
        event.actor(),
        event.at(),
        event.data());
  }
}
