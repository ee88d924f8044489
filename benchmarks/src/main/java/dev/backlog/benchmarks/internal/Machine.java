package dev.backlog.benchmarks.internal;

import java.lang.management.ManagementFactory;
import java.util.Objects;

/**
 * The machine a run happened on.
 *
 * @param cores processors available to the JVM
 * @param memoryMiB physical memory in MiB (0 when the JVM cannot tell)
 * @param maxHeapMiB the JVM's maximum heap in MiB
 * @param jdk the JDK vendor and version
 * @param os the operating system, version and architecture
 * @param postgres the PostgreSQL server version, or "not used"
 * @param h2 the H2 version
 */
public record Machine(
    int cores, long memoryMiB, long maxHeapMiB, String jdk, String os, String postgres, String h2) {

  /** Validates the record. */
  public Machine {
    Objects.requireNonNull(jdk, "jdk");
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(postgres, "postgres");
    Objects.requireNonNull(h2, "h2");
  }

  /** Describes this JVM's machine. */
  public static Machine current(String postgresVersion) {
    long memory = 0;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      memory = os.getTotalMemorySize() / (1024 * 1024);
    }
    return new Machine(
        Runtime.getRuntime().availableProcessors(),
        memory,
        Runtime.getRuntime().maxMemory() / (1024 * 1024),
        System.getProperty("java.vm.vendor")
            + " "
            + System.getProperty("java.runtime.name")
            + " "
            + System.getProperty("java.runtime.version"),
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"),
        postgresVersion,
        org.h2.engine.Constants.FULL_VERSION);
  }
}
