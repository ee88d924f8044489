package dev.backlog.cli.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backlog.core.Backlog;
import dev.backlog.core.BacklogException;
import dev.backlog.core.CardId;
import dev.backlog.core.DependencyCycleException;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.NewCard;
import dev.backlog.core.UnknownDependencyException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A parsed import file: one {@link Entry} per card line, checked as a whole before anything is
 * written, then created in one transaction. Immutable once parsed; not thread-safe while running.
 */
final class ImportPlan {

  /** The most problems quoted in full; beyond that only line numbers are listed. */
  static final int MAX_QUOTED_PROBLEMS = 200;

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
          "blockedReason");
  private static final Set<String> IGNORED =
      Set.of("attempts", "lease", "createdAt", "updatedAt", "version");

  /** One card to create, and the status to restore. */
  record Entry(int line, NewCard card, boolean done) {}

  /** What an import did. */
  record Result(int total, int done, int blocked) {}

  private final String source;
  private final Map<CardId, Entry> entries;

  private ImportPlan(String source, Map<CardId, Entry> entries) {
    this.source = source;
    this.entries = entries;
  }

  /**
   * Parses every line, collecting every bad line before failing.
   *
   * @throws BacklogException with code IMPORT_INVALID naming each bad line
   */
  static ImportPlan parse(String source, List<String> lines) {
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
                    + e.getOriginalMessage()
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
    return new ImportPlan(source, entries);
  }

  /** Creates every card in one transaction, then restores done and blocked statuses in it. */
  Result run(Backlog backlog, PrintStream progress) {
    try {
      return backlog.inTransaction(
          tx -> {
            List<Problem> problems = new ArrayList<>();
            for (Entry e : entries.values()) {
              if (tx.find(e.card().id()).isPresent()) {
                problems.add(
                    new Problem(
                        e.line(),
                        "card "
                            + e.card().id()
                            + " already exists in the backlog;"
                            + " remove the line or import into an empty backlog"));
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
            int total = entries.size();
            int count = 0;
            int done = 0;
            int blocked = 0;
            for (Entry e : entries.values()) {
              tx.create(e.card());
              blocked += e.card().blocked() ? 1 : 0;
              count++;
              if (progress != null && total >= 1000 && count % 500 == 0) {
                progress.print("\rimporting " + count + "/" + total);
                progress.flush();
              }
            }
            for (Entry e : entries.values()) {
              if (e.done()) {
                tx.forceComplete(e.card().id());
                done++;
              }
            }
            if (progress != null && total >= 1000) {
              progress.println("\rimported " + total + "/" + total + ", committing");
            }
            return new Result(total, done, blocked);
          });
    } catch (DependencyCycleException e) {
      String lines =
          e.path().stream()
              .distinct()
              .map(entries::get)
              .filter(java.util.Objects::nonNull)
              .map(Entry::line)
              .sorted()
              .map(String::valueOf)
              .collect(Collectors.joining(", "));
      throw new BacklogException(
          CliErrorCode.IMPORT_INVALID,
          "import "
              + source
              + " refused, nothing was imported: "
              + e.getMessage()
              + (lines.isEmpty() ? "" : " (lines " + lines + ")"));
    } catch (UnknownDependencyException e) {
      Entry entry = entries.get(e.card());
      throw new BacklogException(
          CliErrorCode.IMPORT_INVALID,
          "import "
              + source
              + " refused, nothing was imported: "
              + (entry == null ? "" : "line " + entry.line() + ": ")
              + e.getMessage());
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
                + (problems.size() == 1 ? "" : "s")
                + "; fix them and import again");
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
    throw new BacklogException(CliErrorCode.IMPORT_INVALID, sb.toString());
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
          "unknown field"
              + (unknown.size() == 1 ? " " : "s ")
              + unknown
              + "; the card fields are "
              + KEPT.stream().sorted().toList());
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
    return new Entry(line, builder.build(), wire.equals("done"));
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

  /** A problem with one line. */
  private record Problem(int line, String message) {}

  /** Thrown while reading one line; caught and collected by {@link #parse}. */
  private static final class LineProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LineProblem(String message) {
      super(message, null, false, false);
    }
  }
}
