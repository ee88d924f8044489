package dev.backlog.cli.internal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a plain {@code backlog claim} line without picocli: the command a worker runs most often
 * skips building picocli's model (its first use in a process, the annotation proxies the JDK
 * generates at run time, which a class-data-sharing archive on JDK 17 cannot hold).
 *
 * <p>A line is plain when it names {@code claim} once and otherwise holds only the global options
 * and the options of {@code claim}, by their long names, each at most once, with values that are
 * not empty, not {@code claim} and start with neither {@code -} nor {@code @}, numbers in plain
 * decimal (lengths of time also with a unit, {@code 15m}), {@code claim}'s own options after the
 * command name, and {@code --owner}. Anything else (help, version, short options, errors of any
 * kind) is left to picocli's annotated model, which stays the source of truth: it prints help and
 * usage errors, and a test checks that both read every plain line alike and that the option names
 * here are the annotated ones.
 *
 * <p>Stateless and thread-safe.
 */
final class PlainClaim {

  /** The root's options (all inherited by subcommands), without help and version. */
  static final Set<String> ROOT_OPTIONS =
      Set.of("--db", "--db-user", "--home", "--json", "--actor", "--verbose");

  /** The options of {@code claim}. */
  static final Set<String> CLAIM_OPTIONS =
      Set.of("--owner", "--ttl", "--id", "--phase", "--limit", "--wait", "--lease-phase", "--attr");

  /** A length with a unit, as a plain line may give it: digits and one of s, m, h, d. */
  private static final Pattern WITH_UNIT = Pattern.compile("[1-9]\\d{0,8}[smhd]|0[smhd]");

  private PlainClaim() {}

  /** Plain decimal digits, at most {@code digits} of them, without a leading zero. */
  private static boolean plainNumber(String value, int digits) {
    return value.length() <= digits
        && value.chars().allMatch(c -> c >= '0' && c <= '9')
        && !(value.length() > 1 && value.charAt(0) == '0');
  }

  /**
   * The {@code claim} command with its options set, and the root's options set on {@code root};
   * null when the line is not plain (then {@code root} must not be used).
   */
  static LeaseCommands.ClaimCards parse(RootCommand root, String... args) {
    LeaseCommands.ClaimCards claim = new LeaseCommands.ClaimCards();
    claim.ttl = LeaseCommands.DEFAULT_TTL_SECONDS;
    claim.limit = 1;
    claim.waitSeconds = 0;
    boolean named = false;
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("-")) {
        if (named || !arg.equals("claim")) {
          return null;
        }
        named = true;
        continue;
      }
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg : arg.substring(0, eq);
      if (!(ROOT_OPTIONS.contains(name) || named && CLAIM_OPTIONS.contains(name))
          || !seen.add(name)) {
        return null;
      }
      if (name.equals("--json") || name.equals("--verbose")) {
        if (eq >= 0) {
          return null;
        }
        if (name.equals("--json")) {
          root.json = true;
        } else {
          root.verbose = true;
        }
        continue;
      }
      String value;
      if (eq >= 0) {
        value = arg.substring(eq + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        return null;
      }
      // picocli takes no command name as an option's value
      if (value.isEmpty()
          || value.startsWith("-")
          || value.startsWith("@")
          || value.equals("claim")
          || !set(root, claim, name, value)) {
        return null;
      }
    }
    return named && claim.owner != null ? claim : null;
  }

  private static boolean set(
      RootCommand root, LeaseCommands.ClaimCards claim, String name, String value) {
    switch (name) {
      case "--db" -> root.db = value;
      case "--db-user" -> root.dbUser = value;
      case "--actor" -> root.actor = value;
      case "--home" -> {
        try {
          root.home = Path.of(value);
        } catch (InvalidPathException e) {
          return false;
        }
      }
      case "--owner" -> claim.owner = value;
      case "--id" -> claim.id = value;
      case "--phase" -> claim.phase = value;
      case "--lease-phase" -> claim.leasePhase = value;
      case "--attr" -> {
        int at = value.indexOf('=');
        if (at < 0) {
          return false;
        }
        claim.attributes.put(value.substring(0, at), value.substring(at + 1));
      }
      case "--limit" -> {
        if (!plainNumber(value, 9)) {
          return false;
        }
        claim.limit = Integer.parseInt(value);
      }
      case "--ttl", "--wait" -> {
        // Plain seconds, or a number with a unit (15m), read as the annotated model's converter
        // does.
        if (!plainNumber(value, 18) && !WITH_UNIT.matcher(value).matches()) {
          return false;
        }
        long seconds = new SecondsConverter().convert(value);
        if (name.equals("--ttl")) {
          claim.ttl = seconds;
        } else {
          claim.waitSeconds = seconds;
        }
      }
      default -> {
        return false;
      }
    }
    return true;
  }
}
