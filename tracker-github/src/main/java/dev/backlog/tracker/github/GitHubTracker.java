package dev.backlog.tracker.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.backlog.core.CardId;
import dev.backlog.tracker.ChangelogEntry;
import dev.backlog.tracker.ChangelogSplice;
import dev.backlog.tracker.Changelogs;
import dev.backlog.tracker.Feature;
import dev.backlog.tracker.FeatureEvent;
import dev.backlog.tracker.FeatureExistsException;
import dev.backlog.tracker.FeatureNotFoundException;
import dev.backlog.tracker.FeatureStatus;
import dev.backlog.tracker.Roadmaps;
import dev.backlog.tracker.SyncReport;
import dev.backlog.tracker.TrackerHealth;
import dev.backlog.tracker.TransitionPolicy;
import dev.backlog.tracker.github.internal.BlobSha;
import dev.backlog.tracker.github.internal.GitHubClient;
import dev.backlog.tracker.github.internal.LocalState;
import dev.backlog.tracker.github.internal.OpKinds;
import dev.backlog.tracker.github.internal.OpRunner;
import dev.backlog.tracker.github.internal.Projects;
import dev.backlog.tracker.github.internal.Repo;
import dev.backlog.tracker.github.internal.Secret;
import dev.backlog.tracker.github.internal.Tokens;
import dev.backlog.tracker.spi.ConflictLedger;
import dev.backlog.tracker.spi.FeatureJson;
import dev.backlog.tracker.spi.FieldConflict;
import dev.backlog.tracker.spi.FileLocks;
import dev.backlog.tracker.spi.Op;
import dev.backlog.tracker.spi.OpLog;
import dev.backlog.tracker.spi.OpState;
import dev.backlog.tracker.spi.TrackerContext;
import dev.backlog.tracker.spi.TrackerProvider;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GitHub tracker. Each feature is one issue (title {@code [CODE] title}, the body with a hidden
 * marker, labels {@code backlog} and {@code status:<s>} merged with the labels people added, closed
 * when complete); each event is one comment with a hidden marker carrying its id; with a {@code
 * projectNumber}, each issue is an item of that Projects v2 project with its single-select {@code
 * Status} set; the roadmap and changelog are repository files written through the Contents API.
 *
 * <p>Writes are local first: every verb updates the local copy in the state directory (so reads see
 * it at once) and appends the intended remote writes to a durable {@link OpLog}; {@link #sync()}
 * sends them in order per feature. A write whose answer was lost is looked up by its marker in the
 * paginated issue and comment lists before it is sent again, so it never duplicates an issue or a
 * comment. Remote edits by people are merged field by field (title, body, status) against the last
 * synced values in a {@link ConflictLedger}; a field changed on both sides becomes a ledger entry.
 * Rate limits are waited out up to {@code maxRateLimitWaitSeconds}; a reset further away stops the
 * sync and leaves its ops pending.
 *
 * <p>Thread-safe, and safe across processes sharing the state directory (a lock file serializes
 * them).
 */
public final class GitHubTracker implements TrackerProvider {

  private static final Logger LOG = LoggerFactory.getLogger(GitHubTracker.class);

  /** The provider id. */
  public static final String ID = "github";

  /** The op-log's pseudo feature for roadmap writes. */
  static final CardId ROADMAP = CardId.of("github:roadmap");

  /** The op-log's pseudo feature for changelog writes. */
  static final CardId CHANGELOG = CardId.of("github:changelog");

  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final int MAX_ATTEMPTS = 8;

  private final GitHubSettings settings;
  private final InstantSource clock;
  private final Secret token;
  private final Repo repo;
  private final Projects projects;
  private final String branch;
  private final LocalState state;
  private final FileLocks locks = new FileLocks(Duration.ofMinutes(10));
  private final OpRunner runner;

  private GitHubTracker(
      GitHubSettings settings,
      InstantSource clock,
      Secret token,
      Repo repo,
      Projects projects,
      String branch) {
    this.settings = settings;
    this.clock = clock;
    this.token = token;
    this.repo = repo;
    this.projects = projects;
    this.branch = branch;
    this.state = new LocalState(settings.stateDir());
    this.runner =
        new OpRunner(
            repo, projects, state, branch, settings.roadmapPath(), settings.changelogPath());
  }

  /**
   * Opens the provider: reads the settings, finds the token, checks it (GitHub must accept it, and
   * when GitHub reports the token's scopes they must include {@code repo}, and {@code project} when
   * a project is configured) and reads the repository's default branch.
   *
   * <p>This is also the test seam: tests pass a runtime with their own environment and a sleeper on
   * a virtual clock (the same clock as the context's).
   *
   * @throws dev.backlog.tracker.TrackerConfigException when a setting is missing or malformed
   * @throws GitHubException when there is no token, GitHub refuses it, scopes are missing, or the
   *     repository is not visible
   */
  public static GitHubTracker open(TrackerContext context, GitHubRuntime runtime) {
    GitHubSettings settings = GitHubSettings.from(context.config());
    Secret token = Tokens.find(settings.tokenEnv(), runtime.environment(), runtime.ghCliFallback());
    GitHubClient client =
        new GitHubClient(
            settings.apiUrl(),
            token,
            context.clock(),
            runtime.sleeper(),
            settings.writeSpacing(),
            settings.maxRateLimitWait(),
            settings.cacheTtl());
    checkToken(client, settings, token);
    Repo repo = new Repo(client, settings.owner(), settings.repo());
    JsonNode description = repo.describe();
    String branch = settings.branch().orElse(description.path("default_branch").asText("main"));
    Projects projects =
        settings.projectNumber().isPresent()
            ? new Projects(client, settings.owner(), settings.projectNumber().getAsInt())
            : null;
    LOG.info(
        "github tracker on {} (branch {}, project {}, state {})",
        settings.fullName(),
        branch,
        projects == null ? "none" : "#" + settings.projectNumber().getAsInt(),
        settings.stateDir());
    return new GitHubTracker(settings, context.clock(), token, repo, projects, branch);
  }

  private static void checkToken(GitHubClient client, GitHubSettings settings, Secret token) {
    GitHubClient.Response user = client.get("/user");
    if (user.status() / 100 != 2) {
      throw client.failure("GET", "/user", user);
    }
    String header = user.headers().first("x-oauth-scopes");
    if (header == null) {
      LOG.debug(
          "GitHub reports no scopes for the token from {} (a fine-grained or app token); not checked",
          token.origin());
      return;
    }
    Set<String> scopes = new TreeSet<>();
    Arrays.stream(header.split(","))
        .map(s -> s.strip().toLowerCase(Locale.ROOT))
        .filter(s -> !s.isEmpty())
        .forEach(scopes::add);
    Set<String> missing = new TreeSet<>();
    if (!scopes.contains("repo")) {
      missing.add("repo");
    }
    if (settings.projectNumber().isPresent() && !scopes.contains("project")) {
      missing.add("project");
    }
    if (!missing.isEmpty()) {
      throw new GitHubException(
          GitHubErrorCode.GITHUB_AUTH,
          "the GitHub token from "
              + token.origin()
              + " lacks the scope(s) "
              + missing
              + " (it has "
              + scopes
              + "); the github tracker needs repo"
              + (settings.projectNumber().isPresent() ? " and project" : "")
              + ": run 'gh auth refresh -s "
              + String.join(",", missing)
              + "' or create a token with those scopes");
    }
  }

  /** The settings this provider runs with. */
  public GitHubSettings settings() {
    return settings;
  }

  /** The branch the roadmap and changelog are written to. */
  public String branch() {
    return branch;
  }

  @Override
  public String id() {
    return ID;
  }

  private <T> T locked(java.util.function.Supplier<T> work) {
    return locks.withLock(settings.stateDir().resolve(".lock"), work);
  }

  private <T> T withLog(Function<OpLog, T> work) {
    return locked(
        () -> {
          try (OpLog log =
              OpLog.open(settings.stateDir().resolve("oplog.jsonl"), clock, MAX_ATTEMPTS)) {
            return work.apply(log);
          }
        });
  }

  private ConflictLedger ledger() {
    return ConflictLedger.open(settings.stateDir().resolve("ledger.json"), clock);
  }

  @Override
  public Optional<Feature> getFeature(CardId code) {
    return state.feature(code);
  }

  @Override
  public List<Feature> listFeatures() {
    return state.features();
  }

  @Override
  public Feature createFeature(Feature feature) {
    withLog(
        log -> {
          if (state.feature(feature.code()).isPresent()) {
            throw new FeatureExistsException(feature.code(), ID);
          }
          state.write(feature);
          enqueueCreateOrUpdate(log, feature.code());
          enqueueProject(log, feature.code());
          enqueueRoadmap(log);
          return null;
        });
    return feature;
  }

  @Override
  public Feature putFeature(Feature feature) {
    withLog(
        log -> {
          Feature current =
              state
                  .feature(feature.code())
                  .orElseThrow(() -> new FeatureNotFoundException(feature.code(), ID));
          TransitionPolicy.checkUnchanged(feature.code(), current.status(), feature.status());
          if (!current.equals(feature)) {
            state.write(feature);
            enqueueCreateOrUpdate(log, feature.code());
          }
          enqueueRoadmap(log);
          return null;
        });
    return feature;
  }

  @Override
  public Feature persistRaw(Feature feature) {
    withLog(
        log -> {
          Optional<Feature> current = state.feature(feature.code());
          if (current.isPresent() && current.get().equals(feature)) {
            return null;
          }
          state.write(feature);
          enqueueCreateOrUpdate(log, feature.code());
          if (current.isEmpty() || current.get().status() != feature.status()) {
            enqueueProject(log, feature.code());
          }
          return null;
        });
    return feature;
  }

  @Override
  public Feature setStatus(CardId code, FeatureStatus status, String actor) {
    Feature result =
        withLog(
            log -> {
              Feature current =
                  state.feature(code).orElseThrow(() -> new FeatureNotFoundException(code, ID));
              TransitionPolicy.check(code, current.status(), status);
              if (current.status() == status) {
                return current;
              }
              Feature next = current.withStatus(status);
              state.write(next);
              enqueueCreateOrUpdate(log, code);
              FeatureEvent event =
                  new FeatureEvent(
                      "status-" + UUID.randomUUID(),
                      code,
                      "status",
                      actor,
                      clock.instant(),
                      "{\"from\":\""
                          + current.status().wireName()
                          + "\",\"to\":\""
                          + status.wireName()
                          + "\"}");
              state.append(event);
              log.enqueue(code, OpKinds.COMMENT, FeatureJson.writeEvent(event));
              enqueueProject(log, code);
              enqueueRoadmap(log);
              return next;
            });
    return result;
  }

  @Override
  public boolean appendEvent(FeatureEvent event) {
    return withLog(
        log -> {
          if (state.feature(event.code()).isEmpty()) {
            throw new FeatureNotFoundException(event.code(), ID);
          }
          for (FeatureEvent existing : state.events(event.code())) {
            if (existing.id().equals(event.id())) {
              return false;
            }
          }
          state.append(event);
          log.enqueue(event.code(), OpKinds.COMMENT, FeatureJson.writeEvent(event));
          return true;
        });
  }

  @Override
  public List<FeatureEvent> readEvents(CardId code) {
    return state.events(code);
  }

  @Override
  public String getChangelog() {
    Optional<String> local = state.text(OpKinds.CHANGELOG_FILE);
    if (local.isPresent()) {
      return local.get();
    }
    return locked(this::changelogLocked);
  }

  private String changelogLocked() {
    Optional<String> local = state.text(OpKinds.CHANGELOG_FILE);
    if (local.isPresent()) {
      return local.get();
    }
    Optional<Repo.FileContent> remote = repo.file(settings.changelogPath(), branch);
    remote.ifPresent(f -> state.putText(OpKinds.CHANGELOG_FILE, f.content()));
    return remote.map(Repo.FileContent::content).orElse("");
  }

  @Override
  public void putChangelog(String content) {
    Objects.requireNonNull(content, "content");
    withLog(
        log -> {
          state.putText(OpKinds.CHANGELOG_FILE, content);
          log.enqueue(
              CHANGELOG,
              OpKinds.CHANGELOG_PUT,
              OpKinds.json(JSON.createObjectNode().put("content", content)));
          return null;
        });
  }

  @Override
  public ChangelogSplice appendChangelog(ChangelogEntry entry) {
    return withLog(
        log -> {
          ChangelogSplice splice = Changelogs.splice(changelogLocked(), entry);
          if (splice.changed()) {
            state.putText(OpKinds.CHANGELOG_FILE, splice.content());
            log.enqueue(CHANGELOG, OpKinds.CHANGELOG_ENTRY, OpKinds.entryJson(entry));
          }
          return splice;
        });
  }

  @Override
  public String renderRoadmap() {
    return withLog(
        log -> {
          enqueueRoadmap(log);
          return Roadmaps.render(state.features());
        });
  }

  private void enqueueRoadmap(OpLog log) {
    String content = Roadmaps.render(state.features());
    state.putText(OpKinds.ROADMAP_FILE, content);
    String sha = BlobSha.of(content);
    if (state.text(OpKinds.ROADMAP_SHA_FILE).map(sha::equals).orElse(false)) {
      return;
    }
    boolean waiting =
        log.openOps().stream()
            .anyMatch(op -> op.feature().equals(ROADMAP) && op.state() == OpState.PENDING);
    if (!waiting) {
      log.enqueue(ROADMAP, OpKinds.ROADMAP_PUT, "{}");
    }
  }

  private void enqueueCreateOrUpdate(OpLog log, CardId code) {
    boolean known = state.issue(code).isPresent();
    boolean creating = false;
    for (Op op : log.openOps()) {
      if (!op.feature().equals(code)) {
        continue;
      }
      if (op.kind().equals(OpKinds.CREATE_ISSUE)) {
        creating = true;
      }
      if ((op.kind().equals(OpKinds.UPDATE_ISSUE) || op.kind().equals(OpKinds.CREATE_ISSUE))
          && op.state() == OpState.PENDING) {
        return;
      }
    }
    String payload = OpKinds.json(JSON.createObjectNode().put("code", code.value()));
    log.enqueue(code, known || creating ? OpKinds.UPDATE_ISSUE : OpKinds.CREATE_ISSUE, payload);
  }

  private void enqueueProject(OpLog log, CardId code) {
    if (projects == null) {
      return;
    }
    boolean waiting =
        log.openOps().stream()
            .anyMatch(
                op ->
                    op.feature().equals(code)
                        && op.kind().equals(OpKinds.PROJECT_STATUS)
                        && op.state() == OpState.PENDING);
    if (!waiting) {
      log.enqueue(
          code,
          OpKinds.PROJECT_STATUS,
          OpKinds.json(JSON.createObjectNode().put("code", code.value())));
    }
  }

  @Override
  public TrackerHealth health() {
    return withLog(
        log -> {
          List<FieldConflict> conflicts = ledger().conflicts();
          return new TrackerHealth(
              ID,
              canonicalSource(),
              log.pending(),
              conflicts.size() + log.conflicts(),
              log.quarantined(),
              state.lastSync().orElse(null));
        });
  }

  private String canonicalSource() {
    return "GitHub issues of "
        + settings.fullName()
        + (projects == null ? "" : ", project #" + settings.projectNumber().getAsInt())
        + ", files on "
        + branch
        + " ("
        + settings.apiUrl()
        + "); local copy and op-log in "
        + settings.stateDir();
  }

  /**
   * The open conflict-ledger entries: fields people changed on GitHub while they also changed here.
   */
  public List<FieldConflict> conflicts() {
    return locked(() -> ledger().conflicts());
  }

  /**
   * Settles a ledger entry: the feature's field takes the chosen value (null = absent, for the
   * body), and the next sync writes it to the issue, unless the issue changed that field once more,
   * which is a new entry.
   *
   * @param field {@code title}, {@code body} or {@code status} (a status wire name)
   * @return whether there was an open entry for that field
   * @throws IllegalArgumentException when the field is not a managed one or the value does not fit
   *     it
   */
  public boolean resolveConflict(CardId code, String field, String chosen) {
    return withLog(
        log -> {
          ConflictLedger ledger = ledger();
          Optional<FieldConflict> open =
              ledger.conflicts().stream()
                  .filter(c -> c.feature().equals(code) && c.field().equals(field))
                  .findFirst();
          if (open.isEmpty()) {
            return false;
          }
          Feature current =
              state.feature(code).orElseThrow(() -> new FeatureNotFoundException(code, ID));
          Feature.Builder next = current.toBuilder();
          switch (field) {
            case "title":
              next.title(chosen);
              break;
            case "body":
              next.body(chosen);
              break;
            case "status":
              next.status(FeatureStatus.fromWireName(chosen));
              break;
            default:
              throw new IllegalArgumentException(
                  "'" + field + "' is not a managed field; use title, body or status");
          }
          Feature resolved = next.build();
          // the base becomes what the issue holds, so the chosen value is a local change the next
          // sync pushes
          ledger.resolve(code, field, open.get().remote());
          state.write(resolved);
          enqueueCreateOrUpdate(log, code);
          if (resolved.status() != current.status()) {
            enqueueProject(log, code);
          }
          enqueueRoadmap(log);
          return true;
        });
  }

  /** The ops not done yet (pending, uncertain, in conflict or quarantined), in enqueue order. */
  public List<Op> openOps() {
    return withLog(OpLog::openOps);
  }

  /**
   * Sends the op-log to GitHub. First compares each feature that has no op waiting with its issue
   * (one paginated listing) and queues an update where people edited the issue; then drains the
   * op-log, feature by feature in order; then refreshes the local changelog from the repository. A
   * rate limit that lifts later than {@code maxRateLimitWaitSeconds} stops the sync cleanly: the
   * ops not sent stay pending, with their attempts untouched.
   *
   * @throws GitHubException after draining what it could, when an op failed for a reason a person
   *     must fix (a missing project Status option, a refused token)
   */
  @Override
  public SyncReport sync() {
    return withLog(
        log -> {
          ConflictLedger ledger = ledger();
          int conflictsBefore = ledger.conflicts().size();
          OpRunner.Run run = runner.start(log, ledger);
          run.pull(state.features());
          enqueueRoadmap(log);
          SyncReport drained = run.drain();
          if (!run.stopped()) {
            // fields pulled from issues during the drain may change the roadmap: write it in this
            // sync too
            enqueueRoadmap(log);
            if (log.openOps().stream()
                .anyMatch(op -> op.feature().equals(ROADMAP) && op.state().isPending())) {
              SyncReport more = run.drain();
              drained =
                  new SyncReport(
                      drained.drained() + more.drained(),
                      drained.quarantined() + more.quarantined(),
                      drained.conflicted() + more.conflicted(),
                      more.remaining());
            }
          }
          if (!run.stopped()
              && log.openOps().stream().noneMatch(op -> op.feature().equals(CHANGELOG))) {
            run.pullChangelog();
          }
          int newConflicts = Math.max(0, ledger.conflicts().size() - conflictsBefore);
          SyncReport report =
              new SyncReport(
                  drained.drained(),
                  drained.quarantined(),
                  drained.conflicted() + newConflicts,
                  log.pending());
          if (!run.stopped() && run.problems().isEmpty()) {
            state.recordSync(clock.instant());
          }
          LOG.info(
              "github sync of {}: {} drained, {} quarantined, {} conflicted, {} remaining{}",
              settings.fullName(),
              report.drained(),
              report.quarantined(),
              report.conflicted(),
              report.remaining(),
              run.stopped() ? " (stopped by a rate limit)" : "");
          if (!run.problems().isEmpty()) {
            GitHubException first = run.problems().get(0);
            throw new GitHubException(
                (GitHubErrorCode) first.code(),
                "sync left " + report.remaining() + " op(s) pending: " + first.getMessage(),
                first);
          }
          return report;
        });
  }

  @Override
  public String toString() {
    return "GitHubTracker["
        + settings.fullName()
        + ", token="
        + token
        + ", state="
        + settings.stateDir()
        + "]";
  }
}
