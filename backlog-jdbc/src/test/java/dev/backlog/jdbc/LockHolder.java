package dev.backlog.jdbc;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Another process for the open-lock tests: {@code hold FILE} locks the file, prints {@code held}
 * and keeps the lock until its standard input ends; {@code probe FILE} prints {@code free} or
 * {@code busy}. Operating-system file locks belong to a process, so only another process can hold
 * one against this JVM.
 */
public final class LockHolder {

  private LockHolder() {}

  /** Runs one mode; see the class comment. */
  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[1]);
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      if (args[0].equals("probe")) {
        FileLock lock = channel.tryLock();
        System.out.println(lock == null ? "busy" : "free");
        return;
      }
      channel.lock();
      System.out.println("held");
      System.out.flush();
      while (System.in.read() >= 0) {
        // Hold until the parent closes our input (or dies).
      }
    }
  }

  /** Starts {@code mode} on {@code file} in a new JVM on this class path. */
  static Process start(String mode, Path file) throws IOException {
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
            LockHolder.class.getName(),
            mode,
            file.toString())
        .redirectErrorStream(true)
        .start();
  }

  /** The first line the process printed. */
  static String firstLine(Process process) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = process.getInputStream().read()) >= 0 && c != '\n') {
      line.append((char) c);
    }
    return line.toString().strip();
  }
}
