package dev.backlog.chaos.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Mounts and unmounts a small tmpfs (root only). Stateless. */
final class Tmpfs {

  private Tmpfs() {}

  /** Mounts a tmpfs of {@code mib} MiB at {@code dir}; returns why not, or null when mounted. */
  static String mount(Path dir, int mib) {
    try {
      Files.createDirectories(dir);
      Process p =
          new ProcessBuilder(
                  List.of(
                      "mount", "-t", "tmpfs", "-o", "size=" + mib + "m", "tmpfs", dir.toString()))
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      int exit = p.waitFor();
      return exit == 0
          ? null
          : "mounting a tmpfs was refused (mount exit " + exit + ": " + out + "); run as root";
    } catch (IOException e) {
      return "mounting a tmpfs is not possible here: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** Unmounts {@code dir} (lazily when busy). */
  static void unmount(Path dir) {
    try {
      Process p = new ProcessBuilder("umount", dir.toString()).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (p.waitFor() != 0) {
        new ProcessBuilder("umount", "-l", dir.toString()).start().waitFor();
      }
    } catch (IOException e) {
      // nothing left to do: a leftover mount under a temp dir goes with the next reboot
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
