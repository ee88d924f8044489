package dev.backlog.tracker.github;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backlog.core.CardId;
import dev.backlog.tracker.ChangelogEntry;
import dev.backlog.tracker.ChangelogSplice;
import dev.backlog.tracker.Feature;
import dev.backlog.tracker.FeatureEvent;
import dev.backlog.tracker.FeatureStatus;
import dev.backlog.tracker.Roadmaps;
import dev.backlog.tracker.SyncReport;
import dev.backlog.tracker.TrackerHealth;
import dev.backlog.tracker.github.internal.GitHubClient;
import dev.backlog.tracker.github.internal.LocalState;
import dev.backlog.tracker.github.internal.LocalWrites;
import dev.backlog.tracker.github.internal.OpKinds;
import dev.backlog.tracker.github.internal.OpRunner;
import dev.backlog.tracker.github.internal.Projects;
import dev.backlog.tracker.github.internal.Repo;
import dev.backlog.tracker.github.internal.Secret;
import dev.backlog.tracker.github.internal.SyncRound;
import dev.backlog.tracker.github.internal.TokenScopes;
import dev.backlog.tracker.github.internal.Tokens;
import dev.backlog.tracker.spi.ConflictLedger;
import dev.backlog.tracker.spi.FieldConflict;
import dev.backlog.tracker.spi.FileLocks;
import dev.backlog.tracker.spi.Op;
import dev.backlog.tracker.spi.OpLog;
import dev.backlog.tracker.spi.TrackerContext;
import dev.backlog.tracker.spi.TrackerProvider;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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

  private static final int MAX_ATTEMPTS = 8;

  private final GitHubSettings settings;
  private final InstantSource clock;
  private final Secret token;
  private final Projects projects;
  private final String branch;
  private final LocalState state;
  private final FileLocks locks = new FileLocks(Duration.ofMinutes(10));
  private final LocalWrites writes;
  private final SyncRound syncs;

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
    this.projects = projects;
    this.branch = branch;
    this.state = new LocalState(settings.stateDir());
    this.writes = new LocalWrites(state, projects, repo, branch, settings.changelogPath(), clock);
    this.syncs =
        new SyncRound(
            new OpRunner(
                repo, projects, state, branch, settings.roadmapPath(), settings.changelogPath()),
            writes,
            state,
            clock,
            settings.fullName());
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
    TokenScopes.check(client, token, settings.projectNumber().isPresent());
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
          writes.create(log, feature);
          return null;
        });
    return feature;
  }

  @Override
  public Feature putFeature(Feature feature) {
    withLog(
        log -> {
          writes.put(log, feature);
          return null;
        });
    return feature;
  }

  @Override
  public Feature persistRaw(Feature feature) {
    withLog(
        log -> {
          writes.persistRaw(log, feature);
          return null;
        });
    return feature;
  }

  @Override
  public Feature setStatus(CardId code, FeatureStatus status, String actor) {
    return withLog(log -> writes.setStatus(log, code, status, actor));
  }

  @Override
  public boolean appendEvent(FeatureEvent event) {
    return withLog(log -> writes.appendEvent(log, event));
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
    return locked(writes::changelog);
  }

  @Override
  public void putChangelog(String content) {
    Objects.requireNonNull(content, "content");
    withLog(
        log -> {
          writes.putChangelog(log, content);
          return null;
        });
  }

  @Override
  public ChangelogSplice appendChangelog(ChangelogEntry entry) {
    return withLog(log -> writes.appendChangelog(log, entry));
  }

  @Override
  public String renderRoadmap() {
    return withLog(
        log -> {
          writes.enqueueRoadmap(log);
          return Roadmaps.render(state.features());
        });
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
    return withLog(log -> writes.resolveConflict(log, ledger(), code, field, chosen));
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
    return withLog(log -> syncs.run(log, ledger()));
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
