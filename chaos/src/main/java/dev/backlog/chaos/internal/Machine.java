package dev.backlog.chaos.internal;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/** The machine a run happened on, as one line. Stateless. */
final class Machine {

  private Machine() {}

  static String describe() {
    long memory = 0;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      memory = os.getTotalMemorySize() / (1024 * 1024);
    }
    return String.format(
        Locale.ROOT,
        "%d cores, %d MiB memory, %s %s, %s %s %s",
        Runtime.getRuntime().availableProcessors(),
        memory,
        System.getProperty("java.vm.vendor"),
        System.getProperty("java.runtime.version"),
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        System.getProperty("os.arch"));
  }
}
