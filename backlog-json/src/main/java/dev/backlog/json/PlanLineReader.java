package dev.backlog.json;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a plan file into lines in bounded memory: strict UTF-8 (a malformed byte is a bad line,
 * not a replacement character), and a line longer than {@link PlanFile#MAX_LINE_BYTES} is skipped
 * without being held. Bad lines are kept as blank lines, so line numbers stay right, and reported
 * as problems. Not thread-safe; one file per instance.
 */
final class PlanLineReader {

  private final List<String> lines = new ArrayList<>();
  private final List<PlanFile.Problem> problems = new ArrayList<>();
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private byte[] line = new byte[8192];
  private int length;
  private long lineBytes;

  /** Reads {@code in} to its end. */
  PlanLineReader read(InputStream in) throws IOException {
    byte[] chunk = new byte[1 << 16];
    int n;
    while ((n = in.read(chunk)) != -1) {
      int start = 0;
      for (int i = 0; i < n; i++) {
        if (chunk[i] == '\n') {
          append(chunk, start, i - start);
          finishLine();
          start = i + 1;
        }
      }
      append(chunk, start, n - start);
    }
    if (lineBytes > 0) {
      finishLine();
    }
    return this;
  }

  /** The lines; bad ones are blank. */
  List<String> lines() {
    return lines;
  }

  /** The bad lines, with what was wrong. */
  List<PlanFile.Problem> problems() {
    return problems;
  }

  private void append(byte[] bytes, int from, int count) {
    lineBytes += count;
    if (lineBytes > PlanFile.MAX_LINE_BYTES) {
      return; // counted, not held
    }
    if (length + count > line.length) {
      byte[] bigger = new byte[Math.max(length + count, line.length * 2)];
      System.arraycopy(line, 0, bigger, 0, length);
      line = bigger;
    }
    System.arraycopy(bytes, from, line, length, count);
    length += count;
  }

  private void finishLine() {
    int lineNo = lines.size() + 1;
    if (lineBytes > PlanFile.MAX_LINE_BYTES) {
      problems.add(
          new PlanFile.Problem(
              lineNo,
              "the line is "
                  + lineBytes
                  + " bytes long, more than the limit of "
                  + PlanFile.MAX_LINE_BYTES
                  + " bytes; a card line is far shorter (title, body and acceptance have limits"
                  + " of their own), so this is not a plan file written by 'backlog export'"));
      lines.add("");
    } else {
      int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
      ByteBuffer in = ByteBuffer.wrap(line, 0, end);
      CharBuffer out = CharBuffer.allocate(end);
      CoderResult result = utf8.reset().decode(in, out, true);
      if (!result.isError()) {
        result = utf8.flush(out);
      }
      if (result.isError()) {
        problems.add(
            new PlanFile.Problem(
                lineNo,
                "not valid UTF-8 (a malformed byte sequence at byte "
                    + (in.position() + 1)
                    + " of the line); save the file as UTF-8"));
        lines.add("");
      } else {
        lines.add(out.flip().toString());
      }
    }
    length = 0;
    lineBytes = 0;
    if (line.length > 1 << 16) {
      line = new byte[8192];
    }
  }
}
