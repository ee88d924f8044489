package dev.backlog.tracker.github.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.tracker.github.GitHubErrorCode;
import dev.backlog.tracker.github.GitHubException;
import dev.backlog.tracker.github.Sleeper;
import dev.backlog.tracker.spi.ResponseLostException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thin typed client for GitHub's REST and GraphQL APIs on {@link HttpClient}. It sends the token,
 * the API version and a user agent with every request; revalidates cached GET answers with their
 * ETag ({@code If-None-Match}, a 304 reuses the cached body) while they are younger than the cache
 * lifetime; follows {@code Link} pagination; waits for primary and secondary rate limits (up to the
 * configured longest wait, beyond which it throws {@link RateLimitedException}); sends writes one
 * at a time with the configured spacing; and reports a write whose answer was lost (a dropped
 * connection, a 5xx) as {@link ResponseLostException}, so the op-log looks it up before retrying.
 * The token never appears in an exception message or a log line.
 *
 * <p>Thread-safe: writes are serialized.
 */
public final class GitHubClient {

  private static final Logger LOG = LoggerFactory.getLogger(GitHubClient.class);
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final int MAX_RATE_LIMIT_RETRIES = 8;
  private static final int MAX_SERVER_ERROR_RETRIES = 3;
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final HttpClient http;
  private final String base;
  private final Secret token;
  private final InstantSource clock;
  private final Sleeper sleeper;
  private final Duration writeSpacing;
  private final Duration maxWait;
  private final Duration cacheTtl;
  private final Map<String, Cached> cache = new HashMap<>();
  private final Map<String, Instant> exhaustedUntil = new HashMap<>();
  private final Object writeLock = new Object();
  private Instant lastWrite = Instant.MIN;
  private int requests;

  /** One answer. */
  public record Response(int status, JsonNode body, HttpHeadersView headers) {

    /** The body's {@code message}, or an empty text. */
    public String message() {
      JsonNode m = body.get("message");
      return m == null ? "" : m.asText();
    }
  }

  /** The headers of an answer (names case-insensitive). */
  public record HttpHeadersView(java.net.http.HttpHeaders headers) {

    /** The first value of a header, or null. */
    public String first(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  private record Cached(
      String etag, String body, java.net.http.HttpHeaders headers, Instant storedAt) {}

  /**
   * Creates a client.
   *
   * @param apiUrl the API root, without a trailing slash
   * @param token the token
   * @param clock the clock that rate-limit resets and cache ages are measured on
   * @param sleeper how to wait
   * @param writeSpacing the pause between two writes
   * @param maxWait the longest rate-limit wait
   * @param cacheTtl how long a cached answer may be revalidated with its ETag (zero: no cache)
   */
  public GitHubClient(
      URI apiUrl,
      Secret token,
      InstantSource clock,
      Sleeper sleeper,
      Duration writeSpacing,
      Duration maxWait,
      Duration cacheTtl) {
    String s = apiUrl.toString();
    this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    this.token = Objects.requireNonNull(token, "token");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.writeSpacing = Objects.requireNonNull(writeSpacing, "writeSpacing");
    this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
    this.cacheTtl = Objects.requireNonNull(cacheTtl, "cacheTtl");
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /** How many requests this client has sent (including retries). */
  public synchronized int requests() {
    return requests;
  }

  /** Forgets every cached answer. */
  public synchronized void clearCache() {
    cache.clear();
  }

  /** GET of a path under the API root; a 404 is returned, any other error status is thrown. */
  public Response get(String path) {
    return send("GET", url(path), null, "core", false, true);
  }

  /** GET of a path and every following page; returns the array elements of all pages. */
  public List<JsonNode> getAllPages(String path) {
    List<JsonNode> out = new ArrayList<>();
    String next = url(path);
    int pages = 0;
    while (next != null) {
      Response page = send("GET", next, null, "core", false, false);
      if (!page.body().isArray()) {
        throw new GitHubException(
            GitHubErrorCode.GITHUB_UNAVAILABLE,
            "GitHub answered GET "
                + strip(next)
                + " with "
                + page.body().getNodeType()
                + " instead of a list; check apiUrl");
      }
      page.body().forEach(out::add);
      next = LinkHeader.next(page.headers().first("Link")).orElse(null);
      if (++pages > 10_000) {
        throw new GitHubException(
            GitHubErrorCode.GITHUB_UNAVAILABLE,
            "GET " + strip(path) + " did not end after 10000 pages; the Link headers loop");
      }
    }
    return out;
  }

  /**
   * A write (POST, PATCH, PUT, DELETE) with a JSON body; error statuses are returned, not thrown.
   */
  public Response write(String method, String path, JsonNode body) {
    return send(method, url(path), body, "core", true, false);
  }

  /**
   * A GraphQL request. Returns the whole answer ({@code data} and {@code errors}); a mutation is
   * sent as a write (spacing, lost answers reported as {@link ResponseLostException}).
   */
  public JsonNode graphql(String query, ObjectNode variables, boolean mutation) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("query", query);
    body.set("variables", variables == null ? JsonNodeFactory.instance.objectNode() : variables);
    for (int attempt = 0; ; attempt++) {
      Response r = send("POST", url("/graphql"), body, "graphql", mutation, false);
      if (r.status() / 100 != 2) {
        throw failure("POST", "/graphql", r);
      }
      JsonNode errors = r.body().path("errors");
      boolean limited = false;
      for (JsonNode e : errors) {
        limited |= "RATE_LIMITED".equals(e.path("type").asText());
      }
      if (!limited) {
        return r.body();
      }
      Duration wait =
          RateLimits.exhaustedWait(
                  r.headers().first("x-ratelimit-remaining"),
                  r.headers().first("x-ratelimit-reset"),
                  clock.instant())
              .orElse(RateLimits.backoff(attempt));
      waitOrStop(wait, "the GraphQL rate limit", attempt);
    }
  }

  private String url(String path) {
    return path.startsWith("http://") || path.startsWith("https://") ? path : base + path;
  }

  private Response send(
      String method,
      String url,
      JsonNode body,
      String resource,
      boolean isWrite,
      boolean notFoundOk) {
    int rateLimited = 0;
    int serverErrors = 0;
    while (true) {
      waitForBudget(resource);
      if (isWrite) {
        spaceWrites();
      }
      Cached cached = method.equals("GET") ? fresh(url) : null;
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(url))
              .timeout(REQUEST_TIMEOUT)
              .header("Authorization", "Bearer " + token.reveal())
              .header("Accept", "application/vnd.github+json")
              .header("X-GitHub-Api-Version", "2022-11-28")
              .header("User-Agent", "backlog-tracker-github");
      if (cached != null) {
        request.header("If-None-Match", cached.etag());
      }
      if (body == null) {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        request.header("Content-Type", "application/json");
        request.method(
            method, HttpRequest.BodyPublishers.ofString(write(body), StandardCharsets.UTF_8));
      }
      HttpResponse<String> response;
      try {
        synchronized (this) {
          requests++;
        }
        response =
            http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (isWrite) {
          throw new ResponseLostException(
              "interrupted while waiting for the answer to " + method + " " + strip(url), e);
        }
        throw new GitHubException(
            GitHubErrorCode.GITHUB_UNAVAILABLE,
            "interrupted during " + method + " " + strip(url),
            e);
      } catch (IOException e) {
        boolean neverSent =
            e instanceof ConnectException || e instanceof HttpConnectTimeoutException;
        if (isWrite && !neverSent) {
          markWrite();
          throw new ResponseLostException(
              method
                  + " "
                  + strip(url)
                  + " may have reached GitHub but no answer came ("
                  + token.scrub(e.toString())
                  + ")",
              e);
        }
        if (serverErrors++ < MAX_SERVER_ERROR_RETRIES && !neverSent) {
          pause(Duration.ofSeconds(1L << serverErrors));
          continue;
        }
        throw new GitHubException(
            GitHubErrorCode.GITHUB_UNAVAILABLE,
            "could not reach GitHub at "
                + base
                + " for "
                + method
                + " "
                + strip(url)
                + " ("
                + token.scrub(e.toString())
                + "); check apiUrl and the network",
            e);
      }
      if (isWrite) {
        markWrite();
      }
      noteBudget(response);
      int status = response.statusCode();
      if (status == 304 && cached != null) {
        synchronized (this) {
          cache.put(
              url, new Cached(cached.etag(), cached.body(), response.headers(), clock.instant()));
        }
        return new Response(200, parse(cached.body()), new HttpHeadersView(cached.headers()));
      }
      JsonNode parsed = parse(response.body());
      Response result = new Response(status, parsed, new HttpHeadersView(response.headers()));
      Optional<RateLimits.Refusal> refusal =
          RateLimits.refusal(
              status,
              result.headers().first("retry-after"),
              result.headers().first("x-ratelimit-remaining"),
              result.headers().first("x-ratelimit-reset"),
              result.message(),
              clock.instant(),
              rateLimited);
      if (refusal.isPresent()) {
        RateLimits.Refusal r = refusal.get();
        if (rateLimited >= MAX_RATE_LIMIT_RETRIES) {
          throw new RateLimitedException(
              r.resetAt(),
              "GitHub kept refusing "
                  + method
                  + " "
                  + strip(url)
                  + " for a rate limit after "
                  + rateLimited
                  + " waits; run the sync again later");
        }
        waitOrStop(
            r.delay(),
            (r.kind() == RateLimits.Kind.PRIMARY ? "the primary" : "a secondary")
                + " rate limit on "
                + method
                + " "
                + strip(url),
            rateLimited);
        rateLimited++;
        continue;
      }
      if (status >= 500) {
        if (isWrite) {
          throw new ResponseLostException(
              method
                  + " "
                  + strip(url)
                  + " got "
                  + status
                  + " from GitHub; whether it"
                  + " was applied is unknown",
              null);
        }
        if (serverErrors++ < MAX_SERVER_ERROR_RETRIES) {
          pause(Duration.ofSeconds(1L << serverErrors));
          continue;
        }
      }
      if (method.equals("GET")) {
        if (status == 404 && notFoundOk) {
          return result;
        }
        if (status / 100 != 2) {
          throw failure(method, url, result);
        }
        String etag = response.headers().firstValue("ETag").orElse(null);
        if (etag != null && !cacheTtl.isZero()) {
          synchronized (this) {
            cache.put(url, new Cached(etag, response.body(), response.headers(), clock.instant()));
          }
        }
      }
      return result;
    }
  }

  /** The error for an unexpected answer, with GitHub's message and what to do. */
  public GitHubApiException failure(String method, String path, Response r) {
    String hint;
    switch (r.status()) {
      case 401:
        hint =
            "the token from "
                + token.origin()
                + " was refused; renew it (gh auth refresh) or set a valid one";
        break;
      case 403:
        hint =
            "the token from "
                + token.origin()
                + " may lack the scopes repo and project, or access to the"
                + " repository";
        break;
      case 404:
        hint =
            "check tracker.github.repo, projectNumber and apiUrl, and that the token can see the repository";
        break;
      default:
        hint = "retry later; if it persists, check GitHub's status";
    }
    return new GitHubApiException(
        r.status(),
        token.scrub(r.message()),
        "GitHub answered "
            + method
            + " "
            + strip(path)
            + " with "
            + r.status()
            + (r.message().isEmpty() ? "" : " (" + token.scrub(r.message()) + ")")
            + "; "
            + hint);
  }

  private synchronized Cached fresh(String url) {
    Cached c = cache.get(url);
    if (c == null) {
      return null;
    }
    if (Duration.between(c.storedAt(), clock.instant()).compareTo(cacheTtl) >= 0) {
      cache.remove(url);
      return null;
    }
    return c;
  }

  private void waitForBudget(String resource) {
    Instant until;
    synchronized (this) {
      until = exhaustedUntil.get(resource);
    }
    if (until == null) {
      return;
    }
    Duration wait = Duration.between(clock.instant(), until);
    if (!wait.isNegative() && !wait.isZero()) {
      waitOrStop(wait, "the " + resource + " rate limit (used up until " + until + ")", 0);
    }
    synchronized (this) {
      exhaustedUntil.remove(resource);
    }
  }

  private void noteBudget(HttpResponse<String> response) {
    String resource = response.headers().firstValue("x-ratelimit-resource").orElse("core");
    Optional<Duration> wait =
        RateLimits.exhaustedWait(
            response.headers().firstValue("x-ratelimit-remaining").orElse(null),
            response.headers().firstValue("x-ratelimit-reset").orElse(null),
            clock.instant());
    if (wait.isPresent() && response.statusCode() != 403 && response.statusCode() != 429) {
      synchronized (this) {
        exhaustedUntil.put(resource, clock.instant().plus(wait.get()));
      }
    }
  }

  private void waitOrStop(Duration wait, String what, int attempt) {
    if (wait.compareTo(maxWait) > 0) {
      Instant reset = clock.instant().plus(wait);
      throw new RateLimitedException(
          reset,
          "stopped at "
              + what
              + ": it lifts at "
              + reset
              + ", in "
              + wait.toSeconds()
              + " s, more than tracker.github.maxRateLimitWaitSeconds ("
              + maxWait.toSeconds()
              + " s); pending ops stay in the op-log, run the sync again after "
              + reset);
    }
    LOG.info("waiting {} s for {} (attempt {})", wait.toSeconds(), what, attempt + 1);
    pause(wait);
  }

  private void spaceWrites() {
    synchronized (writeLock) {
      if (lastWrite.equals(Instant.MIN) || writeSpacing.isZero()) {
        return;
      }
      Duration wait = Duration.between(clock.instant(), lastWrite.plus(writeSpacing));
      if (!wait.isNegative() && !wait.isZero()) {
        pause(wait);
      }
    }
  }

  private void markWrite() {
    synchronized (writeLock) {
      lastWrite = clock.instant();
    }
  }

  private void pause(Duration wait) {
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GitHubException(
          GitHubErrorCode.GITHUB_UNAVAILABLE,
          "interrupted while waiting " + wait.toSeconds() + " s before the next GitHub request",
          e);
    }
  }

  private static JsonNode parse(String text) {
    if (text == null || text.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      JsonNode node = JSON.readTree(text);
      return node == null ? MissingNode.getInstance() : node;
    } catch (JsonProcessingException e) {
      ObjectNode wrapper = JsonNodeFactory.instance.objectNode();
      wrapper.put("message", text.length() > 200 ? text.substring(0, 200) + "…" : text);
      return wrapper;
    }
  }

  private static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "a JSON tree could not be written: " + e.getOriginalMessage(), e);
    }
  }

  /** The path and query of a URL without the API root, for messages. */
  private String strip(String url) {
    return url.startsWith(base) ? url.substring(base.length()) : url;
  }

  @Override
  public String toString() {
    return "GitHubClient[" + base + ", token=" + token + "]";
  }
}
