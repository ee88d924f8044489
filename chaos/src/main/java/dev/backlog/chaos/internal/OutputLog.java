package dev.backlog.chaos.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything the processes of a run printed (stdout and stderr of every CLI command and host
 * worker), kept so that a run can be searched for planted secrets. Bounded: past {@link #MAX_CHARS}
 * characters further output is counted but not kept.
 *
 * <p>Thread-safe.
 */
public final class OutputLog {

  /** The most characters kept. */
  public static final long MAX_CHARS = 64L << 20;

  private record Entry(String what, String output) {}

  private final List<Entry> entries = new ArrayList<>();
  private long chars;
  private long dropped;

  /** Records one process's output. */
  public synchronized void add(String what, String out, String err) {
    long size = what.length() + out.length() + err.length();
    if (chars + size > MAX_CHARS) {
      dropped += size;
      return;
    }
    chars += size;
    entries.add(new Entry(what, "--- stdout\n" + out + "\n--- stderr\n" + err));
  }

  /**
   * The output of every process whose stdout or stderr contains {@code secret} (the command lines,
   * which the driver wrote, are not searched), each headed by its command.
   */
  public synchronized List<String> containing(String secret) {
    return entries.stream()
        .filter(e -> e.output().contains(secret))
        .map(e -> e.what() + "\n" + e.output())
        .toList();
  }

  /** How many processes' output was recorded. */
  public synchronized int size() {
    return entries.size();
  }

  /** Characters of output not kept because the log was full. */
  public synchronized long dropped() {
    return dropped;
  }

  /**
   * Writes every process's output, each headed by its command, to {@code file}: the evidence to
   * read after a run that found a violation.
   */
  public synchronized void writeTo(java.nio.file.Path file) throws java.io.IOException {
    try (java.io.Writer w =
        java.nio.file.Files.newBufferedWriter(file, java.nio.charset.StandardCharsets.UTF_8)) {
      for (Entry e : entries) {
        w.write("=== " + e.what() + "\n" + e.output() + "\n");
      }
    }
  }
}
