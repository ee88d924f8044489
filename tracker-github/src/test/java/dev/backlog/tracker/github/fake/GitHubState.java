package dev.backlog.tracker.github.fake;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The fake's data: repositories with issues, comments, labels and files; Projects v2 boards with
 * fields, options and items; rate-limit windows. Not thread-safe by itself: every access happens
 * while holding the monitor of this object (the HTTP layer and the GraphQL data fetchers do so).
 */
final class GitHubState {

  /** The login the accepted token belongs to. */
  static final String VIEWER_LOGIN = "backlog-tester";

  private final InstantSource clock;
  private long nextId = 1_000;
  final Map<String, Repo> repos = new LinkedHashMap<>();
  final List<ProjectState> projects = new ArrayList<>();
  final Map<String, Long> users = new LinkedHashMap<>();
  final Map<String, Long> orgs = new LinkedHashMap<>();
  final Map<String, RateWindow> rate = new HashMap<>();

  GitHubState(InstantSource clock) {
    this.clock = clock;
    users.put(VIEWER_LOGIN.toLowerCase(Locale.ROOT), nextId());
    rate.put("core", new RateWindow(5_000));
    rate.put("graphql", new RateWindow(5_000));
  }

  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }

  long nextId() {
    return nextId++;
  }

  /** An opaque GraphQL node id in GitHub's style: a type prefix, then base64 of the database id. */
  String nodeId(String prefix, long id) {
    byte[] bytes = ("fake:" + prefix + ":" + id).getBytes(StandardCharsets.UTF_8);
    return prefix + "_kwDO" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A new single-select option id: eight hex digits, like GitHub's. */
  String optionId() {
    long mixed = nextId() * 0x9E3779B97F4A7C15L;
    return String.format(Locale.ROOT, "%08x", (int) (mixed >>> 32));
  }

  Optional<Repo> repo(String owner, String name) {
    return Optional.ofNullable(repos.get(key(owner, name)));
  }

  static String key(String owner, String name) {
    return (owner + "/" + name).toLowerCase(Locale.ROOT);
  }

  Repo createRepo(String owner, String name) {
    Repo existing = repos.get(key(owner, name));
    if (existing != null) {
      return existing;
    }
    long id = nextId();
    Repo repo = new Repo(id, nodeId("R", id), owner, name, "main");
    repo.branches.put("main", new LinkedHashMap<>());
    repos.put(key(owner, name), repo);
    return repo;
  }

  Optional<Issue> issueByNodeId(String nodeId) {
    for (Repo repo : repos.values()) {
      for (Issue issue : repo.issues) {
        if (issue.nodeId.equals(nodeId)) {
          return Optional.of(issue);
        }
      }
    }
    return Optional.empty();
  }

  Optional<ProjectState> projectByNodeId(String nodeId) {
    return projects.stream().filter(p -> p.project.nodeId().equals(nodeId)).findFirst();
  }

  Optional<ProjectState> project(String ownerLogin, boolean organization, int number) {
    return projects.stream()
        .filter(
            p ->
                p.project.organization() == organization
                    && p.project.ownerLogin().equalsIgnoreCase(ownerLogin)
                    && p.project.number() == number)
        .findFirst();
  }

  Label label(Repo repo, String name) {
    return repo.labels.computeIfAbsent(
        name.toLowerCase(Locale.ROOT),
        n -> {
          long id = nextId();
          return new Label(id, nodeId("LA", id), name, "ededed");
        });
  }

  Issue createIssue(Repo repo, String title, String body, List<String> labels, String login) {
    long id = nextId();
    Issue issue = new Issue(repo, id, nodeId("I", id), repo.issues.size() + 1, login, now());
    issue.title = title;
    issue.body = body;
    for (String name : labels) {
      Label label = label(repo, name);
      if (!issue.labels.contains(label)) {
        issue.labels.add(label);
      }
    }
    repo.issues.add(issue);
    return issue;
  }

  void setLabels(Issue issue, List<String> names) {
    issue.labels.clear();
    for (String name : names) {
      Label label = label(issue.repo, name);
      if (!issue.labels.contains(label)) {
        issue.labels.add(label);
      }
    }
  }

  void setState(Issue issue, String state, String stateReason) {
    if (state.equals("closed")) {
      if (!issue.state.equals("closed")) {
        issue.closedAt = now();
      }
      issue.state = "closed";
      issue.stateReason = stateReason == null ? "completed" : stateReason;
    } else {
      if (issue.state.equals("closed")) {
        issue.stateReason = "reopened";
      } else if (stateReason != null) {
        issue.stateReason = stateReason;
      }
      issue.state = "open";
      issue.closedAt = null;
    }
  }

  Comment addComment(Issue issue, String body, String login) {
    long id = nextId();
    Comment comment = new Comment(id, nodeId("IC", id), body, login, now());
    issue.comments.add(comment);
    issue.updatedAt = now();
    return comment;
  }

  /** Writes a file on a branch (creating the branch), returns the new commit's sha. */
  String writeFile(Repo repo, String branch, String path, byte[] content, String message) {
    Map<String, FileState> files =
        repo.branches.computeIfAbsent(branch, b -> new LinkedHashMap<>());
    files.put(path, new FileState(content, blobSha(content)));
    repo.commits++;
    return sha1Hex(
        ("commit " + repo.fullName() + " " + branch + " " + repo.commits + " " + message)
            .getBytes(StandardCharsets.UTF_8));
  }

  ProjectState createProject(
      String ownerLogin, boolean organization, int number, List<String> statusOptions) {
    if (project(ownerLogin, organization, number).isPresent()) {
      throw new IllegalStateException(
          "project " + number + " of " + ownerLogin + " already exists");
    }
    Map<String, Long> owners = organization ? orgs : users;
    long ownerId = owners.computeIfAbsent(ownerLogin.toLowerCase(Locale.ROOT), l -> nextId());
    long id = nextId();
    ProjectState project =
        new ProjectState(
            new Project(ownerLogin, organization, number, nodeId("PVT", id)),
            id,
            ownerId,
            "Backlog " + number,
            now());
    for (String[] plain : new String[][] {{"Title", "TITLE"}, {"Assignees", "ASSIGNEES"}}) {
      long fieldId = nextId();
      project.fields.add(new Field(nodeId("PVTF", fieldId), fieldId, plain[0], plain[1], null));
    }
    long statusId = nextId();
    List<Option> options = new ArrayList<>();
    for (String name : statusOptions) {
      options.add(new Option(optionId(), name));
    }
    project.fields.add(
        new Field(nodeId("PVTSSF", statusId), statusId, "Status", "SINGLE_SELECT", options));
    long labelsId = nextId();
    project.fields.add(new Field(nodeId("PVTF", labelsId), labelsId, "Labels", "LABELS", null));
    projects.add(project);
    return project;
  }

  /** Gives every option of every single-select field a new id; item values follow their option. */
  void renameOptionIds(ProjectState project) {
    for (Field field : project.fields) {
      if (field.options == null) {
        continue;
      }
      Map<String, String> renamed = new HashMap<>();
      for (Option option : field.options) {
        String fresh = optionId();
        renamed.put(option.id, fresh);
        option.id = fresh;
      }
      for (Item item : project.items) {
        String old = item.values.get(field.id);
        if (old != null) {
          item.values.put(field.id, renamed.get(old));
        }
      }
    }
    project.updatedAt = now();
  }

  /** Adds the issue to the project, or returns the item it already has there. */
  Item addItem(ProjectState project, Issue issue) {
    for (Item item : project.items) {
      if (item.content == issue) {
        return item;
      }
    }
    long id = nextId();
    Item item = new Item(nodeId("PVTI", id), id, project, issue, now());
    project.items.add(item);
    project.updatedAt = now();
    return item;
  }

  RateWindow window(String resource) {
    RateWindow window = rate.get(resource);
    window.refresh(clock.instant());
    return window;
  }

  static String blobSha(byte[] content) {
    byte[] header = ("blob " + content.length + "\0").getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[header.length + content.length];
    System.arraycopy(header, 0, all, 0, header.length);
    System.arraycopy(content, 0, all, header.length, content.length);
    return sha1Hex(all);
  }

  static String sha1Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every Java platform", e);
    }
  }

  /** A repository. */
  static final class Repo {
    final long id;
    final String nodeId;
    final String owner;
    final String name;
    final String defaultBranch;
    final List<Issue> issues = new ArrayList<>();
    final Map<String, Label> labels = new LinkedHashMap<>();
    final Map<String, Map<String, FileState>> branches = new LinkedHashMap<>();
    long commits;

    Repo(long id, String nodeId, String owner, String name, String defaultBranch) {
      this.id = id;
      this.nodeId = nodeId;
      this.owner = owner;
      this.name = name;
      this.defaultBranch = defaultBranch;
    }

    String fullName() {
      return owner + "/" + name;
    }

    Optional<Issue> issue(int number) {
      return number >= 1 && number <= issues.size()
          ? Optional.of(issues.get(number - 1))
          : Optional.empty();
    }
  }

  /** An issue. */
  static final class Issue {
    final Repo repo;
    final long id;
    final String nodeId;
    final int number;
    final String login;
    final Instant createdAt;
    String title = "";
    String body;
    String state = "open";
    String stateReason;
    final List<Label> labels = new ArrayList<>();
    final List<Comment> comments = new ArrayList<>();
    Instant updatedAt;
    Instant closedAt;

    Issue(Repo repo, long id, String nodeId, int number, String login, Instant createdAt) {
      this.repo = repo;
      this.id = id;
      this.nodeId = nodeId;
      this.number = number;
      this.login = login;
      this.createdAt = createdAt;
      this.updatedAt = createdAt;
    }

    FakeIssue snapshot() {
      return new FakeIssue(
          number,
          nodeId,
          title,
          body == null ? "" : body,
          state,
          labels.stream().map(l -> l.name).toList(),
          comments.stream().map(c -> new FakeComment(c.id, c.body, c.login)).toList());
    }
  }

  /** An issue comment. */
  static final class Comment {
    final long id;
    final String nodeId;
    final String body;
    final String login;
    final Instant createdAt;

    Comment(long id, String nodeId, String body, String login, Instant createdAt) {
      this.id = id;
      this.nodeId = nodeId;
      this.body = body;
      this.login = login;
      this.createdAt = createdAt;
    }
  }

  /** A repository label. */
  static final class Label {
    final long id;
    final String nodeId;
    final String name;
    final String color;

    Label(long id, String nodeId, String name, String color) {
      this.id = id;
      this.nodeId = nodeId;
      this.name = name;
      this.color = color;
    }
  }

  /** One file version on a branch. */
  record FileState(byte[] content, String sha) {}

  /** A Projects v2 board. */
  static final class ProjectState {
    final Project project;
    final long databaseId;
    final long ownerId;
    final String title;
    final Instant createdAt;
    Instant updatedAt;
    final List<Field> fields = new ArrayList<>();
    final List<Item> items = new ArrayList<>();

    ProjectState(Project project, long databaseId, long ownerId, String title, Instant createdAt) {
      this.project = project;
      this.databaseId = databaseId;
      this.ownerId = ownerId;
      this.title = title;
      this.createdAt = createdAt;
      this.updatedAt = createdAt;
    }

    Optional<Field> field(String name) {
      return fields.stream().filter(f -> f.name.equalsIgnoreCase(name)).findFirst();
    }

    Optional<Field> fieldById(String id) {
      return fields.stream().filter(f -> f.id.equals(id)).findFirst();
    }

    String url() {
      return "https://github.com/"
          + (project.organization() ? "orgs/" : "users/")
          + project.ownerLogin()
          + "/projects/"
          + project.number();
    }
  }

  /** A project field; {@code options} is null unless it is a single-select field. */
  static final class Field {
    final String id;
    final long databaseId;
    final String name;
    final String dataType;
    final List<Option> options;

    Field(String id, long databaseId, String name, String dataType, List<Option> options) {
      this.id = id;
      this.databaseId = databaseId;
      this.name = name;
      this.dataType = dataType;
      this.options = options;
    }

    Optional<Option> option(String optionId) {
      return options == null
          ? Optional.empty()
          : options.stream().filter(o -> o.id.equals(optionId)).findFirst();
    }
  }

  /** A single-select option; its id can change (see {@link GitHubState#renameOptionIds}). */
  static final class Option {
    String id;
    final String name;

    Option(String id, String name) {
      this.id = id;
      this.name = name;
    }
  }

  /**
   * A project item whose content is an issue; {@code values} maps a single-select field id to an
   * option id.
   */
  static final class Item {
    final String id;
    final long databaseId;
    final ProjectState project;
    final Issue content;
    final Map<String, String> values = new LinkedHashMap<>();
    final Instant createdAt;
    Instant updatedAt;

    Item(String id, long databaseId, ProjectState project, Issue content, Instant createdAt) {
      this.id = id;
      this.databaseId = databaseId;
      this.project = project;
      this.content = content;
      this.createdAt = createdAt;
      this.updatedAt = createdAt;
    }
  }

  /**
   * One resource's primary rate-limit window (an hour long, restarted when the clock passes its
   * reset).
   */
  static final class RateWindow {
    int limit;
    int used;
    Instant reset;

    RateWindow(int limit) {
      this.limit = limit;
    }

    void refresh(Instant now) {
      if (reset == null || !now.isBefore(reset)) {
        used = 0;
        reset = now.plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
      }
    }

    int remaining() {
      return Math.max(0, limit - used);
    }

    boolean exhausted() {
      return used >= limit;
    }
  }
}
