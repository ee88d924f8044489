package dev.backlog.git.coordination.internal;

import dev.backlog.core.BacklogException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The git merge driver for {@code status.events.jsonl}: git calls it with the ancestor's, ours and
 * theirs files ({@code %O %A %B}); it writes the union by event id, ordered by clock then id, into
 * ours and exits 0. An unreadable line exits 1, which git reports as a conflict.
 */
public final class EventLogMergeDriver {

  private EventLogMergeDriver() {}

  /** Merges {@code args[1]} (ours, rewritten in place) with {@code args[0]} and {@code args[2]}. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the driver and returns the exit code. */
  public static int run(String[] args) {
    if (args.length < 3) {
      System.err.println("usage: EventLogMergeDriver <ancestor> <ours> <theirs>");
      return 2;
    }
    try {
      Path ours = Path.of(args[1]);
      byte[] merged =
          EventLogCodec.union(
              List.of(
                  EventLogCodec.parse(Files.readAllBytes(ours)),
                  EventLogCodec.parse(Files.readAllBytes(Path.of(args[2]))),
                  EventLogCodec.parse(Files.readAllBytes(Path.of(args[0])))));
      AtomicFiles.write(ours, merged);
      return 0;
    } catch (IOException | BacklogException e) {
      System.err.println("backlog event-log merge failed: " + e.getMessage());
      return 1;
    }
  }
}
