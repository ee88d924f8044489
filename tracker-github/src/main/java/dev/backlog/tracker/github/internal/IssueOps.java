package dev.backlog.tracker.github.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.core.CardId;
import dev.backlog.tracker.Feature;
import dev.backlog.tracker.FeatureEvent;
import dev.backlog.tracker.FeatureStatus;
import dev.backlog.tracker.github.GitHubErrorCode;
import dev.backlog.tracker.github.GitHubException;
import dev.backlog.tracker.spi.ConflictLedger;
import dev.backlog.tracker.spi.FieldConflict;
import dev.backlog.tracker.spi.Merge;
import dev.backlog.tracker.spi.Op;
import dev.backlog.tracker.spi.OpExecutor.Outcome;
import dev.backlog.tracker.spi.OpLog;
import dev.backlog.tracker.spi.OpState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issue side of one sync: creates a feature's issue (or links the one found by its marker),
 * merges the feature with its issue through the conflict ledger and patches what differs, posts
 * event comments once, and puts the issue in the project with its Status. Issue and project ops
 * render from the feature as it is when they run, so a later op never sends stale values. Not
 * thread-safe; one per sync.
 */
final class IssueOps {

  // the log category of the op runner, which wrote these lines before the issue ops moved here
  private static final Logger LOG = LoggerFactory.getLogger(OpRunner.class);

  private final Repo repo;
  private final Projects projects;
  private final LocalState state;
  private final OpLog log;
  private final ConflictLedger ledger;
  private final IssueIndex index;

  IssueOps(
      Repo repo,
      Projects projects,
      LocalState state,
      OpLog log,
      ConflictLedger ledger,
      IssueIndex index) {
    this.repo = repo;
    this.projects = projects;
    this.state = state;
    this.log = log;
    this.ledger = ledger;
    this.index = index;
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

  /** Links a feature to an existing issue, keeping the create op its marker names. */
  void adopt(CardId code, JsonNode issue) {
    String op =
        Markers.featureMarker(issue.path("body").asText())
            .map(Markers.FeatureMarker::op)
            .orElse("");
    state.putIssue(
        code,
        new LocalState.IssueRef(
            issue.path("number").asInt(), issue.path("node_id").asText(), op, null));
  }

  /** Runs a {@value OpKinds#CREATE_ISSUE} op. */
  Outcome create(Op op) {
    Optional<Feature> feature = state.feature(op.feature());
    if (feature.isEmpty()) {
      return Outcome.DONE;
    }
    if (state.issue(op.feature()).isEmpty()) {
      if (!index.loaded()) {
        index.load();
      }
      JsonNode found = index.byOp(op.id());
      if (found == null) {
        found = index.byCode(op.feature());
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
      index.created(op.feature(), created);
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

  /** Runs a {@value OpKinds#UPDATE_ISSUE} op. */
  Outcome update(Op op) {
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
      LOG.info("feature {}: took {} from its issue #{}", code, merge.toPull(), ref.get().number());
      state.write(pulled);
      boolean projectWaiting =
          log.openOps().stream()
              .anyMatch(
                  o ->
                      o.feature().equals(code)
                          && o.kind().equals(OpKinds.PROJECT_STATUS)
                          && o.state() == OpState.PENDING);
      if (projects != null && pulled.status() != local.status() && !projectWaiting) {
        // a person closed or reopened the issue: the project's Status follows the pulled status
        log.enqueue(code, OpKinds.PROJECT_STATUS, OpKinds.codeJson(code));
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

  /** Runs a {@value OpKinds#COMMENT} op. */
  Outcome comment(FeatureEvent event) {
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
    Set<String> posted = index.commentIds(ref.number(), false);
    if (posted.contains(event.id())) {
      LOG.debug(
          "event {} is already a comment on issue #{}; not posted again", event.id(), ref.number());
      return Outcome.DONE;
    }
    repo.comment(ref.number(), Markers.commentBody(event));
    posted.add(event.id());
    return Outcome.DONE;
  }

  /** Runs a {@value OpKinds#PROJECT_STATUS} op. */
  Outcome projectStatus(CardId code) {
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
}
