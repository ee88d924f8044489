package dev.backlog.tracker.github.fake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.backlog.tracker.github.fake.GitHubState.Comment;
import dev.backlog.tracker.github.fake.GitHubState.FileState;
import dev.backlog.tracker.github.fake.GitHubState.Issue;
import dev.backlog.tracker.github.fake.GitHubState.Item;
import dev.backlog.tracker.github.fake.GitHubState.Label;
import dev.backlog.tracker.github.fake.GitHubState.ProjectState;
import dev.backlog.tracker.github.fake.GitHubState.RateWindow;
import dev.backlog.tracker.github.fake.GitHubState.Repo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stateful fake GitHub for tests: the REST endpoints for issues, comments, labels and contents
 * and the {@code /graphql} endpoint for Projects v2, served by the JDK's HTTP server on 127.0.0.1
 * at a random port, behaving like GitHub (ETags and 304, 30-item pages with {@code Link},
 * rate-limit headers from the given clock, real git blob SHAs) and injecting {@link Fault faults}
 * on demand. Every GraphQL document is validated against GitHub's published schema; invalid ones
 * are kept in {@link #graphQlViolations()}. Thread-safe: requests and the inspection and editing
 * methods may run concurrently.
 */
public final class FakeGitHub implements AutoCloseable {

  private static final String DOCS = "https://docs.github.com/rest";
  private static final Pattern REPO = Pattern.compile("/repos/([^/]+)/([^/]+)(/.*)?");
  private static final Pattern ISSUE = Pattern.compile("/issues/(\\d+)");
  private static final Pattern ISSUE_COMMENTS = Pattern.compile("/issues/(\\d+)/comments");
  private static final Pattern CONTENTS = Pattern.compile("/contents/(.+)");
  private static final Pattern REPO_CONTENTS_PATH =
      Pattern.compile("/repos/[^/]+/[^/]+/contents/(.+)");
  private static final int DROPPED = 0;

  private final InstantSource clock;
  private final GitHubState state;
  private final FakeGraphQl graphQl;
  private final HttpServer server;
  private final ExecutorService executor;
  private final String token;
  private final ObjectMapper json = new ObjectMapper();
  private final URI apiUrl;
  // guarded by state
  private List<String> scopes = List.of("repo", "project");
  private final List<Fault> faults = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private final List<String> protocolViolations = new ArrayList<>();
  private final List<RecordedRequest> requests = new ArrayList<>();

  private FakeGitHub(InstantSource clock) throws IOException {
    this.clock = clock;
    this.state = new GitHubState(clock);
    this.graphQl = new FakeGraphQl(state);
    byte[] secret = new byte[18];
    new SecureRandom().nextBytes(secret);
    this.token = "ghp_" + HexFormat.of().formatHex(secret);
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            4,
            runnable -> {
              Thread thread = new Thread(runnable, "fake-github-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    this.apiUrl = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Starts a fake whose rate-limit windows and timestamps follow {@code clock}. */
  public static FakeGitHub start(InstantSource clock) {
    // The JDK's server otherwise leaves Nagle's algorithm on, and every small response then waits
    // ~40 ms
    // for a delayed ACK; the property is read once, when the first server of the JVM is created.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    FakeGraphQl.schema();
    try {
      return new FakeGitHub(clock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the fake GitHub to a loopback port", e);
    }
  }

  /** Starts a fake on the system clock. */
  public static FakeGitHub start() {
    return start(InstantSource.system());
  }

  /** The base URL to configure as {@code apiUrl}, e.g. {@code http://127.0.0.1:40123}. */
  public URI apiUrl() {
    return apiUrl;
  }

  /** The one token the fake accepts (as {@code Bearer} or {@code token}). */
  public String token() {
    return token;
  }

  /** The login the token belongs to (author of everything created through the API). */
  public String viewerLogin() {
    return GitHubState.VIEWER_LOGIN;
  }

  /** Sets the scopes reported in {@code x-oauth-scopes} (default {@code repo, project}). */
  public void scopes(String... scopes) {
    synchronized (state) {
      this.scopes = List.of(scopes);
    }
  }

  /** Creates a repository with default branch {@code main} (nothing happens if it exists). */
  public void createRepo(String owner, String name) {
    synchronized (state) {
      state.createRepo(owner, name);
    }
  }

  /**
   * Creates a user-owned project with a single-select {@code Status} field holding the given
   * options.
   */
  public Project createUserProject(String login, int number, String... statusOptions) {
    synchronized (state) {
      return state.createProject(login, false, number, List.of(statusOptions)).project;
    }
  }

  /**
   * Creates an organization-owned project with a single-select {@code Status} field holding the
   * given options.
   */
  public Project createOrgProject(String org, int number, String... statusOptions) {
    synchronized (state) {
      return state.createProject(org, true, number, List.of(statusOptions)).project;
    }
  }

  /** Gives the project's status options new ids (same names); the old ids become unknown. */
  public void renameStatusOptionIds(Project project) {
    synchronized (state) {
      state.renameOptionIds(projectState(project));
    }
  }

  /** The current id of the project's status option with this name. */
  public Optional<String> statusOptionId(Project project, String optionName) {
    synchronized (state) {
      return projectState(project)
          .field("Status")
          .flatMap(
              f ->
                  f.options.stream()
                      .filter(o -> o.name.equals(optionName))
                      .map(o -> o.id)
                      .findFirst());
    }
  }

  /**
   * Sets the primary rate limit of a resource ({@code core} or {@code graphql}) for the current
   * window on.
   */
  public void rateLimit(String resource, int limit) {
    synchronized (state) {
      RateWindow window = state.rate.get(resource);
      if (window == null) {
        throw new IllegalArgumentException("resource must be core or graphql, was " + resource);
      }
      window.limit = limit;
    }
  }

  /** A snapshot of the repository's issues, sorted by number. */
  public List<FakeIssue> issues(String owner, String repo) {
    synchronized (state) {
      return requireRepo(owner, repo).issues.stream().map(Issue::snapshot).toList();
    }
  }

  /** The file's content (UTF-8) on the branch, if it exists. */
  public Optional<String> file(String owner, String repo, String branch, String path) {
    synchronized (state) {
      Map<String, FileState> files = requireRepo(owner, repo).branches.get(branch);
      FileState file = files == null ? null : files.get(path);
      return file == null
          ? Optional.empty()
          : Optional.of(new String(file.content(), StandardCharsets.UTF_8));
    }
  }

  /**
   * The NAME of the Status option the issue's item has in the project; empty if no item or no
   * status.
   */
  public Optional<String> projectStatus(Project project, String issueNodeId) {
    synchronized (state) {
      ProjectState p = projectState(project);
      for (Item item : p.items) {
        if (item.content.nodeId.equals(issueNodeId)) {
          String optionId = item.values.get(p.field("Status").orElseThrow().id);
          return optionId == null
              ? Optional.empty()
              : p.field("Status").orElseThrow().option(optionId).map(o -> o.name);
        }
      }
      return Optional.empty();
    }
  }

  /** How many items the project holds for this issue (0 or 1 when nothing is duplicated). */
  public int projectItemCount(Project project, String issueNodeId) {
    synchronized (state) {
      return (int)
          projectState(project).items.stream()
              .filter(i -> i.content.nodeId.equals(issueNodeId))
              .count();
    }
  }

  /**
   * Every GraphQL document seen that failed parsing or validation against the schema (with the
   * reason).
   */
  public List<String> graphQlViolations() {
    synchronized (state) {
      return List.copyOf(violations);
    }
  }

  /**
   * Requests that broke GitHub's REST conventions (missing User-Agent, Accept, API version or auth
   * scheme).
   */
  public List<String> protocolViolations() {
    synchronized (state) {
      return List.copyOf(protocolViolations);
    }
  }

  /** Every request answered so far, in order. */
  public List<RecordedRequest> requests() {
    synchronized (state) {
      return List.copyOf(requests);
    }
  }

  /**
   * A human edits the issue on GitHub: null arguments are left unchanged; {@code updated_at} moves.
   */
  public void editIssue(
      String owner,
      String repo,
      int number,
      String newTitle,
      String newBody,
      List<String> labels,
      String state) {
    synchronized (this.state) {
      Issue issue =
          requireRepo(owner, repo)
              .issue(number)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "no issue #" + number + " in " + owner + "/" + repo));
      if (newTitle != null) {
        issue.title = newTitle;
      }
      if (newBody != null) {
        issue.body = newBody;
      }
      if (labels != null) {
        this.state.setLabels(issue, labels);
      }
      if (state != null) {
        this.state.setState(issue, state, null);
      }
      issue.updatedAt = this.state.now();
    }
  }

  /** A human comments on the issue. */
  public void addComment(String owner, String repo, int number, String body, String login) {
    synchronized (state) {
      Issue issue =
          requireRepo(owner, repo)
              .issue(number)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "no issue #" + number + " in " + owner + "/" + repo));
      state.users.computeIfAbsent(login.toLowerCase(Locale.ROOT), l -> state.nextId());
      state.addComment(issue, body, login);
    }
  }

  /** A human commits the file on the branch (creating the branch if needed). */
  public void putFile(String owner, String repo, String branch, String path, String content) {
    synchronized (state) {
      state.writeFile(
          requireRepo(owner, repo),
          branch,
          path,
          content.getBytes(StandardCharsets.UTF_8),
          "Edit " + path);
    }
  }

  /** Queues a fault; it fires once, on the first request it matches. */
  public void inject(Fault fault) {
    synchronized (state) {
      faults.add(fault);
    }
  }

  /** Drops every queued fault. */
  public void clearFaults() {
    synchronized (state) {
      faults.clear();
    }
  }

  /** How many queued faults have not fired yet. */
  public int pendingFaults() {
    synchronized (state) {
      return faults.size();
    }
  }

  /** Stops the server at once. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "FakeGitHub[" + apiUrl + "]";
  }

  private Repo requireRepo(String owner, String repo) {
    return state
        .repo(owner, repo)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no repository " + owner + "/" + repo + "; call createRepo first"));
  }

  private ProjectState projectState(Project project) {
    return state
        .projectByNodeId(project.nodeId())
        .orElseThrow(() -> new IllegalArgumentException("no project " + project + " in this fake"));
  }

  // ---------------------------------------------------------------- HTTP

  /** One parsed request. */
  private record Request(
      String method,
      String path,
      String rawPath,
      String rawQuery,
      Map<String, String> query,
      byte[] body,
      HttpExchange exchange) {
    String header(String name) {
      return exchange.getRequestHeaders().getFirst(name);
    }

    String param(String name) {
      return query.get(name);
    }
  }

  /** One response to send. */
  private record Response(int status, Map<String, String> headers, byte[] body) {
    static Response json(int status, byte[] body) {
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Content-Type", "application/json; charset=utf-8");
      return new Response(status, headers, body);
    }

    Response header(String name, String value) {
      headers.put(name, value);
      return this;
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      URI uri = exchange.getRequestURI();
      Request request =
          new Request(
              exchange.getRequestMethod().toUpperCase(Locale.ROOT),
              uri.getPath(),
              uri.getRawPath(),
              uri.getRawQuery(),
              parseQuery(uri.getRawQuery()),
              body,
              exchange);
      boolean drop;
      Response response;
      synchronized (state) {
        Fault fault = takeFault(request);
        drop = fault instanceof Fault.CommitThenDrop;
        try {
          response = respond(request, fault);
        } catch (RuntimeException e) {
          response = error(500, "the fake GitHub failed: " + e);
        }
        requests.add(
            new RecordedRequest(
                request.method(),
                request.rawPath() + (request.rawQuery() == null ? "" : "?" + request.rawQuery()),
                drop ? DROPPED : response.status()));
      }
      if (!drop) {
        send(exchange, response);
      }
      // When dropping, the change is applied; closing the exchange before any header is sent closes
      // the connection, so the client sees an I/O error instead of a response.
    } finally {
      exchange.close();
    }
  }

  private void send(HttpExchange exchange, Response response) throws IOException {
    response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    boolean empty = response.body().length == 0;
    exchange.sendResponseHeaders(response.status(), empty ? -1 : response.body().length);
    if (!empty) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(response.body());
      }
    }
  }

  private Fault takeFault(Request request) {
    for (Iterator<Fault> it = faults.iterator(); it.hasNext(); ) {
      Fault fault = it.next();
      boolean applies = fault.matches(request.method(), request.path());
      if (!applies
          && (fault instanceof Fault.ContentsConflict
              || fault instanceof Fault.ContentsUnprocessable)) {
        Matcher contents = REPO_CONTENTS_PATH.matcher(request.path());
        applies =
            request.method().equals("PUT")
                && contents.matches()
                && fault.pathRegex().matcher(contents.group(1)).matches();
      }
      if (applies) {
        it.remove();
        return fault;
      }
    }
    return null;
  }

  /** Authentication, faults, rate limits, then the route; always under the state's monitor. */
  private Response respond(Request request, Fault fault) {
    String resource = request.path().equals("/graphql") ? "graphql" : "core";
    RateWindow window = state.window(resource);
    checkConventions(request);
    if (!authorized(request.header("Authorization"))) {
      return withRate(error(401, "Bad credentials"), window, resource);
    }
    if (request.header("User-Agent") == null || request.header("User-Agent").isBlank()) {
      return withRate(
          error(
              403,
              "Request forbidden by administrative rules. Please make sure your request has"
                  + " a User-Agent header."),
          window,
          resource);
    }
    if (fault instanceof Fault.PrimaryLimit primary) {
      window.used = window.limit;
      window.reset = primary.reset();
    }
    if (window.exhausted()) {
      return withRate(
          error(
              403,
              "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for"
                  + " help, please include the request ID."),
          window,
          resource);
    }
    if (fault instanceof Fault.ServerError serverError) {
      window.used++;
      return withRate(
          error(
              serverError.status(),
              serverError.status() == 502
                  ? "Server Error"
                  : "Something went wrong on GitHub's side (injected)."),
          window,
          resource);
    }
    if (fault instanceof Fault.TooManyRequests tooMany) {
      return withRate(
              error(
                  429,
                  "You have exceeded a secondary rate limit. Please wait a few minutes before"
                      + " you try again."),
              window,
              resource)
          .header("retry-after", Integer.toString(tooMany.retryAfterSeconds()));
    }
    if (fault instanceof Fault.SecondaryLimit) {
      return withRate(
          error(
              403,
              "You have exceeded a secondary rate limit. Please wait a few minutes before"
                  + " you try again. If you reach out to GitHub Support for help, please include the request ID."),
          window,
          resource);
    }
    Response response;
    try {
      response = route(request, fault);
    } catch (BadRequest e) {
      response = e.response;
    }
    response = conditional(request, response);
    if (response.status() != 304) {
      window.used++;
    }
    return withRate(response, window, resource);
  }

  private void checkConventions(Request request) {
    String where = request.method() + " " + request.rawPath();
    String accept = request.header("Accept");
    if (!request.path().equals("/graphql")
        && (accept == null || !accept.contains("application/vnd.github"))) {
      protocolViolations.add(
          where + ": Accept is " + accept + ", expected application/vnd.github+json");
    }
    String version = request.header("X-GitHub-Api-Version");
    if (version == null || !version.equals("2022-11-28")) {
      protocolViolations.add(
          where + ": X-GitHub-Api-Version is " + version + ", expected 2022-11-28");
    }
    if (request.header("User-Agent") == null) {
      protocolViolations.add(where + ": no User-Agent");
    }
    String auth = request.header("Authorization");
    if (auth == null || !(auth.startsWith("Bearer ") || auth.startsWith("token "))) {
      protocolViolations.add(where + ": Authorization is not 'Bearer <token>'");
    }
  }

  private boolean authorized(String header) {
    return header != null && (header.equals("Bearer " + token) || header.equals("token " + token));
  }

  private Response withRate(Response response, RateWindow window, String resource) {
    return response
        .header("x-ratelimit-limit", Integer.toString(window.limit))
        .header("x-ratelimit-remaining", Integer.toString(window.remaining()))
        .header("x-ratelimit-reset", Long.toString(window.reset.getEpochSecond()))
        .header("x-ratelimit-used", Integer.toString(Math.min(window.used, window.limit)))
        .header("x-ratelimit-resource", resource)
        .header("x-github-api-version-selected", "2022-11-28")
        .header("x-github-request-id", Long.toHexString(state.nextId()));
  }

  /** ETag on every 200 GET; a matching If-None-Match turns it into a 304 with an empty body. */
  private Response conditional(Request request, Response response) {
    if (!request.method().equals("GET") || response.status() != 200) {
      return response;
    }
    String etag = "W/\"" + GitHubState.sha1Hex(response.body()) + "\"";
    response
        .header("ETag", etag)
        .header("Cache-Control", "private, max-age=60, s-maxage=60")
        .header("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP");
    String ifNoneMatch = request.header("If-None-Match");
    if (ifNoneMatch != null) {
      for (String candidate : ifNoneMatch.split(",")) {
        if (bareTag(candidate).equals(bareTag(etag))) {
          Response notModified = new Response(304, new LinkedHashMap<>(), new byte[0]);
          return notModified.header("ETag", etag);
        }
      }
    }
    return response;
  }

  private static String bareTag(String tag) {
    String t = tag.strip();
    if (t.startsWith("W/")) {
      t = t.substring(2);
    }
    return t.replace("\"", "");
  }

  /** Raised by a route to answer with a client error. */
  private static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Response response;

    BadRequest(Response response) {
      super(null, null, false, false);
      this.response = response;
    }
  }

  private Response route(Request request, Fault fault) {
    String path = request.path();
    String method = request.method();
    if (path.equals("/graphql")) {
      return method.equals("POST") ? graphql(request) : notFound();
    }
    if (path.equals("/user") && method.equals("GET")) {
      Map<String, Object> user = new LinkedHashMap<>();
      user.put("login", GitHubState.VIEWER_LOGIN);
      user.put("id", state.users.get(GitHubState.VIEWER_LOGIN.toLowerCase(Locale.ROOT)));
      user.put("node_id", state.nodeId("U", 1));
      user.put("type", "User");
      return ok(200, user)
          .header("x-oauth-scopes", String.join(", ", scopes))
          .header("x-accepted-oauth-scopes", "");
    }
    if (path.equals("/rate_limit") && method.equals("GET")) {
      Map<String, Object> resources = new LinkedHashMap<>();
      for (String name : List.of("core", "graphql")) {
        RateWindow w = state.window(name);
        resources.put(
            name,
            Map.of(
                "limit",
                w.limit,
                "remaining",
                w.remaining(),
                "used",
                w.used,
                "reset",
                w.reset.getEpochSecond(),
                "resource",
                name));
      }
      return ok(200, Map.of("resources", resources, "rate", resources.get("core")));
    }
    Matcher repoMatch = REPO.matcher(path);
    if (!repoMatch.matches()) {
      return notFound();
    }
    Optional<Repo> found = state.repo(repoMatch.group(1), repoMatch.group(2));
    if (found.isEmpty()) {
      return notFound();
    }
    Repo repo = found.get();
    String rest = repoMatch.group(3) == null ? "" : repoMatch.group(3);
    if (rest.isEmpty() || rest.equals("/")) {
      return method.equals("GET") ? ok(200, repoJson(repo)) : notFound();
    }
    if (rest.equals("/issues")) {
      return switch (method) {
        case "GET" -> listIssues(request, repo);
        case "POST" -> createIssue(request, repo);
        default -> notFound();
      };
    }
    Matcher issueMatch = ISSUE.matcher(rest);
    if (issueMatch.matches()) {
      Issue issue = issue(repo, issueMatch.group(1));
      return switch (method) {
        case "GET" -> ok(200, issueJson(issue));
        case "PATCH" -> patchIssue(request, issue);
        default -> notFound();
      };
    }
    Matcher commentsMatch = ISSUE_COMMENTS.matcher(rest);
    if (commentsMatch.matches()) {
      Issue issue = issue(repo, commentsMatch.group(1));
      return switch (method) {
        case "GET" -> listComments(request, issue);
        case "POST" -> createComment(request, issue);
        default -> notFound();
      };
    }
    if (rest.equals("/labels") && method.equals("GET")) {
      List<Object> labels = new ArrayList<>();
      repo.labels.values().forEach(l -> labels.add(labelJson(l)));
      return page(request, labels);
    }
    Matcher contentsMatch = CONTENTS.matcher(rest);
    if (contentsMatch.matches()) {
      String filePath = contentsMatch.group(1);
      return switch (method) {
        case "GET" -> getContents(request, repo, filePath);
        case "PUT" -> putContents(request, repo, filePath, fault);
        default -> notFound();
      };
    }
    return notFound();
  }

  private Issue issue(Repo repo, String number) {
    try {
      return repo.issue(Integer.parseInt(number)).orElseThrow(() -> new BadRequest(notFound()));
    } catch (NumberFormatException e) {
      throw new BadRequest(notFound());
    }
  }

  // ---------------------------------------------------------------- issues

  private Response listIssues(Request request, Repo repo) {
    String stateFilter = Optional.ofNullable(request.param("state")).orElse("open");
    if (!List.of("open", "closed", "all").contains(stateFilter)) {
      throw new BadRequest(validationFailed("state", "invalid"));
    }
    List<String> labelFilter =
        request.param("labels") == null || request.param("labels").isBlank()
            ? List.of()
            : List.of(request.param("labels").split(","));
    Instant since = request.param("since") == null ? null : Instant.parse(request.param("since"));
    String sort = Optional.ofNullable(request.param("sort")).orElse("created");
    boolean ascending = "asc".equals(request.param("direction"));
    List<Issue> matching = new ArrayList<>();
    for (Issue issue : repo.issues) {
      if (!stateFilter.equals("all") && !issue.state.equals(stateFilter)) {
        continue;
      }
      boolean hasLabels =
          labelFilter.stream()
              .allMatch(
                  wanted ->
                      issue.labels.stream().anyMatch(l -> l.name.equalsIgnoreCase(wanted.strip())));
      if (!hasLabels || (since != null && issue.updatedAt.isBefore(since))) {
        continue;
      }
      matching.add(issue);
    }
    Comparator<Issue> order =
        sort.equals("updated")
            ? Comparator.<Issue, Instant>comparing(i -> i.updatedAt).thenComparingInt(i -> i.number)
            : sort.equals("comments")
                ? Comparator.<Issue>comparingInt(i -> i.comments.size())
                    .thenComparingInt(i -> i.number)
                : Comparator.comparingInt(i -> i.number);
    matching.sort(ascending ? order : order.reversed());
    List<Object> items = new ArrayList<>();
    matching.forEach(i -> items.add(issueJson(i)));
    return page(request, items);
  }

  private Response createIssue(Request request, Repo repo) {
    JsonNode body = jsonBody(request);
    JsonNode title = body.get("title");
    if (title == null || !title.isTextual() || title.asText().isBlank()) {
      throw new BadRequest(validationFailed("title", "missing_field"));
    }
    JsonNode text = body.get("body");
    Issue issue =
        state.createIssue(
            repo,
            title.asText(),
            text == null || text.isNull() ? null : text.asText(),
            stringList(body.get("labels"), "labels"),
            GitHubState.VIEWER_LOGIN);
    return ok(201, issueJson(issue))
        .header("Location", apiUrl + "/repos/" + repo.fullName() + "/issues/" + issue.number);
  }

  private Response patchIssue(Request request, Issue issue) {
    JsonNode body = jsonBody(request);
    JsonNode title = body.get("title");
    if (title != null && (!title.isTextual() || title.asText().isBlank())) {
      throw new BadRequest(validationFailed("title", "missing_field"));
    }
    JsonNode newState = body.get("state");
    if (newState != null
        && !(newState.isTextual() && List.of("open", "closed").contains(newState.asText()))) {
      throw new BadRequest(validationFailed("state", "invalid"));
    }
    JsonNode reason = body.get("state_reason");
    if (reason != null
        && !reason.isNull()
        && !List.of("completed", "not_planned", "reopened").contains(reason.asText())) {
      throw new BadRequest(validationFailed("state_reason", "invalid"));
    }
    List<String> labels = body.has("labels") ? stringList(body.get("labels"), "labels") : null;
    if (title != null) {
      issue.title = title.asText();
    }
    if (body.has("body")) {
      issue.body = body.get("body").isNull() ? null : body.get("body").asText();
    }
    if (labels != null) {
      state.setLabels(issue, labels);
    }
    String reasonText = reason == null || reason.isNull() ? null : reason.asText();
    if (newState != null) {
      state.setState(issue, newState.asText(), reasonText);
    } else if (reasonText != null && issue.state.equals("closed")) {
      issue.stateReason = reasonText;
    }
    issue.updatedAt = state.now();
    return ok(200, issueJson(issue));
  }

  private Map<String, Object> issueJson(Issue issue) {
    String repoUrl = apiUrl + "/repos/" + issue.repo.fullName();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("url", repoUrl + "/issues/" + issue.number);
    m.put("repository_url", repoUrl);
    m.put("comments_url", repoUrl + "/issues/" + issue.number + "/comments");
    m.put("html_url", "https://github.com/" + issue.repo.fullName() + "/issues/" + issue.number);
    m.put("id", issue.id);
    m.put("node_id", issue.nodeId);
    m.put("number", issue.number);
    m.put("title", issue.title);
    m.put("user", Map.of("login", issue.login, "type", "User"));
    List<Object> labels = new ArrayList<>();
    issue.labels.forEach(l -> labels.add(labelJson(l)));
    m.put("labels", labels);
    m.put("state", issue.state);
    m.put("state_reason", issue.stateReason);
    m.put("locked", false);
    m.put("assignees", List.of());
    m.put("comments", issue.comments.size());
    m.put("created_at", issue.createdAt.toString());
    m.put("updated_at", issue.updatedAt.toString());
    m.put("closed_at", issue.closedAt == null ? null : issue.closedAt.toString());
    m.put("author_association", "OWNER");
    m.put("body", issue.body);
    return m;
  }

  private static Map<String, Object> labelJson(Label label) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", label.id);
    m.put("node_id", label.nodeId);
    m.put("name", label.name);
    m.put("color", label.color);
    m.put("default", false);
    m.put("description", null);
    return m;
  }

  private Map<String, Object> repoJson(Repo repo) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", repo.id);
    m.put("node_id", repo.nodeId);
    m.put("name", repo.name);
    m.put("full_name", repo.fullName());
    boolean org = state.orgs.containsKey(repo.owner.toLowerCase(Locale.ROOT));
    m.put("owner", Map.of("login", repo.owner, "type", org ? "Organization" : "User"));
    m.put("private", false);
    m.put("html_url", "https://github.com/" + repo.fullName());
    m.put("url", apiUrl + "/repos/" + repo.fullName());
    m.put("default_branch", repo.defaultBranch);
    m.put("has_issues", true);
    m.put(
        "permissions",
        Map.of("admin", true, "maintain", true, "push", true, "triage", true, "pull", true));
    return m;
  }

  // ---------------------------------------------------------------- comments

  private Response listComments(Request request, Issue issue) {
    Instant since = request.param("since") == null ? null : Instant.parse(request.param("since"));
    List<Object> items = new ArrayList<>();
    for (Comment comment : issue.comments) {
      if (since == null || !comment.createdAt.isBefore(since)) {
        items.add(commentJson(issue, comment));
      }
    }
    return page(request, items);
  }

  private Response createComment(Request request, Issue issue) {
    JsonNode body = jsonBody(request);
    JsonNode text = body.get("body");
    if (text == null || !text.isTextual() || text.asText().isBlank()) {
      throw new BadRequest(validationFailed("body", "missing_field"));
    }
    Comment comment = state.addComment(issue, text.asText(), GitHubState.VIEWER_LOGIN);
    return ok(201, commentJson(issue, comment));
  }

  private Map<String, Object> commentJson(Issue issue, Comment comment) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("url", apiUrl + "/repos/" + issue.repo.fullName() + "/issues/comments/" + comment.id);
    m.put(
        "html_url",
        "https://github.com/"
            + issue.repo.fullName()
            + "/issues/"
            + issue.number
            + "#issuecomment-"
            + comment.id);
    m.put("issue_url", apiUrl + "/repos/" + issue.repo.fullName() + "/issues/" + issue.number);
    m.put("id", comment.id);
    m.put("node_id", comment.nodeId);
    m.put("user", Map.of("login", comment.login, "type", "User"));
    m.put("created_at", comment.createdAt.toString());
    m.put("updated_at", comment.createdAt.toString());
    m.put("author_association", "OWNER");
    m.put("body", comment.body);
    return m;
  }

  // ---------------------------------------------------------------- contents

  private Response getContents(Request request, Repo repo, String path) {
    String ref = Optional.ofNullable(request.param("ref")).orElse(repo.defaultBranch);
    Map<String, FileState> files = repo.branches.get(ref);
    if (files == null) {
      return error(404, "No commit found for the ref " + ref);
    }
    FileState file = files.get(path);
    if (file == null) {
      return notFound();
    }
    Map<String, Object> m = contentJson(repo, path, file);
    String encoded = Base64.getEncoder().encodeToString(file.content());
    StringBuilder wrapped = new StringBuilder();
    for (int i = 0; i < encoded.length(); i += 60) {
      wrapped.append(encoded, i, Math.min(encoded.length(), i + 60)).append('\n');
    }
    m.put("content", wrapped.toString());
    m.put("encoding", "base64");
    return ok(200, m);
  }

  private Map<String, Object> contentJson(Repo repo, String path, FileState file) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "file");
    m.put("name", path.substring(path.lastIndexOf('/') + 1));
    m.put("path", path);
    m.put("sha", file.sha());
    m.put("size", file.content().length);
    m.put("url", apiUrl + "/repos/" + repo.fullName() + "/contents/" + path);
    m.put(
        "html_url",
        "https://github.com/" + repo.fullName() + "/blob/" + repo.defaultBranch + "/" + path);
    m.put("git_url", apiUrl + "/repos/" + repo.fullName() + "/git/blobs/" + file.sha());
    return m;
  }

  private Response putContents(Request request, Repo repo, String path, Fault fault) {
    JsonNode body = jsonBody(request);
    if (fault instanceof Fault.ContentsConflict) {
      return error(409, path + " does not match " + text(body, "sha").orElse("(no sha)"));
    }
    if (fault instanceof Fault.ContentsUnprocessable) {
      return error(422, "Invalid request.\n\n\"sha\" wasn't supplied.");
    }
    Optional<String> message = text(body, "message");
    if (message.isEmpty()) {
      return error(422, "Invalid request.\n\n\"message\" wasn't supplied.");
    }
    Optional<String> content = text(body, "content");
    if (content.isEmpty()) {
      return error(422, "Invalid request.\n\n\"content\" wasn't supplied.");
    }
    byte[] bytes;
    try {
      bytes = Base64.getMimeDecoder().decode(content.get());
    } catch (IllegalArgumentException e) {
      return error(422, "content is not valid Base64");
    }
    String branch = text(body, "branch").orElse(repo.defaultBranch);
    Map<String, FileState> files = repo.branches.get(branch);
    if (files == null) {
      return error(404, "Branch " + branch + " not found");
    }
    FileState existing = files.get(path);
    Optional<String> sha = text(body, "sha");
    if (existing != null && sha.isEmpty()) {
      return error(422, "Invalid request.\n\n\"sha\" wasn't supplied.");
    }
    if (sha.isPresent() && (existing == null || !existing.sha().equals(sha.get()))) {
      return error(409, path + " does not match " + sha.get());
    }
    String commitSha = state.writeFile(repo, branch, path, bytes, message.get());
    Map<String, Object> commit = new LinkedHashMap<>();
    commit.put("sha", commitSha);
    commit.put("node_id", state.nodeId("C", repo.commits));
    commit.put("message", message.get());
    commit.put("html_url", "https://github.com/" + repo.fullName() + "/commit/" + commitSha);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("content", contentJson(repo, path, files.get(path)));
    m.put("commit", commit);
    return ok(existing == null ? 201 : 200, m);
  }

  // ---------------------------------------------------------------- GraphQL

  private Response graphql(Request request) {
    JsonNode body;
    try {
      body = json.readTree(request.body());
    } catch (IOException e) {
      return error(400, "Problems parsing JSON");
    }
    if (body == null || !body.isObject()) {
      return error(400, "Problems parsing JSON");
    }
    JsonNode query = body.get("query");
    if (query == null || !query.isTextual()) {
      String message = "A query attribute must be specified and must be a string.";
      violations.add(message + " — body: " + new String(request.body(), StandardCharsets.UTF_8));
      return ok(200, Map.of("errors", List.of(Map.of("message", message))));
    }
    JsonNode variables = body.get("variables");
    Map<String, Object> vars =
        variables == null || variables.isNull()
            ? Map.of()
            : json.convertValue(
                variables,
                json.getTypeFactory().constructMapType(Map.class, String.class, Object.class));
    JsonNode operationName = body.get("operationName");
    FakeGraphQl.Outcome outcome =
        graphQl.execute(
            query.asText(),
            vars,
            operationName == null || operationName.isNull() ? null : operationName.asText());
    violations.addAll(outcome.violations());
    return ok(200, outcome.response());
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Pages a list as GitHub does: {@code per_page} (default 30, at most 100), {@code page}, and a
   * Link header.
   */
  private Response page(Request request, List<Object> all) {
    int perPage = intParam(request, "per_page", 30);
    perPage = perPage < 1 ? 30 : Math.min(perPage, 100);
    int page = Math.max(1, intParam(request, "page", 1));
    int last = Math.max(1, (all.size() + perPage - 1) / perPage);
    int from = Math.min(all.size(), (page - 1) * perPage);
    int to = Math.min(all.size(), from + perPage);
    Response response = ok(200, all.subList(from, to));
    List<String> links = new ArrayList<>();
    if (page < last) {
      links.add("<" + pageUrl(request, page + 1) + ">; rel=\"next\"");
      links.add("<" + pageUrl(request, last) + ">; rel=\"last\"");
    }
    if (page > 1) {
      links.add("<" + pageUrl(request, Math.min(page - 1, last)) + ">; rel=\"prev\"");
      links.add("<" + pageUrl(request, 1) + ">; rel=\"first\"");
    }
    if (!links.isEmpty()) {
      response.header("Link", String.join(", ", links));
    }
    return response;
  }

  private String pageUrl(Request request, int page) {
    Map<String, String> params = new LinkedHashMap<>(request.query());
    params.put("page", Integer.toString(page));
    StringBuilder url = new StringBuilder(apiUrl.toString()).append(request.rawPath()).append('?');
    boolean first = true;
    for (Map.Entry<String, String> param : params.entrySet()) {
      if (!first) {
        url.append('&');
      }
      first = false;
      url.append(URLEncoder.encode(param.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(param.getValue(), StandardCharsets.UTF_8));
    }
    return url.toString();
  }

  private static int intParam(Request request, String name, int fallback) {
    String value = request.param(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private static Map<String, String> parseQuery(String rawQuery) {
    Map<String, String> params = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.put(key, value);
    }
    return params;
  }

  private JsonNode jsonBody(Request request) {
    try {
      JsonNode node = json.readTree(request.body());
      if (node == null || !node.isObject()) {
        throw new BadRequest(error(400, "Problems parsing JSON"));
      }
      return node;
    } catch (IOException e) {
      throw new BadRequest(error(400, "Problems parsing JSON"));
    }
  }

  private static Optional<String> text(JsonNode body, String field) {
    JsonNode node = body.get(field);
    return node == null || node.isNull() || !node.isTextual()
        ? Optional.empty()
        : Optional.of(node.asText());
  }

  private List<String> stringList(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new BadRequest(validationFailed(field, "invalid"));
    }
    List<String> out = new ArrayList<>();
    for (JsonNode element : node) {
      if (element.isTextual()) {
        out.add(element.asText());
      } else if (element.isObject() && element.has("name")) {
        out.add(element.get("name").asText());
      } else {
        throw new BadRequest(validationFailed(field, "invalid"));
      }
    }
    return out;
  }

  private Response ok(int status, Object body) {
    try {
      return Response.json(status, json.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a fake GitHub response", e);
    }
  }

  private Response error(int status, String message) {
    ObjectNode node = json.createObjectNode();
    node.put("message", message);
    node.put("documentation_url", DOCS);
    node.put("status", Integer.toString(status));
    return ok(status, node);
  }

  private Response notFound() {
    return error(404, "Not Found");
  }

  private Response validationFailed(String field, String code) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("message", "Validation Failed");
    m.put("errors", List.of(Map.of("resource", "Issue", "code", code, "field", field)));
    m.put("documentation_url", DOCS);
    m.put("status", "422");
    return ok(422, m);
  }
}
