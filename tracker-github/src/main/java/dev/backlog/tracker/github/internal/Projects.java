package dev.backlog.tracker.github.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.tracker.FeatureStatus;
import dev.backlog.tracker.github.GitHubErrorCode;
import dev.backlog.tracker.github.GitHubException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a feature's item in a Projects v2 project and its single-select {@code Status} field in
 * step, over GraphQL. The project is resolved through {@code user(login)} and, when the owner is
 * not a user, {@code organization(login)} {@code projectV2(number)}; its {@code Status} field and
 * option ids are cached and read again once when GitHub refuses an option id (options renamed or
 * recreated). An option is matched to a status by name, ignoring case, spaces and hyphens ({@code
 * In Progress} is {@code in_progress}); a status without an option is an error that names the
 * options the field has, never a guess.
 *
 * <p>Not thread-safe; used under the provider's lock.
 */
public final class Projects {

  private static final Logger LOG = LoggerFactory.getLogger(Projects.class);

  static final String PROJECT_QUERY_TEMPLATE =
      "query($login: String!, $number: Int!) {\n"
          + "  OWNER(login: $login) {\n"
          + "    projectV2(number: $number) {\n"
          + "      id\n      title\n      url\n"
          + "      fields(first: 100) {\n"
          + "        nodes {\n"
          + "          ... on ProjectV2SingleSelectField { id name options { id name } }\n"
          + "          ... on ProjectV2Field { id name }\n"
          + "        }\n"
          + "      }\n"
          + "    }\n"
          + "  }\n"
          + "}";

  /** Adds content to a project; GitHub returns the existing item when it is already there. */
  public static final String ADD_ITEM =
      "mutation($input: AddProjectV2ItemByIdInput!) {\n"
          + "  addProjectV2ItemById(input: $input) { item { id } }\n"
          + "}";

  /** Sets a single-select field of an item. */
  public static final String SET_FIELD =
      "mutation($input: UpdateProjectV2ItemFieldValueInput!) {\n"
          + "  updateProjectV2ItemFieldValue(input: $input) { projectV2Item { id } }\n"
          + "}";

  /** The user-owned form of the project query. */
  public static final String USER_PROJECT_QUERY = PROJECT_QUERY_TEMPLATE.replace("OWNER", "user");

  /** The organization-owned form of the project query. */
  public static final String ORG_PROJECT_QUERY =
      PROJECT_QUERY_TEMPLATE.replace("OWNER", "organization");

  private final GitHubClient client;
  private final String owner;
  private final int number;
  private Project project;

  /** The resolved project: its node id, the {@code Status} field and its options (name → id). */
  public record Project(
      String id,
      String title,
      boolean organization,
      String statusFieldId,
      Map<String, String> options) {}

  /** Creates the helper for project {@code number} of {@code owner}. */
  public Projects(GitHubClient client, String owner, int number) {
    this.client = Objects.requireNonNull(client, "client");
    this.owner = Objects.requireNonNull(owner, "owner");
    this.number = number;
  }

  /** The project, resolved on first use. */
  public Project project() {
    if (project == null) {
      project = resolve(Optional.empty());
    }
    return project;
  }

  private Project resolve(Optional<Boolean> knownOrg) {
    List<String> problems = new ArrayList<>();
    for (boolean org : knownOrg.map(List::of).orElse(List.of(false, true))) {
      ObjectNode vars = JsonNodeFactory.instance.objectNode();
      vars.put("login", owner);
      vars.put("number", number);
      JsonNode answer = client.graphql(org ? ORG_PROJECT_QUERY : USER_PROJECT_QUERY, vars, false);
      String root = org ? "organization" : "user";
      JsonNode ownerNode = answer.path("data").path(root);
      if (ownerNode.isMissingNode() || ownerNode.isNull()) {
        problems.add(messages(answer));
        continue;
      }
      JsonNode p = ownerNode.path("projectV2");
      if (p.isMissingNode() || p.isNull()) {
        throw new GitHubException(
            GitHubErrorCode.GITHUB_NOT_FOUND,
            "the "
                + root
                + " "
                + owner
                + " has no project number "
                + number
                + " visible to the token ("
                + messages(answer)
                + "); check tracker.github.projectNumber and that the token has the project scope");
      }
      String fieldId = null;
      Map<String, String> options = new LinkedHashMap<>();
      for (JsonNode field : p.path("fields").path("nodes")) {
        if ("Status".equals(field.path("name").asText()) && field.has("options")) {
          fieldId = field.path("id").asText();
          for (JsonNode option : field.path("options")) {
            options.put(option.path("name").asText(), option.path("id").asText());
          }
        }
      }
      if (fieldId == null) {
        throw new GitHubException(
            GitHubErrorCode.GITHUB_PROJECT_SETUP,
            "project '"
                + p.path("title").asText()
                + "' (#"
                + number
                + " of "
                + owner
                + ") has no single-select field named Status; add one with the"
                + " options planned, in_progress, blocked and complete");
      }
      return new Project(p.path("id").asText(), p.path("title").asText(), org, fieldId, options);
    }
    throw new GitHubException(
        GitHubErrorCode.GITHUB_NOT_FOUND,
        "could not resolve "
            + owner
            + " as a user or an organization on GitHub ("
            + String.join("; ", problems)
            + "); check the owner in tracker.github.repo and apiUrl");
  }

  /** The option id for a status, by name. */
  public static Optional<String> optionFor(Map<String, String> options, FeatureStatus status) {
    for (Map.Entry<String, String> option : options.entrySet()) {
      if (normalize(option.getKey()).equals(status.wireName())) {
        return Optional.of(option.getValue());
      }
    }
    return Optional.empty();
  }

  private static String normalize(String name) {
    return name.strip().toLowerCase(Locale.ROOT).replaceAll("[\\s-]+", "_");
  }

  /**
   * Adds an issue (by node id) to the project, returning its item id; idempotent on GitHub's side.
   */
  public String addItem(String issueNodeId) {
    ObjectNode input = JsonNodeFactory.instance.objectNode();
    input.put("projectId", project().id());
    input.put("contentId", issueNodeId);
    ObjectNode vars = JsonNodeFactory.instance.objectNode();
    vars.set("input", input);
    JsonNode answer = client.graphql(ADD_ITEM, vars, true);
    JsonNode id = answer.path("data").path("addProjectV2ItemById").path("item").path("id");
    if (!id.isTextual()) {
      throw new GitHubException(
          GitHubErrorCode.GITHUB_UNAVAILABLE,
          "could not add issue "
              + issueNodeId
              + " to project #"
              + number
              + " of "
              + owner
              + ": "
              + messages(answer));
    }
    return id.asText();
  }

  /**
   * Sets an item's Status to the option for {@code status}. When GitHub refuses the option id, the
   * options are read again once and the update retried.
   *
   * @throws GitHubException when the field has no option for the status, or GitHub refuses the
   *     update
   */
  public void setStatus(String itemId, FeatureStatus status) {
    boolean refreshed = false;
    while (true) {
      Project p = project();
      Optional<String> option = optionFor(p.options(), status);
      if (option.isEmpty() && !refreshed) {
        project = resolve(Optional.of(p.organization()));
        refreshed = true;
        continue;
      }
      if (option.isEmpty()) {
        throw new GitHubException(
            GitHubErrorCode.GITHUB_PROJECT_SETUP,
            "project '"
                + p.title()
                + "' (#"
                + number
                + " of "
                + owner
                + ") has no Status option for '"
                + status.wireName()
                + "' (it has "
                + p.options().keySet()
                + "); add an option named "
                + status.wireName()
                + " to its Status field");
      }
      JsonNode answer = update(p, itemId, option.get());
      if (answer.path("errors").isEmpty()) {
        return;
      }
      if (refreshed) {
        throw new GitHubException(
            GitHubErrorCode.GITHUB_UNAVAILABLE,
            "project #"
                + number
                + " of "
                + owner
                + " refused setting Status to "
                + status.wireName()
                + ": "
                + messages(answer));
      }
      LOG.info(
          "project #{} of {} refused a Status update ({}); reading its options again",
          number,
          owner,
          messages(answer));
      project = resolve(Optional.of(p.organization()));
      refreshed = true;
    }
  }

  private JsonNode update(Project p, String itemId, String option) {
    ObjectNode value = JsonNodeFactory.instance.objectNode();
    value.put("singleSelectOptionId", option);
    ObjectNode input = JsonNodeFactory.instance.objectNode();
    input.put("projectId", p.id());
    input.put("itemId", itemId);
    input.put("fieldId", p.statusFieldId());
    input.set("value", value);
    ObjectNode vars = JsonNodeFactory.instance.objectNode();
    vars.set("input", input);
    return client.graphql(SET_FIELD, vars, true);
  }

  private static String messages(JsonNode answer) {
    List<String> out = new ArrayList<>();
    answer.path("errors").forEach(e -> out.add(e.path("message").asText()));
    return out.isEmpty() ? "no details" : String.join("; ", out);
  }
}
