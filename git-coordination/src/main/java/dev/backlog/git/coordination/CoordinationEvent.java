package dev.backlog.git.coordination;

import dev.backlog.core.CardId;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.LeaseToken;
import dev.backlog.core.Violation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One line of a mission's {@code status.events.jsonl}: a self-contained event with a unique id and
 * a Lamport clock. Logs are merged by union on {@link #id()} and ordered by {@link #ORDER}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id unique event id ({@code [A-Za-z0-9-]}, 1 to 64 characters)
 * @param clock the Lamport clock, greater than every clock the writer had seen
 * @param card the card the event is about
 * @param type what happened, e.g. {@code claimed}, {@code completed} ({@code [a-z][a-z0-9_.-]*})
 * @param actor who recorded it
 * @param at when it was recorded
 * @param lease the card's lease token the writer held, if any
 * @param transaction the id of the bookkeeping transaction that wrote it
 * @param data extra string fields, sorted by key
 */
public record CoordinationEvent(
    String id,
    long clock,
    CardId card,
    String type,
    String actor,
    Instant at,
    Optional<LeaseToken> lease,
    String transaction,
    Map<String, String> data) {

  /** Log order: by clock, then by id. */
  public static final Comparator<CoordinationEvent> ORDER =
      Comparator.comparingLong(CoordinationEvent::clock).thenComparing(CoordinationEvent::id);

  static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
  static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_.-]{0,63}");

  /** Validates every field and reports all problems at once. */
  public CoordinationEvent {
    List<Violation> problems = new ArrayList<>();
    if (id == null || !ID.matcher(id).matches()) {
      problems.add(
          new Violation("id", "event id '" + id + "' is not allowed; use 1 to 64 of [A-Za-z0-9-]"));
    }
    if (clock < 1) {
      problems.add(
          new Violation("clock", "event clock " + clock + " is not valid; clocks start at 1"));
    }
    if (card == null) {
      problems.add(new Violation("card", "event has no card; name the card it is about"));
    }
    if (type == null || !TYPE.matcher(type).matches()) {
      problems.add(
          new Violation(
              "type",
              "event type '"
                  + type
                  + "' is not allowed; use [a-z][a-z0-9_.-]*,"
                  + " at most 64 characters, e.g. claimed"));
    }
    if (actor == null || actor.isBlank() || actor.length() > 128) {
      problems.add(
          new Violation(
              "actor", "event actor '" + actor + "' is not valid; give 1 to 128 characters"));
    }
    if (transaction == null || !ID.matcher(transaction).matches()) {
      problems.add(
          new Violation("transaction", "transaction id '" + transaction + "' is not allowed"));
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    Objects.requireNonNull(at, "at");
    lease = Objects.requireNonNullElse(lease, Optional.empty());
    data = data == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(data));
  }
}
