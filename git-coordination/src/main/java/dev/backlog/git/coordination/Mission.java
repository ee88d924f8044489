package dev.backlog.git.coordination;

import dev.backlog.core.InvalidInputException;
import dev.backlog.core.Violation;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A mission: a slug and an 8-character id. Its coordination branch is {@code
 * backlog/mission-<slug>-<id8>}, its bookkeeping lives in {@code .backlog/missions/<slug>-<id8>/}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param slug 1 to 40 characters of {@code [a-z0-9-]}, starting with a letter or digit
 * @param id 8 characters of {@code [a-z0-9]}
 */
public record Mission(String slug, String id) {

  private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
  private static final Pattern ID = Pattern.compile("[a-z0-9]{8}");

  /** The prefix of every coordination branch. */
  public static final String BRANCH_PREFIX = "backlog/mission-";

  /** Validates slug and id, reporting every problem. */
  public Mission {
    List<Violation> problems = new ArrayList<>();
    if (slug == null || !SLUG.matcher(slug).matches()) {
      problems.add(
          new Violation(
              "slug",
              "mission slug '"
                  + slug
                  + "' is not allowed; use 1 to 40 characters"
                  + " of [a-z0-9-] starting with a letter or digit"));
    }
    if (id == null || !ID.matcher(id).matches()) {
      problems.add(
          new Violation(
              "id",
              "mission id '" + id + "' is not allowed; use exactly 8 characters of [a-z0-9]"));
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
  }

  /** Whether {@code text} is a valid slug: 1 to 40 characters of {@code [a-z0-9-]}. */
  public static boolean isSlug(String text) {
    return text != null && SLUG.matcher(text).matches();
  }

  /** A new mission with a random id. */
  public static Mission create(String slug) {
    byte[] b = new byte[4];
    UUID u = UUID.randomUUID();
    long bits = u.getLeastSignificantBits();
    for (int i = 0; i < 4; i++) {
      b[i] = (byte) (bits >>> (8 * i));
    }
    return new Mission(slug, HexFormat.of().formatHex(b));
  }

  /** Parses {@code <slug>-<id8>}, the mission's handle. */
  public static Mission parse(String handle) {
    if (handle == null || handle.length() < 10 || handle.charAt(handle.length() - 9) != '-') {
      throw InvalidInputException.of(
          "mission",
          "mission '"
              + handle
              + "' is not of the form <slug>-<id8>,"
              + " for example checkout-1a2b3c4d; list missions with 'backlog coord status'");
    }
    return new Mission(
        handle.substring(0, handle.length() - 9), handle.substring(handle.length() - 8));
  }

  /** The mission named by a coordination branch name, when it is one. */
  public static Optional<Mission> fromBranch(String branch) {
    String b = branch.startsWith("refs/heads/") ? branch.substring("refs/heads/".length()) : branch;
    if (!b.startsWith(BRANCH_PREFIX) || b.contains("-lane-")) {
      return Optional.empty();
    }
    try {
      return Optional.of(parse(b.substring(BRANCH_PREFIX.length())));
    } catch (InvalidInputException e) {
      return Optional.empty();
    }
  }

  /** {@code <slug>-<id8>}. */
  public String handle() {
    return slug + "-" + id;
  }

  /** The coordination branch, {@code backlog/mission-<slug>-<id8>}. */
  public String branch() {
    return BRANCH_PREFIX + handle();
  }

  /** The lane branch for lane {@code n}. */
  public String laneBranch(int n) {
    return branch() + "-lane-" + n;
  }

  /** The directory (relative to the repository root) that holds the mission's bookkeeping. */
  public String dataDir() {
    return ".backlog/missions/" + handle();
  }

  /** The event log path relative to the repository root. */
  public String eventLogPath() {
    return dataDir() + "/status.events.jsonl";
  }

  /** The materialized status path relative to the repository root. */
  public String statusPath() {
    return dataDir() + "/status.json";
  }

  @Override
  public String toString() {
    return handle();
  }
}
