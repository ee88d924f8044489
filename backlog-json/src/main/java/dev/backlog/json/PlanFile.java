package dev.backlog.json;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backlog.core.Backlog;
import dev.backlog.core.BacklogException;
import dev.backlog.core.BacklogTransaction;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.DependencyCycleException;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.NewCard;
import dev.backlog.core.UnknownDependencyException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A parsed plan file in the JSON Lines format that {@code backlog export} writes: one {@link Entry}
 * per card line, checked as a whole before anything is written, then created in one transaction.
 *
 * <p>Two ways to write it: {@link #importInto(Backlog, PrintStream)} creates every card and refuses
 * a card that exists already (what {@code backlog import} does); {@link #merge(Backlog)} creates
 * the cards that are missing and leaves the ones an earlier merge of the same plan created alone,
 * so running it again changes nothing (what a build does on every run). Immutable once parsed and
 * thread-safe.
 */
public final class PlanFile {

  /** The most problems quoted in full; beyond that only line numbers are listed. */
  public static final int MAX_QUOTED_PROBLEMS = 200;

  /** The prefix of the idempotency key {@link #merge} gives a card line that names none. */
  public static final String KEY_PREFIX = "plan:";

  /**
   * The longest line {@link #read} accepts, in bytes: far more than a card within the core's limits
   * takes, small enough that a hostile file cannot exhaust the memory of a small heap.
   */
  public static final int MAX_LINE_BYTES = 4 << 20;

  /**
   * A parser's position inside its message, "[Source: REDACTED (`…` disabled); line: 1, column:
   * 1]", names a source the reader never sees, and its line is always 1 (each line of the file is
   * parsed alone): it becomes "column 1".
   */
  private static final Pattern SOURCE =
      Pattern.compile("\\[Source: .*?; line: \\d+, column: (\\d+)\\]");

  private static final Set<String> KEPT =
      Set.of(
          "id",
          "title",
          "body",
          "phase",
          "priority",
          "status",
          "dependsOn",
          "acceptance",
          "idempotencyKey",
          "maxAttempts",
          "blockedReason",
          "notBefore");
  private static final Set<String> IGNORED =
      Set.of("attempts", "lease", "createdAt", "updatedAt", "version");

  /**
   * One card to create, and the status to restore.
   *
   * @param line the 1-based line number in the file (1 for a card read alone, {@link
   *     PlanFile#card})
   * @param card the card to create
   * @param done whether the line says the card is done
   * @param notBefore the deferral the line restores (a ready card only), or null
   */
  public record Entry(int line, NewCard card, boolean done, Instant notBefore) {}

  /**
   * What an import did.
   *
   * @param total cards created
   * @param done of those, cards restored to done
   * @param blocked of those, cards created blocked
   * @param unchanged cards a {@link #merge} found from an earlier run and left alone (0 for an
   *     import)
   */
  public record Result(int total, int done, int blocked, int unchanged) {}

  /**
   * A problem with one line of the file.
   *
   * @param line the 1-based line number, or 0 for the file as a whole
   * @param message what is wrong and what to do
   */
  public record Problem(int line, String message) {}

  private final String source;
  private final Map<CardId, Entry> entries;

  private PlanFile(String source, Map<CardId, Entry> entries) {
    this.source = source;
    this.entries = entries;
  }

  /**
   * Reads a plan file from a stream in bounded memory and parses it, collecting every bad line
   * before failing: besides what {@link #parse} reports, a line that is not valid UTF-8 or is
   * longer than {@link #MAX_LINE_BYTES} bytes (such a line is skipped as it is read, never held
   * whole).
   *
   * @param source how to name the file in messages (its path, or "stdin")
   * @param in the file's bytes; not closed
   * @return the plan
   * @throws PlanFileException with code {@link PlanErrorCode#IMPORT_INVALID} naming each bad line
   * @throws IOException when the stream cannot be read
   */
  public static PlanFile read(String source, InputStream in) throws IOException {
    PlanLineReader reader = new PlanLineReader().read(in);
    if (reader.problems().isEmpty()) {
      return parse(source, reader.lines());
    }
    List<Problem> problems = new ArrayList<>(reader.problems());
    try {
      parse(source, reader.lines());
    } catch (PlanFileException e) {
      e.problems().stream().filter(p -> p.line() > 0).forEach(problems::add);
    }
    problems.sort(java.util.Comparator.comparingInt(Problem::line));
    fail(source, problems);
    throw new IllegalStateException("unreachable: problems were found");
  }

  /**
   * Parses every line, collecting every bad line before failing.
   *
   * @param source how to name the file in messages (its path, or "stdin")
   * @param lines the file's lines
   * @return the plan
   * @throws PlanFileException with code {@link PlanErrorCode#IMPORT_INVALID} naming each bad line
   */
  public static PlanFile parse(String source, List<String> lines) {
    ObjectMapper mapper = new ObjectMapper();
    Map<CardId, Entry> entries = new LinkedHashMap<>();
    List<Problem> problems = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      int lineNo = i + 1;
      String text = lines.get(i);
      if (text.isBlank()) {
        continue;
      }
      try {
        Entry entry = entry(lineNo, mapper.readTree(text));
        Entry earlier = entries.putIfAbsent(entry.card().id(), entry);
        if (earlier != null) {
          problems.add(
              new Problem(
                  lineNo,
                  "card "
                      + entry.card().id()
                      + " is already defined on line "
                      + earlier.line()
                      + "; keep one of them"));
        }
      } catch (JacksonException e) {
        problems.add(
            new Problem(
                lineNo,
                "not valid JSON ("
                    + withoutSource(e.getOriginalMessage())
                    + ", column "
                    + (e.getLocation() == null ? "?" : e.getLocation().getColumnNr())
                    + ")"));
      } catch (InvalidInputException e) {
        problems.add(new Problem(lineNo, e.getMessage()));
      } catch (LineProblem e) {
        problems.add(new Problem(lineNo, e.getMessage()));
      }
    }
    if (entries.isEmpty() && problems.isEmpty()) {
      problems.add(
          new Problem(0, "the file has no cards; give a file written by 'backlog export'"));
    }
    fail(source, problems);
    return new PlanFile(source, entries);
  }

  /** The file's name in messages. */
  public String source() {
    return source;
  }

  /** The card lines, in file order. */
  public List<Entry> entries() {
    return List.copyOf(entries.values());
  }

  /**
   * Creates every card in one transaction, then restores done and blocked statuses in it; refuses
   * the whole file when a card exists already or a dependency is missing.
   *
   * @param backlog the backlog to write to
   * @param progress where to print progress for big files, or null
   * @return what was imported
   * @throws BacklogException with code {@link PlanErrorCode#IMPORT_INVALID}; nothing was imported
   */
  public Result importInto(Backlog backlog, PrintStream progress) {
    return write(backlog, progress, false);
  }

  /**
   * Creates, in one transaction, the cards that do not exist yet; a card line without an {@code
   * idempotencyKey} gets {@link #KEY_PREFIX} + its id. A card that exists with the line's key was
   * created by an earlier merge and is left as it is (whatever its status now); a card that exists
   * with another key refuses the whole file. Running it twice changes nothing the second time.
   *
   * @param backlog the backlog to write to
   * @return what was created and what was left alone
   * @throws BacklogException with code {@link PlanErrorCode#IMPORT_INVALID}; nothing was imported
   */
  public Result merge(Backlog backlog) {
    return write(backlog, null, true);
  }

  /** The card with its own idempotency key, or one derived from its id. */
  private static NewCard keyed(NewCard c) {
    if (c.idempotencyKey() != null) {
      return c;
    }
    return new NewCard(
        c.id(),
        c.title(),
        c.body(),
        c.phase(),
        c.priority(),
        c.dependsOn(),
        c.acceptance(),
        KEY_PREFIX + c.id(),
        c.maxAttempts(),
        c.blocked(),
        c.blockedReason());
  }

  private Result write(Backlog backlog, PrintStream progress, boolean merge) {
    try {
      return backlog.inTransaction(
          tx -> {
            List<Problem> problems = new ArrayList<>();
            Set<CardId> existing = new HashSet<>();
            for (Entry e : entries.values()) {
              Optional<Card> found = tx.find(e.card().id());
              if (found.isPresent() && !merge) {
                problems.add(
                    new Problem(
                        e.line(),
                        "card "
                            + e.card().id()
                            + " already exists in the backlog;"
                            + " remove the line or import into an empty backlog"));
              } else if (found.isPresent()) {
                String key = keyed(e.card()).idempotencyKey();
                if (key.equals(found.get().idempotencyKey())) {
                  existing.add(e.card().id());
                } else {
                  problems.add(
                      new Problem(
                          e.line(),
                          "card "
                              + e.card().id()
                              + " already exists in the backlog"
                              + " but was not created from this plan (its idempotency key is not "
                              + key
                              + "); rename the card in the plan or remove the line"));
                }
              }
              for (CardId dep : e.card().dependsOn()) {
                if (!entries.containsKey(dep) && tx.find(dep).isEmpty()) {
                  problems.add(
                      new Problem(
                          e.line(),
                          "card "
                              + e.card().id()
                              + " depends on "
                              + dep
                              + ", which is neither in the file nor in the backlog; add it or drop the dependency"));
                }
              }
            }
            fail(source, problems);
            int total = entries.size() - existing.size();
            int count = 0;
            int done = 0;
            int blocked = 0;
            for (Entry e : entries.values()) {
              if (existing.contains(e.card().id())) {
                continue;
              }
              tx.create(merge ? keyed(e.card()) : e.card());
              blocked += e.card().blocked() ? 1 : 0;
              count++;
              if (progress != null && total >= 1000 && count % 500 == 0) {
                progress.print("\rimporting " + count + "/" + total);
                progress.flush();
              }
            }
            for (Entry e : entries.values()) {
              if (e.done() && !existing.contains(e.card().id())) {
                tx.forceComplete(e.card().id());
                done++;
              }
            }
            for (Entry e : entries.values()) {
              if (e.notBefore() != null && !existing.contains(e.card().id())) {
                defer(tx, e);
              }
            }
            if (progress != null && total >= 1000) {
              progress.println("\rimported " + total + "/" + total + ", committing");
            }
            return new Result(total, done, blocked, existing.size());
          });
    } catch (DependencyCycleException e) {
      String lines =
          e.path().stream()
              .distinct()
              .map(entries::get)
              .filter(Objects::nonNull)
              .map(Entry::line)
              .sorted()
              .map(String::valueOf)
              .collect(Collectors.joining(", "));
      throw new BacklogException(
          PlanErrorCode.IMPORT_INVALID,
          "import "
              + source
              + " refused, nothing was imported: "
              + e.getMessage()
              + (lines.isEmpty() ? "" : " (lines " + lines + ")"));
    } catch (UnknownDependencyException e) {
      Entry entry = entries.get(e.card());
      throw new BacklogException(
          PlanErrorCode.IMPORT_INVALID,
          "import "
              + source
              + " refused, nothing was imported: "
              + (entry == null ? "" : "line " + entry.line() + ": ")
              + e.getMessage());
    }
  }

  /**
   * Restores a deferral; one that has run out by now (the store clock) is left out, as the sweep
   * would have lifted it.
   */
  private static void defer(BacklogTransaction tx, Entry e) {
    try {
      tx.defer(e.card().id(), e.notBefore());
    } catch (InvalidInputException ranOut) {
      // The deferral's time has come: the card is claimable, as after the sweep.
    }
  }

  private static void fail(String source, List<Problem> problems) {
    if (problems.isEmpty()) {
      return;
    }
    StringBuilder sb =
        new StringBuilder(
            "import "
                + source
                + " refused, nothing was imported: "
                + problems.size()
                + " bad line"
                + (problems.size() == 1 ? "; fix it" : "s; fix them")
                + " and import again");
    for (int i = 0; i < problems.size() && i < MAX_QUOTED_PROBLEMS; i++) {
      Problem p = problems.get(i);
      sb.append('\n')
          .append(p.line() == 0 ? "file" : "line " + p.line())
          .append(": ")
          .append(p.message());
    }
    if (problems.size() > MAX_QUOTED_PROBLEMS) {
      sb.append("\nfurther bad lines: ")
          .append(
              problems.stream()
                  .skip(MAX_QUOTED_PROBLEMS)
                  .map(p -> Integer.toString(p.line()))
                  .collect(Collectors.joining(", ")));
    }
    throw new PlanFileException(sb.toString(), problems);
  }

  /**
   * Reads one card as an import line gives it (the fields of {@code backlog export}), for a caller
   * that creates a single card, such as the HTTP API: a bad card is refused with what is wrong, not
   * as a file's bad line.
   *
   * @throws InvalidInputException naming what is wrong with the card
   */
  public static Entry card(JsonNode node) {
    try {
      return entry(1, node);
    } catch (LineProblem e) {
      throw InvalidInputException.of("card", e.getMessage());
    }
  }

  private static Entry entry(int line, JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new LineProblem("expected a card object such as {\"id\":\"A1\",\"title\":\"...\"}");
    }
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!KEPT.contains(field) && !IGNORED.contains(field)) {
        unknown.add(field);
      }
    }
    if (!unknown.isEmpty()) {
      throw new LineProblem(
          (unknown.size() == 1 ? "unknown field '" : "unknown fields '")
              + String.join("', '", unknown)
              + "'; the card fields are "
              + String.join(", ", KEPT.stream().sorted().toList()));
    }
    String id = text(node, "id");
    if (id == null) {
      throw new LineProblem("the card has no \"id\"");
    }
    CardId.problem(id)
        .ifPresent(
            p -> {
              throw new LineProblem(p);
            });
    String status = text(node, "status");
    String wire = status == null ? "ready" : status.toLowerCase(Locale.ROOT);
    if (!Set.of("ready", "claimed", "blocked", "done").contains(wire)) {
      throw new LineProblem(
          "status '" + status + "' is not known; use ready, claimed, blocked or done");
    }
    NewCard.Builder builder =
        NewCard.builder(id)
            .title(text(node, "title"))
            .body(text(node, "body"))
            .phase(text(node, "phase"))
            .idempotencyKey(text(node, "idempotencyKey"));
    JsonNode priority = node.get("priority");
    if (priority != null && !priority.isNull()) {
      if (!priority.canConvertToInt() || !priority.isIntegralNumber()) {
        throw new LineProblem("priority " + priority + " is not a whole number");
      }
      builder.priority(priority.intValue());
    }
    JsonNode maxAttempts = node.get("maxAttempts");
    if (maxAttempts != null && !maxAttempts.isNull()) {
      if (!maxAttempts.canConvertToInt() || !maxAttempts.isIntegralNumber()) {
        throw new LineProblem("maxAttempts " + maxAttempts + " is not a whole number");
      }
      builder.maxAttempts(maxAttempts.intValue());
    }
    JsonNode deps = node.get("dependsOn");
    if (deps != null && !deps.isNull()) {
      if (!deps.isArray()) {
        throw new LineProblem("dependsOn must be an array of card ids, not " + deps);
      }
      List<String> ids = new ArrayList<>();
      for (JsonNode dep : deps) {
        if (!dep.isTextual()) {
          throw new LineProblem("dependsOn holds " + dep + ", which is not a card id string");
        }
        CardId.problem(dep.asText())
            .ifPresent(
                p -> {
                  throw new LineProblem("dependsOn: " + p);
                });
        ids.add(dep.asText());
      }
      builder.dependsOn(ids);
    }
    JsonNode acceptance = node.get("acceptance");
    if (acceptance != null && !acceptance.isNull()) {
      builder.acceptance(acceptance.toString());
    }
    if (wire.equals("blocked")) {
      builder.blocked(text(node, "blockedReason"));
    }
    String notBefore = text(node, "notBefore");
    Instant until = null;
    if (notBefore != null && wire.equals("ready")) {
      try {
        until = Instant.parse(notBefore);
      } catch (DateTimeParseException e) {
        throw new LineProblem(
            "notBefore '"
                + notBefore
                + "' is not an ISO-8601 UTC instant such as 2026-12-07T10:00:00Z");
      }
    }
    return new Entry(line, builder.build(), wire.equals("done"), until);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new LineProblem(field + " must be a string, not " + value);
    }
    return value.asText();
  }

  /** Thrown while reading one line; caught and collected by {@link #parse}. */
  private static final class LineProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LineProblem(String message) {
      super(message, null, false, false);
    }
  }

  /** A parser's message without the source it names ({@link #SOURCE}). */
  static String withoutSource(String message) {
    return message == null ? "" : SOURCE.matcher(message).replaceAll("column $1");
  }
}
