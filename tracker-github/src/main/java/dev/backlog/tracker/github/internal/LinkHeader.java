package dev.backlog.tracker.github.internal;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the {@code Link} header GitHub uses for pagination: {@code <https://…?page=2>; rel="next",
 * <https://…?page=5>; rel="last"}.
 *
 * <p>Stateless and thread-safe.
 */
public final class LinkHeader {

  private static final Pattern PART =
      Pattern.compile("<([^>]*)>\\s*((?:;\\s*[A-Za-z]+\\s*=\\s*(?:\"[^\"]*\"|[^;,\\s]*)\\s*)*)");
  private static final Pattern REL = Pattern.compile("rel\\s*=\\s*(?:\"([^\"]*)\"|([^;,\\s]*))");

  private LinkHeader() {}

  /**
   * The target of the link with the given relation (such as {@code next}), if the header has one.
   */
  public static Optional<String> find(String header, String rel) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    Matcher part = PART.matcher(header);
    while (part.find()) {
      Matcher r = REL.matcher(part.group(2));
      while (r.find()) {
        String rels = r.group(1) != null ? r.group(1) : r.group(2);
        for (String one : rels.trim().split("\\s+")) {
          if (one.equals(rel)) {
            return Optional.of(part.group(1).trim());
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The {@code next} link, if any. */
  public static Optional<String> next(String header) {
    return find(header, "next");
  }
}
