package dev.backlog.cli.internal;

import dev.backlog.core.BacklogException;
import dev.backlog.core.Card;
import dev.backlog.core.CardQuery;
import dev.backlog.core.InvalidInputException;
import dev.backlog.json.JsonContract;
import dev.backlog.json.PlanFile;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code import} and {@code export}: the whole backlog as JSON Lines, one card per line. */
final class TransferCommands {

  private TransferCommands() {}

  /** {@code export}: writes every card, sorted by id. */
  @Command(
      name = "export",
      description = {
        "Write every card as JSON Lines (one card object per line, sorted by id).",
        "To stdout, or atomically to --out FILE."
      })
  static final class Export extends BacklogCommand {
    @Option(
        names = "--out",
        paramLabel = "FILE",
        description = "Write to this file (replaced atomically).")
    Path out;

    @Override
    int run(Context ctx) throws IOException {
      List<Card> cards =
          ctx.briefBacklog().list(CardQuery.ALL).stream()
              .sorted(Comparator.comparing(Card::id))
              .toList();
      if (out == null) {
        PrintStream stdout = ctx.out();
        for (Card card : cards) {
          stdout.print(JsonContract.card(card));
          stdout.print('\n');
        }
        stdout.flush();
        return 0;
      }
      Path target = ctx.workingDir().resolve(out).toAbsolutePath().normalize();
      writeAtomically(target, cards);
      ctx.emit(
          () ->
              JsonContract.render(
                  g -> {
                    g.writeStartObject();
                    g.writeNumberField("exported", cards.size());
                    g.writeStringField("out", target.toString());
                    g.writeEndObject();
                  }),
          () ->
              "exported "
                  + cards.size()
                  + (cards.size() == 1 ? " card to " : " cards to ")
                  + target);
      return 0;
    }

    /** Writes to a unique temp file beside the target, syncs it, then moves it over the target. */
    static void writeAtomically(Path target, List<Card> cards) {
      Path dir = target.getParent();
      if (dir == null || !Files.isDirectory(dir)) {
        throw InvalidInputException.of(
            "out",
            "cannot write "
                + target
                + ": "
                + (dir != null && Files.exists(dir)
                    ? dir + " is not a directory; give a path inside a directory"
                    : "directory " + dir + " does not exist; create it first"));
      }
      if (Files.isDirectory(target)) {
        throw InvalidInputException.of(
            "out", "cannot write " + target + ": it is a directory; give the path of a file");
      }
      try {
        replace(target, dir, cards);
      } catch (IOException e) {
        throw new BacklogException(
            CliErrorCode.IO_FAILURE,
            "cannot write " + target + " (" + e + "); the file was left as it was",
            e);
      }
    }

    private static void replace(Path target, Path dir, List<Card> cards) throws IOException {
      Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
      try {
        try (FileChannel channel =
                FileChannel.open(
                    temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            OutputStream stream = java.nio.channels.Channels.newOutputStream(channel)) {
          StringBuilder chunk = new StringBuilder();
          for (Card card : cards) {
            chunk.append(JsonContract.card(card)).append('\n');
            if (chunk.length() > 1 << 16) {
              stream.write(chunk.toString().getBytes(StandardCharsets.UTF_8));
              chunk.setLength(0);
            }
          }
          stream.write(chunk.toString().getBytes(StandardCharsets.UTF_8));
          stream.flush();
          channel.force(true);
        }
        try {
          Files.move(
              temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }

  /** {@code import}: reads a JSON Lines file in one transaction. */
  @Command(
      name = "import",
      description = {
        "Create the cards of a JSON Lines file (the export format) in one transaction.",
        "Every bad line is reported with its number, and then nothing is imported.",
        "Keeps id, title, body, phase, priority, dependsOn, acceptance, idempotencyKey,"
            + " maxAttempts, and the status done or blocked (with its reason); claimed cards come"
            + " back ready."
      })
  static final class Import extends BacklogCommand {
    @Parameters(paramLabel = "FILE", description = "The file to read ('-' for stdin).")
    String file;

    @Override
    int run(Context ctx) throws IOException {
      PlanFile plan;
      String name;
      if ("-".equals(file)) {
        name = "stdin";
        plan = PlanFile.read(name, System.in);
      } else {
        Path path = ctx.workingDir().resolve(file);
        if (!Files.isRegularFile(path)) {
          throw new BacklogException(
              CliErrorCode.IMPORT_INVALID,
              "import file "
                  + path
                  + " does not exist or is not a file; give the path of a file written by 'backlog export'");
        }
        name = path.toString();
        try (java.io.InputStream in = Files.newInputStream(path)) {
          plan = PlanFile.read(name, in);
        }
      }
      boolean progress = System.console() != null && !ctx.json();
      PlanFile.Result result = plan.importInto(ctx.backlog(), progress ? ctx.err() : null);
      ctx.emit(
          () ->
              JsonContract.render(
                  g -> {
                    g.writeStartObject();
                    g.writeNumberField("imported", result.total());
                    g.writeNumberField("done", result.done());
                    g.writeNumberField("blocked", result.blocked());
                    g.writeEndObject();
                  }),
          () ->
              "imported "
                  + result.total()
                  + (result.total() == 1 ? " card (" : " cards (")
                  + result.done()
                  + " done, "
                  + result.blocked()
                  + " blocked) from "
                  + name);
      return 0;
    }
  }
}
