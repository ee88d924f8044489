package dev.backlog.jdbc.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps passwords out of messages: redacts them from JDBC URLs and scrubs known secret values from
 * any text (driver messages included) before it reaches a log or an exception.
 *
 * <p>Immutable and thread-safe.
 */
public final class Secrets {

  /** What replaces a secret. */
  public static final String MASK = "****";

  private static final Pattern URL_PASSWORD =
      Pattern.compile("(?i)((?:^|[;?&])\\s*password\\s*=)([^;&]*)");
  private static final Pattern USER_INFO = Pattern.compile("(//[^/@:;?]*:)([^@/]*)(@)");

  private final List<String> values;

  private Secrets(List<String> values) {
    this.values = values;
  }

  /** The secrets to scrub: the password, plus any password written into the URL. */
  public static Secrets of(String url, String password) {
    List<String> values = new ArrayList<>();
    if (password != null && !password.isEmpty()) {
      values.add(password);
    }
    if (url != null) {
      Matcher m = URL_PASSWORD.matcher(url);
      while (m.find()) {
        if (!m.group(2).isEmpty()) {
          values.add(m.group(2));
        }
      }
      Matcher u = USER_INFO.matcher(url);
      while (u.find()) {
        if (!u.group(2).isEmpty()) {
          values.add(u.group(2));
        }
      }
    }
    values.sort(Comparator.comparingInt(String::length).reversed());
    return new Secrets(List.copyOf(values));
  }

  /** A JDBC URL with any password in it replaced by {@value #MASK}. */
  public static String redactUrl(String url) {
    if (url == null) {
      return "(no URL)";
    }
    String out = URL_PASSWORD.matcher(url).replaceAll("$1" + MASK);
    return USER_INFO.matcher(out).replaceAll("$1" + MASK + "$3");
  }

  /** The text with every known secret replaced by {@value #MASK}. */
  public String scrub(String text) {
    if (text == null) {
      return "";
    }
    String out = text;
    for (String value : values) {
      out = out.replace(value, MASK);
    }
    return out;
  }
}
