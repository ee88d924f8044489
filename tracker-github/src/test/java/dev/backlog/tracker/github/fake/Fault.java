package dev.backlog.tracker.github.fake;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A fault the fake injects into the first request whose method equals {@link #method()} (ignoring
 * case) and whose path (without the query) matches {@link #pathRegex()} as a whole. Each fault
 * fires once. Immutable, thread-safe.
 */
public sealed interface Fault {

  /** The HTTP method the fault matches. */
  String method();

  /** The regular expression the whole request path must match. */
  Pattern pathRegex();

  /** Whether this fault applies to the request. */
  default boolean matches(String requestMethod, String path) {
    return method().equalsIgnoreCase(requestMethod) && pathRegex().matcher(path).matches();
  }

  /** Answers with the given 5xx status and a JSON error body; nothing is changed. */
  static Fault serverError(String method, String pathRegex, int status) {
    return new ServerError(method, Pattern.compile(pathRegex), status);
  }

  /** Answers 429 with {@code retry-after: seconds} (a secondary rate limit); nothing is changed. */
  static Fault tooManyRequests(String method, String pathRegex, int retryAfterSeconds) {
    return new TooManyRequests(method, Pattern.compile(pathRegex), retryAfterSeconds);
  }

  /**
   * Answers 403 "secondary rate limit" with no retry-after and a non-zero remaining; nothing is
   * changed.
   */
  static Fault secondaryLimitNoHeader(String method, String pathRegex) {
    return new SecondaryLimit(method, Pattern.compile(pathRegex));
  }

  /**
   * Exhausts the primary rate limit of the request's resource until {@code reset}: this request and
   * every later one on that resource get 403 with {@code x-ratelimit-remaining: 0} and {@code
   * x-ratelimit-reset} at {@code reset}, until the fake's clock reaches it.
   */
  static Fault primaryLimit(String method, String pathRegex, Instant reset) {
    return new PrimaryLimit(method, Pattern.compile(pathRegex), reset);
  }

  /**
   * Applies the request (the write is committed), then closes the connection without any response.
   */
  static Fault commitThenDrop(String method, String pathRegex) {
    return new CommitThenDrop(method, Pattern.compile(pathRegex));
  }

  /** A contents PUT answers 409 "does not match" once, changing nothing. */
  static Fault contentsConflict(String pathRegex) {
    return new ContentsConflict("PUT", Pattern.compile(pathRegex));
  }

  /** A contents PUT answers 422 "sha wasn't supplied" once, changing nothing. */
  static Fault contentsUnprocessable(String pathRegex) {
    return new ContentsUnprocessable("PUT", Pattern.compile(pathRegex));
  }

  /** See {@link Fault#serverError}. */
  record ServerError(String method, Pattern pathRegex, int status) implements Fault {
    /** Validates the status is a 5xx. */
    public ServerError {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(pathRegex, "pathRegex");
      if (status < 500 || status > 599) {
        throw new IllegalArgumentException("a server error status is 5xx, was " + status);
      }
    }
  }

  /** See {@link Fault#tooManyRequests}. */
  record TooManyRequests(String method, Pattern pathRegex, int retryAfterSeconds) implements Fault {
    /** Validates the delay is not negative. */
    public TooManyRequests {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(pathRegex, "pathRegex");
      if (retryAfterSeconds < 0) {
        throw new IllegalArgumentException(
            "retry-after must not be negative, was " + retryAfterSeconds);
      }
    }
  }

  /** See {@link Fault#secondaryLimitNoHeader}. */
  record SecondaryLimit(String method, Pattern pathRegex) implements Fault {
    /** Validates the parts are present. */
    public SecondaryLimit {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(pathRegex, "pathRegex");
    }
  }

  /** See {@link Fault#primaryLimit}. */
  record PrimaryLimit(String method, Pattern pathRegex, Instant reset) implements Fault {
    /** Validates the parts are present. */
    public PrimaryLimit {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(pathRegex, "pathRegex");
      Objects.requireNonNull(reset, "reset");
    }
  }

  /** See {@link Fault#commitThenDrop}. */
  record CommitThenDrop(String method, Pattern pathRegex) implements Fault {
    /** Validates the parts are present. */
    public CommitThenDrop {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(pathRegex, "pathRegex");
    }
  }

  /** See {@link Fault#contentsConflict}. */
  record ContentsConflict(String method, Pattern pathRegex) implements Fault {
    /** Validates the parts are present. */
    public ContentsConflict {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(pathRegex, "pathRegex");
    }
  }

  /** See {@link Fault#contentsUnprocessable}. */
  record ContentsUnprocessable(String method, Pattern pathRegex) implements Fault {
    /** Validates the parts are present. */
    public ContentsUnprocessable {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(pathRegex, "pathRegex");
    }
  }
}
