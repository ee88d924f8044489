package dev.backlog.tracker.github.internal;

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
import dev.backlog.tracker.TransitionPolicy;
import dev.backlog.tracker.github.GitHubTracker;
import dev.backlog.tracker.spi.ConflictLedger;
import dev.backlog.tracker.spi.FeatureJson;
import dev.backlog.tracker.spi.FieldConflict;
import dev.backlog.tracker.spi.Op;
import dev.backlog.tracker.spi.OpLog;
import dev.backlog.tracker.spi.OpState;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The GitHub tracker's verbs, local first: each updates the local copy in the state directory (so
 * reads see it at once) and appends the intended remote writes to the op-log, without queueing an
 * op that one already waiting covers. The caller holds the provider's lock and the open op-log.
 */
public final class LocalWrites {

  private static final String ID = GitHubTracker.ID;

  private final LocalState state;
  private final Projects projects;
  private final Repo repo;
  private final String branch;
  private final String changelogPath;
  private final InstantSource clock;

  /** Creates the writer; {@code projects} is null when no project is configured. */
  public LocalWrites(
      LocalState state,
      Projects projects,
      Repo repo,
      String branch,
      String changelogPath,
      InstantSource clock) {
    this.state = Objects.requireNonNull(state, "state");
    this.projects = projects;
    this.repo = Objects.requireNonNull(repo, "repo");
    this.branch = Objects.requireNonNull(branch, "branch");
    this.changelogPath = changelogPath;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Creates a feature; fails when it exists. */
  public void create(OpLog log, Feature feature) {
    if (state.feature(feature.code()).isPresent()) {
      throw new FeatureExistsException(feature.code(), ID);
    }
    state.write(feature);
    enqueueCreateOrUpdate(log, feature.code());
    enqueueProject(log, feature.code());
    enqueueRoadmap(log);
  }

  /** Replaces an existing feature with the same status. */
  public void put(OpLog log, Feature feature) {
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
  }

  /** Writes a feature as it is, without transition checks. */
  public void persistRaw(OpLog log, Feature feature) {
    Optional<Feature> current = state.feature(feature.code());
    if (current.isPresent() && current.get().equals(feature)) {
      return;
    }
    state.write(feature);
    enqueueCreateOrUpdate(log, feature.code());
    if (current.isEmpty() || current.get().status() != feature.status()) {
      enqueueProject(log, feature.code());
    }
  }

  /** Moves a feature to a status, with a status event posted as a comment. */
  public Feature setStatus(OpLog log, CardId code, FeatureStatus status, String actor) {
    Feature current = state.feature(code).orElseThrow(() -> new FeatureNotFoundException(code, ID));
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
  }

  /** Appends an event unless one with its id exists. */
  public boolean appendEvent(OpLog log, FeatureEvent event) {
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
  }

  /** The local changelog copy, read from the repository (and kept) when there is none. */
  public String changelog() {
    Optional<String> local = state.text(OpKinds.CHANGELOG_FILE);
    if (local.isPresent()) {
      return local.get();
    }
    Optional<Repo.FileContent> remote = repo.file(changelogPath, branch);
    remote.ifPresent(f -> state.putText(OpKinds.CHANGELOG_FILE, f.content()));
    return remote.map(Repo.FileContent::content).orElse("");
  }

  /** Replaces the changelog. */
  public void putChangelog(OpLog log, String content) {
    state.putText(OpKinds.CHANGELOG_FILE, content);
    log.enqueue(OpKinds.CHANGELOG, OpKinds.CHANGELOG_PUT, OpKinds.contentJson(content));
  }

  /** Splices an entry into the changelog. */
  public ChangelogSplice appendChangelog(OpLog log, ChangelogEntry entry) {
    ChangelogSplice splice = Changelogs.splice(changelog(), entry);
    if (splice.changed()) {
      state.putText(OpKinds.CHANGELOG_FILE, splice.content());
      log.enqueue(OpKinds.CHANGELOG, OpKinds.CHANGELOG_ENTRY, OpKinds.entryJson(entry));
    }
    return splice;
  }

  /**
   * Settles a ledger entry: the feature's field takes the chosen value and an issue update is
   * queued.
   *
   * @return whether there was an open entry for that field
   */
  public boolean resolveConflict(
      OpLog log, ConflictLedger ledger, CardId code, String field, String chosen) {
    Optional<FieldConflict> open =
        ledger.conflicts().stream()
            .filter(c -> c.feature().equals(code) && c.field().equals(field))
            .findFirst();
    if (open.isEmpty()) {
      return false;
    }
    Feature current = state.feature(code).orElseThrow(() -> new FeatureNotFoundException(code, ID));
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
  }

  /**
   * Renders the roadmap into the local copy and queues its write, unless GitHub holds it already or
   * a write is waiting.
   */
  public void enqueueRoadmap(OpLog log) {
    String content = Roadmaps.render(state.features());
    state.putText(OpKinds.ROADMAP_FILE, content);
    String sha = BlobSha.of(content);
    if (state.text(OpKinds.ROADMAP_SHA_FILE).map(sha::equals).orElse(false)) {
      return;
    }
    boolean waiting =
        log.openOps().stream()
            .anyMatch(op -> op.feature().equals(OpKinds.ROADMAP) && op.state() == OpState.PENDING);
    if (!waiting) {
      log.enqueue(OpKinds.ROADMAP, OpKinds.ROADMAP_PUT, "{}");
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
    log.enqueue(
        code,
        known || creating ? OpKinds.UPDATE_ISSUE : OpKinds.CREATE_ISSUE,
        OpKinds.codeJson(code));
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
      log.enqueue(code, OpKinds.PROJECT_STATUS, OpKinds.codeJson(code));
    }
  }
}
