package dev.backlog.git.coordination;

import dev.backlog.core.InvalidInputException;
import dev.backlog.core.Violation;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Settings of a {@link Coordinator}; documented defaults as constants, validated when built,
 * immutable after. {@code toString} shows the names of extra environment variables, never their
 * values.
 *
 * <p>Immutable and thread-safe.
 *
 * @param gitExecutable the git executable
 * @param gitTimeout how long one git call may run before it is killed with its descendants
 * @param lockTimeout how long to wait for the mission lock or a merge turn
 * @param protectedBranches branches no bookkeeping commit may land on (main and master always are)
 * @param environment extra variables for every git call (e.g. {@code GIT_CONFIG_GLOBAL})
 * @param mergeDriverCommand the command registered as the event-log merge driver; empty to use this
 *     JVM ({@code java -cp <classpath> ...EventLogMergeDriver %O %A %B})
 * @param clock the clock for event times and grace periods
 * @param observer watches bookkeeping transactions pass the steps of their commit
 */
public record CoordinationConfig(
    String gitExecutable,
    Duration gitTimeout,
    Duration lockTimeout,
    Set<String> protectedBranches,
    Map<String, String> environment,
    Optional<String> mergeDriverCommand,
    InstantSource clock,
    BookkeepingObserver observer) {

  /** Default git executable. */
  public static final String DEFAULT_GIT = "git";

  /** Default per-call timeout. */
  public static final Duration DEFAULT_GIT_TIMEOUT = Duration.ofMinutes(2);

  /** Default lock wait. */
  public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMinutes(2);

  /** Branches that are always protected. */
  public static final Set<String> ALWAYS_PROTECTED = Set.of("main", "master");

  /** Validates every setting and reports all problems at once. */
  public CoordinationConfig {
    List<Violation> problems = new ArrayList<>();
    if (gitExecutable == null || gitExecutable.isBlank()) {
      problems.add(
          new Violation("gitExecutable", "git executable is empty; give a name on PATH or a path"));
    }
    if (gitTimeout == null || gitTimeout.isNegative() || gitTimeout.isZero()) {
      problems.add(new Violation("gitTimeout", "git timeout " + gitTimeout + " is not positive"));
    }
    if (lockTimeout == null || lockTimeout.isNegative() || lockTimeout.isZero()) {
      problems.add(
          new Violation("lockTimeout", "lock timeout " + lockTimeout + " is not positive"));
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    Set<String> p = new LinkedHashSet<>(ALWAYS_PROTECTED);
    p.addAll(Objects.requireNonNullElse(protectedBranches, Set.of()));
    protectedBranches = Set.copyOf(p);
    environment = Map.copyOf(Objects.requireNonNullElse(environment, Map.of()));
    mergeDriverCommand = Objects.requireNonNullElse(mergeDriverCommand, Optional.empty());
    Objects.requireNonNull(clock, "clock");
    observer = Objects.requireNonNullElse(observer, BookkeepingObserver.NONE);
  }

  /** The defaults. */
  public static CoordinationConfig defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String toString() {
    return "CoordinationConfig[git="
        + gitExecutable
        + ", gitTimeout="
        + gitTimeout
        + ", lockTimeout="
        + lockTimeout
        + ", protectedBranches="
        + protectedBranches
        + ", environment="
        + environment.keySet()
        + ", mergeDriverCommand="
        + mergeDriverCommand.map(c -> "custom").orElse("this JVM")
        + (observer == BookkeepingObserver.NONE
            ? ""
            : ", observer=" + observer.getClass().getName())
        + "]";
  }

  /** Builds a {@link CoordinationConfig}; not thread-safe. */
  public static final class Builder {
    private String git = DEFAULT_GIT;
    private Duration gitTimeout = DEFAULT_GIT_TIMEOUT;
    private Duration lockTimeout = DEFAULT_LOCK_TIMEOUT;
    private final Set<String> protectedBranches = new LinkedHashSet<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private Optional<String> mergeDriver = Optional.empty();
    private InstantSource clock = InstantSource.system();
    private BookkeepingObserver observer = BookkeepingObserver.NONE;

    private Builder() {}

    /** Sets the git executable. */
    public Builder gitExecutable(String value) {
      this.git = value;
      return this;
    }

    /** Sets the per-call git timeout. */
    public Builder gitTimeout(Duration value) {
      this.gitTimeout = value;
      return this;
    }

    /** Sets the lock wait. */
    public Builder lockTimeout(Duration value) {
      this.lockTimeout = value;
      return this;
    }

    /** Adds a protected branch. */
    public Builder protectBranch(String branch) {
      this.protectedBranches.add(branch);
      return this;
    }

    /** Adds an environment variable for every git call. */
    public Builder environment(String name, String value) {
      this.environment.put(name, value);
      return this;
    }

    /** Sets the merge driver command registered by init. */
    public Builder mergeDriverCommand(String command) {
      this.mergeDriver = Optional.of(command);
      return this;
    }

    /** Sets the clock. */
    public Builder clock(InstantSource value) {
      this.clock = value;
      return this;
    }

    /** Sets the observer of bookkeeping commits. */
    public Builder observer(BookkeepingObserver value) {
      this.observer = value;
      return this;
    }

    /** Builds and validates. */
    public CoordinationConfig build() {
      return new CoordinationConfig(
          git,
          gitTimeout,
          lockTimeout,
          protectedBranches,
          environment,
          mergeDriver,
          clock,
          observer);
    }
  }
}
