package dev.backlog.mcp.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;

/**
 * An input stream that tells when it ended: end of file or a read error, which is how a stdio
 * server learns that its client closed the pipe or exited. Thread-safe for one reader and any
 * number of waiters.
 */
public final class EndOfInput extends FilterInputStream {

  private final CountDownLatch ended = new CountDownLatch(1);

  /** Watches {@code in}. */
  public EndOfInput(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    try {
      int b = super.read();
      if (b < 0) {
        ended.countDown();
      }
      return b;
    } catch (IOException e) {
      ended.countDown();
      throw e;
    }
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    try {
      int n = super.read(buffer, offset, length);
      if (n < 0) {
        ended.countDown();
      }
      return n;
    } catch (IOException e) {
      ended.countDown();
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    ended.countDown();
    super.close();
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
