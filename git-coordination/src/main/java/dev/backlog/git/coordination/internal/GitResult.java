package dev.backlog.git.coordination.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one git invocation: exit code, raw output and whether it was killed at the
 * timeout. Callers classify by {@link #exitCode()} and state probes, never by the text of {@link
 * #stderr()}, which is kept only to show to a human.
 *
 * @param args the arguments after {@code git}
 * @param exitCode the exit code, or -1 when the process was killed at the timeout
 * @param stdout the raw standard output
 * @param stderr the standard error, for humans only
 * @param timedOut whether the process (and its descendants) was killed at the timeout
 */
public record GitResult(
    List<String> args, int exitCode, byte[] stdout, String stderr, boolean timedOut) {

  /** Validates the parts. */
  public GitResult {
    args = List.copyOf(args);
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
  }

  /** Whether git exited with 0. */
  public boolean ok() {
    return exitCode == 0 && !timedOut;
  }

  /** Standard output as UTF-8 text with one trailing newline removed. */
  public String text() {
    String s = new String(stdout, StandardCharsets.UTF_8);
    return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
  }

  /** Standard output split at NUL bytes (for {@code -z} output); empty records are dropped. */
  public List<String> nulSeparated() {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < stdout.length; i++) {
      if (stdout[i] == 0) {
        if (i > start) {
          out.add(new String(stdout, start, i - start, StandardCharsets.UTF_8));
        }
        start = i + 1;
      }
    }
    if (start < stdout.length) {
      String tail = new String(stdout, start, stdout.length - start, StandardCharsets.UTF_8);
      if (!tail.isBlank()) {
        out.add(tail);
      }
    }
    return out;
  }

  /** Standard output split into non-empty lines. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    for (String line : text().split("\n")) {
      if (!line.isEmpty()) {
        out.add(line);
      }
    }
    return out;
  }

  /** A one-line description for error messages: the command, the exit code and git's own words. */
  public String describe() {
    String err = stderr.strip();
    if (err.length() > 500) {
      err = err.substring(0, 500) + "...";
    }
    return "'git "
        + String.join(" ", args)
        + "' "
        + (timedOut ? "was killed at the timeout" : "exited with " + exitCode)
        + (err.isEmpty() ? "" : " (git said: " + err.replace('\n', ' ') + ")");
  }
}
