package dev.backlog.mcp.internal;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * The stdio server's input: passes on each line that is a JSON-RPC message, answers any other line
 * itself with a JSON-RPC error (the SDK's reader would stop reading at such a line, leaving a
 * server that no longer answers), and tells when the input ended: end of file or a read error,
 * which is how a stdio server learns that its client closed the pipe or exited.
 *
 * <p>One thread reads; any number of threads may wait for the end.
 */
public final class EndOfInput extends InputStream {

  private final InputStream in;
  private final OutputStream out;
  private final McpJsonMapper mapper;
  private final CountDownLatch ended = new CountDownLatch(1);
  private byte[] line = new byte[0];
  private int pos;

  /**
   * Watches {@code in}; refusals of bad lines are written to {@code out}, synchronized on it as the
   * SDK's writer is.
   */
  public EndOfInput(InputStream in, OutputStream out, McpJsonMapper mapper) {
    this.in = new BufferedInputStream(in);
    this.out = out;
    this.mapper = mapper;
  }

  @Override
  public int read() throws IOException {
    if (!fill()) {
      return -1;
    }
    return line[pos++] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int n = Math.min(length, line.length - pos);
    System.arraycopy(line, pos, buffer, offset, n);
    pos += n;
    return n;
  }

  /** Makes a good line available; false at the end of the input. */
  private boolean fill() throws IOException {
    while (pos >= line.length) {
      byte[] next = nextLine();
      if (next == null) {
        ended.countDown();
        return false;
      }
      String text = new String(next, StandardCharsets.UTF_8).strip();
      if (text.isEmpty()) {
        continue;
      }
      try {
        McpSchema.deserializeJsonRpcMessage(mapper, text);
      } catch (Exception e) {
        refuse(text, e);
        continue;
      }
      line = next;
      pos = 0;
    }
    return true;
  }

  /** The next line with its newline, or null at the end of the input. */
  private byte[] nextLine() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try {
      int b;
      while ((b = in.read()) >= 0) {
        buf.write(b);
        if (b == '\n') {
          return buf.toByteArray();
        }
      }
    } catch (IOException e) {
      ended.countDown();
      throw e;
    }
    if (buf.size() == 0) {
      return null;
    }
    buf.write('\n');
    return buf.toByteArray();
  }

  private void refuse(String text, Exception e) throws IOException {
    String shown = text.length() > 60 ? text.substring(0, 57) + "..." : text;
    String reason = String.valueOf(e.getMessage());
    if (reason.length() > 200) {
      reason = reason.substring(0, 197) + "...";
    }
    String error =
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":"
            + McpSchema.ErrorCodes.PARSE_ERROR
            + ",\"message\":"
            + mapper.writeValueAsString(
                "not a JSON-RPC message, ignored: " + shown + " (" + reason + ")")
            + "}}\n";
    synchronized (out) {
      out.write(error.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  @Override
  public void close() throws IOException {
    ended.countDown();
    in.close();
  }

  /** Marks the input ended without closing it (the host ends the session). */
  public void end() {
    ended.countDown();
  }

  /** Waits until the input ended. */
  public void await() throws InterruptedException {
    ended.await();
  }
}
