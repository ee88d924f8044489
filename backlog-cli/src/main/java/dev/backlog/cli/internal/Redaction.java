package dev.backlog.cli.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets before text is printed: passwords in JDBC URLs ({@code password=…} parameters and
 * {@code user:password@} user info), HTTP credentials ({@code Bearer …}, {@code Basic …}) and any
 * known secret value. Immutable and thread-safe.
 */
public final class Redaction {

  static final String MASK = "****";

  private static final Pattern PASSWORD_PARAM =
      Pattern.compile("(?i)((?:password|passwd|pwd|sslpassword)\\s*=\\s*)([^;&\\s]*)");
  private static final Pattern USER_INFO = Pattern.compile("(//[^/@:\\s]*:)([^@/\\s]*)(@)");

  /**
   * An HTTP credential: {@code Bearer …} or {@code Basic …} (the server's and the MCP transport's
   * {@code Authorization} header, which an HTTP library's debug log prints while parsing it).
   */
  private static final Pattern HTTP_CREDENTIAL =
      Pattern.compile("(?i)(\\b(?:bearer|basic)[ \\t]+)([^\\s,;)\\]]+)");

  private final List<String> secrets;

  private Redaction(List<String> secrets) {
    this.secrets = List.copyOf(secrets);
  }

  /** Masks nothing but URL passwords. */
  public static Redaction none() {
    return new Redaction(List.of());
  }

  /** Masks URL passwords plus the given secret values (blank and null values are ignored). */
  public static Redaction of(String... secrets) {
    List<String> kept = new ArrayList<>();
    for (String s : secrets) {
      if (s != null && !s.isBlank()) {
        kept.add(s);
      }
    }
    return new Redaction(kept);
  }

  /** Masks the passwords of a JDBC URL and the password values it carries. */
  public static Redaction forUrl(String url, String password) {
    List<String> found = new ArrayList<>();
    if (password != null && !password.isBlank()) {
      found.add(password);
    }
    if (url != null) {
      Matcher m = PASSWORD_PARAM.matcher(url);
      while (m.find()) {
        if (!m.group(2).isEmpty()) {
          found.add(m.group(2));
        }
      }
      Matcher u = USER_INFO.matcher(url);
      while (u.find()) {
        if (!u.group(2).isEmpty()) {
          found.add(u.group(2));
        }
      }
    }
    return new Redaction(found);
  }

  /** Returns the text with every secret masked. */
  public String apply(String text) {
    if (text == null) {
      return null;
    }
    String out = PASSWORD_PARAM.matcher(text).replaceAll("$1" + MASK);
    out = USER_INFO.matcher(out).replaceAll("$1" + MASK + "$3");
    out = HTTP_CREDENTIAL.matcher(out).replaceAll("$1" + MASK);
    for (String secret : secrets) {
      // Very short secrets would mask ordinary words; URL-shaped ones are already covered above.
      if (secret.length() >= 4) {
        out = out.replace(secret, MASK);
      }
    }
    return out;
  }
}
