package dev.backlog.tracker.github.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.core.CardId;
import dev.backlog.tracker.ChangelogEntry;
import dev.backlog.tracker.Changelogs;
import dev.backlog.tracker.Feature;
import dev.backlog.tracker.FeatureEvent;
import dev.backlog.tracker.FeatureStatus;
import dev.backlog.tracker.Roadmaps;
import dev.backlog.tracker.SyncReport;
import dev.backlog.tracker.github.GitHubErrorCode;
import dev.backlog.tracker.github.GitHubException;
import dev.backlog.tracker.spi.ConflictLedger;
import dev.backlog.tracker.spi.FeatureJson;
import dev.backlog.tracker.spi.FieldConflict;
import dev.backlog.tracker.spi.Merge;
import dev.backlog.tracker.spi.Op;
import dev.backlog.tracker.spi.OpExecutor;
import dev.backlog.tracker.spi.OpLog;
import dev.backlog.tracker.spi.OpState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the GitHub provider's ops. Op kinds and what they do:
 *
 * <ul>
 *   <li>{@value #CREATE_ISSUE}: creates the feature's issue, unless the issue index, or the issue
 *       list searched for its marker, already has one;
 *   <li>{@value #UPDATE_ISSUE}: merges the feature with its issue through the conflict ledger and
 *       patches what differs (labels merged with people's labels, closed when complete);
 *   <li>{@value #COMMENT}: posts an event as a comment, unless a comment of the issue already
 *       carries its event id;
 *   <li>{@value #PROJECT_STATUS}: adds the issue to the project and sets its Status;
 *   <li>{@value #ROADMAP_PUT}, {@value #CHANGELOG_ENTRY}, {@value #CHANGELOG_PUT}: write a file
 *       through the Contents API with its blob sha, re-reading and retrying up to 3 times on 409 or
 *       422, and skipping the write when the content is unchanged.
 * </ul>
 *
 * Issue and project ops render from the feature as it is when they run, so a later op never sends
 * stale values. Uncertain creates and comments are looked up by their marker in the paginated issue
 * and comment lists; the other kinds are idempotent and simply run again.
 *
 * <p>Not thread-safe; used under the provider's lock.
 */
public final class OpRunner {

  private static final Logger LOG = LoggerFactory.getLogger(OpRunner.class);
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  /** Op kind: create the issue. */
  public static final String CREATE_ISSUE = "create-issue";

  /** Op kind: bring the issue in line with the feature. */
  public static final String UPDATE_ISSUE = "update-issue";

  /** Op kind: post an event comment. */
  public static final String COMMENT = "comment";

  /** Op kind: set the project Status. */
  public static final String PROJECT_STATUS = "project-status";

  /** Op kind: write the roadmap file. */
  public static final String ROADMAP_PUT = "roadmap-put";

  /** Op kind: splice an entry into the changelog file. */
  public static final String CHANGELOG_ENTRY = "changelog-entry";

  /** Op kind: replace the changelog file. */
  public static final String CHANGELOG_PUT = "changelog-put";

  /** Local copy of the changelog. */
  public static final String CHANGELOG_FILE = "changelog.md";

  /** Local copy of the roadmap. */
  public static final String ROADMAP_FILE = "roadmap.md";

  /** The blob sha of the roadmap as last written or found on GitHub. */
  public static final String ROADMAP_SHA_FILE = "roadmap.sha";

  /** How often a file write is retried after a 409 or 422. */
  public static final int FILE_RETRIES = 3;

  private final Repo repo;
  private final Projects projects;
  private final LocalState state;
  private final String branch;
  private final String roadmapPath;
  private final String changelogPath;

  /** Creates the runner; {@code projects} is null when no project is configured. */
  public OpRunner(
      Repo repo,
      Projects projects,
      LocalState state,
      String branch,
      String roadmapPath,
      String changelogPath) {
    this.repo = Objects.requireNonNull(repo, "repo");
    this.projects = projects;
    this.state = Objects.requireNonNull(state, "state");
    this.branch = Objects.requireNonNull(branch, "branch");
    this.roadmapPath = roadmapPath;
    this.changelogPath = changelogPath;
  }

  /** Compact JSON text. */
  public static String json(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "a JSON tree could not be written: " + e.getOriginalMessage(), e);
    }
  }

  /** A changelog entry as op payload. */
  public static String entryJson(ChangelogEntry entry) {
    ObjectNode node = JSON.createObjectNode();
    node.put("code", entry.code().value());
    node.put("version", entry.version());
    node.put("summary", entry.summary());
    node.put("body", entry.body());
    node.put("force", entry.force());
    return json(node);
  }

  private static ChangelogEntry entry(String payload) {
    JsonNode node = parse(payload);
    return new ChangelogEntry(
        CardId.of(node.path("code").asText()),
        node.path("version").asText(),
        node.path("summary").asText(),
        node.hasNonNull("body") ? node.get("body").asText() : null,
        node.path("force").asBoolean());
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("op payload is not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Starts one sync's run over the op-log and the ledger. */
  public Run start(OpLog log, ConflictLedger ledger) {
    return new Run(log, ledger);
  }

  /** The values of the managed fields an issue shows, against the feature's last synced status. */
  static Map<String, String> remoteValues(
      CardId code, JsonNode issue, SortedMap<String, String> base) {
    String title = Markers.featureTitle(code, issue.path("title").asText());
    String body =
        Markers.humanBody(issue.path("body").isTextual() ? issue.path("body").asText() : null);
    return Markers.managed(title, body, remoteStatus(issue, base.get("status")));
  }

  /**
   * The status an issue shows: complete when closed; else its status label when that is not
   * complete; else (no label, or reopened while labelled complete) the last synced status when it
   * was not complete, or planned.
   */
  static FeatureStatus remoteStatus(JsonNode issue, String baseStatus) {
    if ("closed".equals(issue.path("state").asText())) {
      return FeatureStatus.COMPLETE;
    }
    Optional<FeatureStatus> label = Markers.statusOf(labelNames(issue));
    if (label.isPresent() && label.get() != FeatureStatus.COMPLETE) {
      return label.get();
    }
    if (baseStatus != null && !baseStatus.equals(FeatureStatus.COMPLETE.wireName())) {
      return FeatureStatus.fromWireName(baseStatus);
    }
    return FeatureStatus.PLANNED;
  }

  static List<String> labelNames(JsonNode issue) {
    List<String> out = new ArrayList<>();
    for (JsonNode label : issue.path("labels")) {
      out.add(label.isTextual() ? label.asText() : label.path("name").asText());
    }
    return out;
  }

  /**
   * One sync: the op executor plus what the sync learns on the way (the issue list, a rate-limit
   * stop, problems a person must fix).
   */
  public final class Run implements OpExecutor {

    private final OpLog log;
    private final ConflictLedger ledger;
    private Map<CardId, JsonNode> byCode;
    private Map<String, JsonNode> byOp;
    private Map<Integer, JsonNode> byNumber;
    private final Map<Integer, Set<String>> commentIds = new HashMap<>();
    private boolean stopped;
    private final List<String> stoppedOps = new ArrayList<>();
    private final List<GitHubException> problems = new ArrayList<>();

    private Run(OpLog log, ConflictLedger ledger) {
      this.log = log;
      this.ledger = ledger;
    }

    /** Whether a rate limit stopped the run. */
    public boolean stopped() {
      return stopped;
    }

    /** Failures a person must fix (setup, authentication), in the order met. */
    public List<GitHubException> problems() {
      return List.copyOf(problems);
    }

    private void loadIssues() {
      byCode = new HashMap<>();
      byOp = new HashMap<>();
      byNumber = new HashMap<>();
      for (JsonNode issue : repo.issues()) {
        byNumber.put(issue.path("number").asInt(), issue);
        String body = issue.path("body").isTextual() ? issue.path("body").asText() : null;
        Markers.featureMarker(body)
            .ifPresent(
                marker -> {
                  JsonNode seen = byCode.get(marker.code());
                  if (seen == null || seen.path("number").asInt() > issue.path("number").asInt()) {
                    byCode.put(marker.code(), issue);
                  }
                  if (!marker.op().isEmpty()) {
                    byOp.put(marker.op(), issue);
                  }
                });
      }
    }

    /**
     * Compares each feature that has an issue and no issue update waiting with its issue, and
     * queues an update where the issue's managed fields moved away from the last synced values
     * (edited by people).
     */
    public void pull(List<Feature> features) {
      Set<CardId> busy = new HashSet<>();
      log.openOps().stream()
          .filter(
              op ->
                  (op.kind().equals(UPDATE_ISSUE) || op.kind().equals(CREATE_ISSUE))
                      && op.state().isPending())
          .forEach(op -> busy.add(op.feature()));
      Map<CardId, LocalState.IssueRef> refs = state.issues();
      if (refs.isEmpty()) {
        return;
      }
      try {
        loadIssues();
      } catch (RateLimitedException e) {
        stopped = true;
        LOG.warn("{}", e.getMessage());
        return;
      } catch (GitHubException e) {
        LOG.warn(
            "could not list the issues to look for edits by people ({}); the next sync looks again",
            e.getMessage());
        return;
      }
      for (Feature feature : features) {
        LocalState.IssueRef ref = refs.get(feature.code());
        if (ref == null || busy.contains(feature.code())) {
          continue;
        }
        JsonNode issue = byNumber.get(ref.number());
        if (issue == null) {
          continue;
        }
        SortedMap<String, String> base = ledger.base(feature.code());
        if (!remoteValues(feature.code(), issue, base).equals(base)
            || !Markers.issueBody(feature, ref.createOp()).equals(issue.path("body").asText())) {
          log.enqueue(
              feature.code(),
              UPDATE_ISSUE,
              json(JSON.createObjectNode().put("code", feature.code().value())));
        }
      }
    }

    /**
     * Drains the op-log, with up to two more passes while ops made progress and some are uncertain,
     * so an op whose answer was lost early in the sync is looked up and finished in the same sync.
     * Ops a rate-limit stop held back are put back as pending with their attempts cleared.
     */
    public SyncReport drain() {
      int drained = 0;
      int quarantined = 0;
      int conflicted = 0;
      for (int pass = 0; pass < 3; pass++) {
        SyncReport r = log.drain(this);
        int held = stoppedOps.size();
        for (String id : stoppedOps) {
          log.find(id).filter(op -> op.state() == OpState.CONFLICT).ifPresent(op -> log.retry(id));
        }
        stoppedOps.clear();
        drained += r.drained();
        quarantined += r.quarantined();
        conflicted += Math.max(0, r.conflicted() - held);
        boolean uncertain = log.openOps().stream().anyMatch(op -> op.state() == OpState.UNCERTAIN);
        if (stopped || r.drained() == 0 || !uncertain) {
          break;
        }
      }
      return new SyncReport(drained, quarantined, conflicted, log.pending());
    }

    /** Refreshes the local changelog copy from the repository. */
    public void pullChangelog() {
      try {
        repo.file(changelogPath, branch).ifPresent(f -> state.putText(CHANGELOG_FILE, f.content()));
      } catch (RateLimitedException e) {
        stopped = true;
        LOG.warn("{}", e.getMessage());
      } catch (GitHubException e) {
        LOG.warn(
            "could not read {} to refresh the local changelog ({}); the next sync reads it again",
            changelogPath,
            e.getMessage());
      }
    }

    @Override
    public Outcome apply(Op op) throws Exception {
      if (stopped) {
        stoppedOps.add(op.id());
        return Outcome.CONFLICT;
      }
      try {
        switch (op.kind()) {
          case CREATE_ISSUE:
            return create(op);
          case UPDATE_ISSUE:
            return update(op);
          case COMMENT:
            return comment(FeatureJson.readEvent(op.payload()));
          case PROJECT_STATUS:
            return projectStatus(op.feature());
          case ROADMAP_PUT:
            String roadmap = Roadmaps.render(state.features());
            writeFile(roadmapPath, current -> roadmap, "Update the roadmap");
            state.putText(ROADMAP_SHA_FILE, BlobSha.of(roadmap));
            return Outcome.DONE;
          case CHANGELOG_ENTRY:
            ChangelogEntry entry = entry(op.payload());
            writeFile(
                changelogPath,
                current -> Changelogs.splice(current, entry).content(),
                "Changelog: " + entry.code() + " in " + entry.version());
            return Outcome.DONE;
          case CHANGELOG_PUT:
            String content = parse(op.payload()).path("content").asText();
            writeFile(changelogPath, current -> content, "Update the changelog");
            return Outcome.DONE;
          default:
            throw new IllegalStateException(
                "op "
                    + op.id()
                    + " has the unknown kind '"
                    + op.kind()
                    + "'; a newer version of the provider wrote it, or the op-log was edited: discard it");
        }
      } catch (RateLimitedException e) {
        LOG.warn("{}", e.getMessage());
        stopped = true;
        stoppedOps.add(op.id());
        return Outcome.CONFLICT;
      } catch (GitHubException e) {
        GitHubErrorCode code =
            e.code() instanceof GitHubErrorCode ? (GitHubErrorCode) e.code() : null;
        if (code == GitHubErrorCode.GITHUB_PROJECT_SETUP
            || code == GitHubErrorCode.GITHUB_AUTH
            || code == GitHubErrorCode.GITHUB_NOT_FOUND) {
          problems.add(e);
        }
        throw e;
      }
    }

    @Override
    public Resolution resolve(Op op) throws Exception {
      if (stopped) {
        throw new GitHubException(
            GitHubErrorCode.GITHUB_RATE_LIMITED,
            "the sync stopped at a rate limit before op " + op.id() + " could be looked up");
      }
      try {
        switch (op.kind()) {
          case CREATE_ISSUE:
            loadIssues();
            JsonNode issue = byOp.get(op.id());
            if (issue != null && state.issue(op.feature()).isEmpty()) {
              adopt(op.feature(), issue);
              ledger.recordSynced(
                  op.feature(), remoteValues(op.feature(), issue, ledger.base(op.feature())));
              LOG.info(
                  "the issue #{} of uncertain op {} was found by its marker; {} is linked to it",
                  issue.path("number").asInt(),
                  op.id(),
                  op.feature());
            }
            // not APPLIED: the op then runs again and brings the found issue up to date (labels,
            // state)
            return Resolution.NOT_APPLIED;
          case COMMENT:
            FeatureEvent event = FeatureJson.readEvent(op.payload());
            Optional<LocalState.IssueRef> ref = state.issue(event.code());
            if (ref.isEmpty()) {
              return Resolution.NOT_APPLIED;
            }
            return commentIds(ref.get().number(), true).contains(event.id())
                ? Resolution.APPLIED
                : Resolution.NOT_APPLIED;
          default:
            return Resolution.NOT_APPLIED;
        }
      } catch (RateLimitedException e) {
        stopped = true;
        throw e;
      }
    }

    private void adopt(CardId code, JsonNode issue) {
      String op =
          Markers.featureMarker(issue.path("body").asText())
              .map(Markers.FeatureMarker::op)
              .orElse("");
      state.putIssue(
          code,
          new LocalState.IssueRef(
              issue.path("number").asInt(), issue.path("node_id").asText(), op, null));
    }

    private Outcome create(Op op) {
      Optional<Feature> feature = state.feature(op.feature());
      if (feature.isEmpty()) {
        return Outcome.DONE;
      }
      if (state.issue(op.feature()).isEmpty()) {
        if (byCode == null) {
          loadIssues();
        }
        JsonNode found = byOp.get(op.id());
        if (found == null) {
          found = byCode.get(op.feature());
        }
        if (found != null) {
          LOG.info(
              "feature {} already has issue #{} (found by its marker); linking it instead of creating one",
              op.feature(),
              found.path("number").asInt());
          adopt(op.feature(), found);
          return update(op);
        }
        Feature f = feature.get();
        JsonNode created =
            repo.createIssue(
                Markers.title(f),
                Markers.issueBody(f, op.id()),
                Markers.labels(List.of(), f.status()));
        LocalState.IssueRef ref =
            new LocalState.IssueRef(
                created.path("number").asInt(), created.path("node_id").asText(), op.id(), null);
        state.putIssue(op.feature(), ref);
        byCode.put(op.feature(), created);
        ledger.recordSynced(
            op.feature(), Markers.managed(f.title(), f.body(), FeatureStatus.PLANNED));
        if (f.status() == FeatureStatus.COMPLETE) {
          return update(op);
        }
        ledger.recordSynced(op.feature(), Markers.managed(f.title(), f.body(), f.status()));
        return Outcome.DONE;
      }
      return update(op);
    }

    private Outcome update(Op op) {
      CardId code = op.feature();
      Optional<Feature> found = state.feature(code);
      if (found.isEmpty()) {
        return Outcome.DONE;
      }
      Optional<LocalState.IssueRef> ref = state.issue(code);
      if (ref.isEmpty()) {
        return create(op);
      }
      Feature local = found.get();
      JsonNode issue =
          repo.issue(ref.get().number())
              .orElseThrow(
                  () ->
                      new GitHubException(
                          GitHubErrorCode.GITHUB_NOT_FOUND,
                          "issue #"
                              + ref.get().number()
                              + " of feature "
                              + code
                              + " is gone from "
                              + "the repository (deleted or transferred); discard this op and link the feature"
                              + " again"));
      SortedMap<String, String> base = ledger.base(code);
      Map<String, String> remote = remoteValues(code, issue, base);
      Merge merge =
          ledger.merge(code, Markers.managed(local.title(), local.body(), local.status()), remote);
      Set<String> conflicts = new TreeSet<>();
      for (FieldConflict c : merge.conflicts()) {
        conflicts.add(c.field());
      }
      Feature pulled =
          local.toBuilder()
              .title(merge.toPull().contains("title") ? merge.value("title") : local.title())
              .body(merge.toPull().contains("body") ? merge.value("body") : local.body())
              .status(
                  merge.toPull().contains("status")
                      ? FeatureStatus.fromWireName(merge.value("status"))
                      : local.status())
              .build();
      if (!pulled.equals(local)) {
        LOG.info(
            "feature {}: took {} from its issue #{}", code, merge.toPull(), ref.get().number());
        state.write(pulled);
        boolean projectWaiting =
            log.openOps().stream()
                .anyMatch(
                    o ->
                        o.feature().equals(code)
                            && o.kind().equals(PROJECT_STATUS)
                            && o.state() == OpState.PENDING);
        if (projects != null && pulled.status() != local.status() && !projectWaiting) {
          // a person closed or reopened the issue: the project's Status follows the pulled status
          log.enqueue(
              code, PROJECT_STATUS, json(JSON.createObjectNode().put("code", code.value())));
        }
      }
      Feature desired =
          pulled.toBuilder()
              .title(conflicts.contains("title") ? remote.get("title") : pulled.title())
              .body(conflicts.contains("body") ? remote.get("body") : pulled.body())
              .status(
                  conflicts.contains("status")
                      ? FeatureStatus.fromWireName(remote.get("status"))
                      : pulled.status())
              .build();
      ObjectNode patch = JsonNodeFactory.instance.objectNode();
      String title = Markers.title(desired);
      if (!title.equals(issue.path("title").asText())) {
        patch.put("title", title);
      }
      String body = Markers.issueBody(desired, ref.get().createOp());
      if (!body.equals(issue.path("body").asText())) {
        patch.put("body", body);
      }
      List<String> labels = labelNames(issue);
      Set<String> wanted = Markers.labels(labels, desired.status());
      if (!wanted.equals(new TreeSet<>(labels))) {
        ArrayNode array = patch.putArray("labels");
        wanted.forEach(array::add);
      }
      String wantedState = desired.status() == FeatureStatus.COMPLETE ? "closed" : "open";
      if (!wantedState.equals(issue.path("state").asText())) {
        patch.put("state", wantedState);
        patch.put("state_reason", wantedState.equals("closed") ? "completed" : "reopened");
      }
      if (!patch.isEmpty()) {
        repo.patchIssue(ref.get().number(), patch);
      }
      ledger.recordSynced(code, merge.merged());
      return Outcome.DONE;
    }

    private Outcome comment(FeatureEvent event) {
      LocalState.IssueRef ref =
          state
              .issue(event.code())
              .orElseThrow(
                  () ->
                      new GitHubException(
                          GitHubErrorCode.GITHUB_UNAVAILABLE,
                          "feature "
                              + event.code()
                              + " has no issue yet for event "
                              + event.id()
                              + "; the issue is created first on the next sync"));
      Set<String> posted = commentIds(ref.number(), false);
      if (posted.contains(event.id())) {
        LOG.debug(
            "event {} is already a comment on issue #{}; not posted again",
            event.id(),
            ref.number());
        return Outcome.DONE;
      }
      repo.comment(ref.number(), Markers.commentBody(event));
      posted.add(event.id());
      return Outcome.DONE;
    }

    /**
     * The event ids of an issue's comments, read once per sync through the paginated list (so an
     * event another host or an earlier state directory already posted is not posted twice).
     */
    private Set<String> commentIds(int number, boolean fresh) {
      if (fresh) {
        commentIds.remove(number);
      }
      Set<String> ids = commentIds.get(number);
      if (ids == null) {
        ids = new HashSet<>();
        for (JsonNode comment : repo.comments(number)) {
          Markers.eventId(comment.path("body").asText()).ifPresent(ids::add);
        }
        commentIds.put(number, ids);
      }
      return ids;
    }

    private Outcome projectStatus(CardId code) {
      Optional<Feature> feature = state.feature(code);
      if (projects == null || feature.isEmpty()) {
        return Outcome.DONE;
      }
      LocalState.IssueRef ref =
          state
              .issue(code)
              .orElseThrow(
                  () ->
                      new GitHubException(
                          GitHubErrorCode.GITHUB_UNAVAILABLE,
                          "feature "
                              + code
                              + " has no issue yet to put in the project;"
                              + " the issue is created first on the next sync"));
      String item = ref.itemId();
      if (item == null) {
        item = projects.addItem(ref.nodeId());
        state.putIssue(code, ref.withItem(item));
      }
      projects.setStatus(item, feature.get().status());
      return Outcome.DONE;
    }

    private void writeFile(String path, UnaryOperator<String> render, String message) {
      for (int attempt = 0; attempt <= FILE_RETRIES; attempt++) {
        Optional<Repo.FileContent> existing = repo.file(path, branch);
        String desired = render.apply(existing.map(Repo.FileContent::content).orElse(""));
        if (existing.isPresent() && existing.get().sha().equals(BlobSha.of(desired))) {
          return;
        }
        if (existing.isEmpty() && desired.isEmpty()) {
          return;
        }
        GitHubClient.Response r =
            repo.putFile(
                path, branch, desired, message, existing.map(Repo.FileContent::sha).orElse(null));
        if (r.status() / 100 == 2) {
          return;
        }
        if (r.status() != 409 && r.status() != 422) {
          throw repo.client().failure("PUT", "contents/" + path, r);
        }
        LOG.info(
            "{} on {} changed while it was written ({} {}); reading it again (retry {} of {})",
            path,
            branch,
            r.status(),
            r.message(),
            attempt + 1,
            FILE_RETRIES);
      }
      throw new GitHubException(
          GitHubErrorCode.GITHUB_UNAVAILABLE,
          path
              + " on "
              + branch
              + " kept changing while"
              + " it was written ("
              + FILE_RETRIES
              + " retries after 409/422); the next sync tries again");
    }
  }
}
