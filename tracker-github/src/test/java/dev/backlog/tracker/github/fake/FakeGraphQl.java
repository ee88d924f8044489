package dev.backlog.tracker.github.fake;

import dev.backlog.tracker.github.fake.GitHubState.Field;
import dev.backlog.tracker.github.fake.GitHubState.Issue;
import dev.backlog.tracker.github.fake.GitHubState.Item;
import dev.backlog.tracker.github.fake.GitHubState.Option;
import dev.backlog.tracker.github.fake.GitHubState.ProjectState;
import dev.backlog.tracker.github.fake.GitHubState.RateWindow;
import dev.backlog.tracker.github.fake.GitHubState.Repo;
import graphql.ErrorClassification;
import graphql.ErrorType;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLError;
import graphql.InvalidSyntaxError;
import graphql.execution.DataFetcherResult;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.execution.preparsed.PreparsedDocumentProvider;
import graphql.language.BooleanValue;
import graphql.language.FieldDefinition;
import graphql.language.FloatValue;
import graphql.language.IntValue;
import graphql.language.InterfaceTypeDefinition;
import graphql.language.ObjectTypeDefinition;
import graphql.language.SourceLocation;
import graphql.language.StringValue;
import graphql.language.TypeDefinition;
import graphql.schema.Coercing;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLSchema;
import graphql.schema.TypeResolver;
import graphql.schema.idl.FieldWiringEnvironment;
import graphql.schema.idl.InterfaceWiringEnvironment;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.ScalarInfo;
import graphql.schema.idl.ScalarWiringEnvironment;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import graphql.schema.idl.UnionWiringEnvironment;
import graphql.schema.idl.WiringFactory;
import graphql.validation.ValidationError;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * The fake's {@code /graphql} endpoint: every document is parsed and validated against GitHub's
 * published schema, then the supported subset (Projects v2 lookups and mutations, issue project
 * items, rate limit) is executed over {@link GitHubState}; all other fields resolve to null.
 * Thread-safe: execution holds the state's monitor; the schema is parsed once per JVM and shared.
 */
final class FakeGraphQl {

  private static final String SCHEMA_RESOURCE = "/github/schema.graphql.gz";
  private static final String SOURCE = "__source";
  private static final String TYPENAME = "__typename";

  private final GitHubState state;
  private final GraphQL graphQl;
  private final Map<String, PreparsedDocumentEntry> documents = new ConcurrentHashMap<>();

  FakeGraphQl(GitHubState state) {
    this.state = state;
    PreparsedDocumentProvider cache =
        new PreparsedDocumentProvider() {
          @Override
          public CompletableFuture<PreparsedDocumentEntry> getDocumentAsync(
              ExecutionInput input,
              Function<ExecutionInput, PreparsedDocumentEntry> parseAndValidate) {
            return CompletableFuture.completedFuture(
                documents.computeIfAbsent(input.getQuery(), q -> parseAndValidate.apply(input)));
          }
        };
    this.graphQl = GraphQL.newGraphQL(SchemaHolder.SCHEMA).preparsedDocumentProvider(cache).build();
  }

  /**
   * Parses GitHub's schema (about 1.2 MB), once; call early to take the cost outside a timed test.
   */
  static GraphQLSchema schema() {
    return SchemaHolder.SCHEMA;
  }

  /** The outcome of one request: the JSON-ready response and the validation problems it showed. */
  record Outcome(Map<String, Object> response, List<String> violations) {}

  Outcome execute(String query, Map<String, Object> variables, String operationName) {
    ExecutionInput.Builder input =
        ExecutionInput.newExecutionInput()
            .query(query)
            .variables(variables == null ? Map.of() : variables)
            .graphQLContext(Map.of(GitHubState.class, state));
    if (operationName != null) {
      input.operationName(operationName);
    }
    ExecutionResult result;
    synchronized (state) {
      result = graphQl.execute(input.build());
    }
    Map<String, Object> response = new LinkedHashMap<>();
    List<String> violations = new ArrayList<>();
    if (result.isDataPresent()) {
      response.put("data", result.getData());
    }
    if (!result.getErrors().isEmpty()) {
      List<Map<String, Object>> errors = new ArrayList<>();
      for (GraphQLError error : result.getErrors()) {
        errors.add(githubError(error));
        if (isViolation(error)) {
          violations.add(error.getMessage() + " — in document: " + query.strip());
        }
      }
      response.put("errors", errors);
    }
    return new Outcome(response, violations);
  }

  private static boolean isViolation(GraphQLError error) {
    if (error instanceof ValidationError || error instanceof InvalidSyntaxError) {
      return true;
    }
    ErrorClassification type = error.getErrorType();
    if (type == ErrorType.ValidationError || type == ErrorType.InvalidSyntax) {
      return true;
    }
    Object githubType = error.getExtensions() == null ? null : error.getExtensions().get("type");
    return "MISSING_PAGINATION_BOUNDARIES".equals(githubType)
        || "EXCESSIVE_PAGINATION".equals(githubType);
  }

  /**
   * Shapes an error as GitHub does: {@code type}, {@code path}, {@code locations}, {@code message}.
   */
  private static Map<String, Object> githubError(GraphQLError error) {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Object> extensions = error.getExtensions();
    if (extensions != null && extensions.get("type") != null) {
      out.put("type", extensions.get("type"));
    }
    if (error.getPath() != null && !error.getPath().isEmpty()) {
      out.put("path", error.getPath());
    }
    if (error instanceof ValidationError validation) {
      out.put("extensions", Map.of("code", String.valueOf(validation.getValidationErrorType())));
    } else if (error instanceof InvalidSyntaxError) {
      out.put("extensions", Map.of("code", "parseError"));
    } else if (error.getErrorType() == ErrorType.ValidationError) {
      out.put("extensions", Map.of("code", "variableMismatch"));
    }
    if (error.getLocations() != null && !error.getLocations().isEmpty()) {
      List<Map<String, Object>> locations = new ArrayList<>();
      for (SourceLocation location : error.getLocations()) {
        locations.add(Map.of("line", location.getLine(), "column", location.getColumn()));
      }
      out.put("locations", locations);
    }
    out.put("message", error.getMessage());
    return out;
  }

  /** The executable schema, built once per JVM (immutable, shared by every fake). */
  private static final class SchemaHolder {
    static final GraphQLSchema SCHEMA = load();

    private static GraphQLSchema load() {
      try (InputStream raw = FakeGraphQl.class.getResourceAsStream(SCHEMA_RESOURCE)) {
        if (raw == null) {
          throw new IllegalStateException("test resource " + SCHEMA_RESOURCE + " is missing");
        }
        try (Reader reader =
            new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8)) {
          TypeDefinitionRegistry registry = new SchemaParser().parse(reader);
          dropDuplicateFields(registry);
          RuntimeWiring wiring =
              RuntimeWiring.newRuntimeWiring().wiringFactory(new Wiring()).build();
          return new SchemaGenerator().makeExecutableSchema(registry, wiring);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + SCHEMA_RESOURCE, e);
      }
    }
  }

  /**
   * The published schema declares a few fields twice on one type (identical copies, e.g. {@code
   * EnterpriseOwnerInfo.repositoryDeployKeySetting}); GitHub's own server accepts that,
   * graphql-java does not, so the later copies are dropped.
   */
  private static void dropDuplicateFields(TypeDefinitionRegistry registry) {
    for (TypeDefinition<?> type : List.copyOf(registry.types().values())) {
      if (type instanceof ObjectTypeDefinition object) {
        List<FieldDefinition> unique = unique(object.getFieldDefinitions());
        if (unique.size() != object.getFieldDefinitions().size()) {
          registry.remove(object);
          registry.add(object.transform(b -> b.fieldDefinitions(unique)));
        }
      } else if (type instanceof InterfaceTypeDefinition iface) {
        List<FieldDefinition> unique = unique(iface.getFieldDefinitions());
        if (unique.size() != iface.getFieldDefinitions().size()) {
          registry.remove(iface);
          registry.add(iface.transform(b -> b.definitions(unique)));
        }
      }
    }
  }

  private static List<FieldDefinition> unique(List<FieldDefinition> fields) {
    Map<String, FieldDefinition> byName = new LinkedHashMap<>();
    for (FieldDefinition field : fields) {
      byName.putIfAbsent(field.getName(), field);
    }
    return List.copyOf(byName.values());
  }

  /**
   * Scalars pass through, abstract types resolve by {@code __typename}, the supported fields are
   * wired.
   */
  private static final class Wiring implements WiringFactory {
    private final Map<String, DataFetcher<?>> fetchers = Fetchers.all();

    @Override
    public boolean providesScalar(ScalarWiringEnvironment environment) {
      return !ScalarInfo.isGraphqlSpecifiedScalar(environment.getScalarTypeDefinition().getName());
    }

    @Override
    public GraphQLScalarType getScalar(ScalarWiringEnvironment environment) {
      return GraphQLScalarType.newScalar()
          .name(environment.getScalarTypeDefinition().getName())
          .coercing(new PassThrough())
          .build();
    }

    @Override
    public boolean providesTypeResolver(InterfaceWiringEnvironment environment) {
      return true;
    }

    @Override
    public TypeResolver getTypeResolver(InterfaceWiringEnvironment environment) {
      return Wiring::resolveType;
    }

    @Override
    public boolean providesTypeResolver(UnionWiringEnvironment environment) {
      return true;
    }

    @Override
    public TypeResolver getTypeResolver(UnionWiringEnvironment environment) {
      return Wiring::resolveType;
    }

    private static graphql.schema.GraphQLObjectType resolveType(
        graphql.TypeResolutionEnvironment env) {
      Object typename = env.getObject() instanceof Map<?, ?> map ? map.get(TYPENAME) : null;
      return typename == null ? null : env.getSchema().getObjectType(typename.toString());
    }

    @Override
    public boolean providesDataFetcher(FieldWiringEnvironment environment) {
      return fetchers.containsKey(
          environment.getParentType().getName() + "." + environment.getFieldDefinition().getName());
    }

    @Override
    public DataFetcher<?> getDataFetcher(FieldWiringEnvironment environment) {
      return fetchers.get(
          environment.getParentType().getName() + "." + environment.getFieldDefinition().getName());
    }

    @Override
    public DataFetcher<?> getDefaultDataFetcher(FieldWiringEnvironment environment) {
      String name = environment.getFieldDefinition().getName();
      return env -> env.getSource() instanceof Map<?, ?> map ? map.get(name) : null;
    }
  }

  /** A custom scalar that keeps values as they are (strings, numbers, booleans). */
  private static final class PassThrough implements Coercing<Object, Object> {
    @Override
    public Object serialize(Object dataFetcherResult) {
      return dataFetcherResult instanceof Instant instant ? instant.toString() : dataFetcherResult;
    }

    @Override
    public Object parseValue(Object input) {
      return input;
    }

    @Override
    public Object parseLiteral(Object input) {
      if (input instanceof StringValue s) {
        return s.getValue();
      }
      if (input instanceof IntValue i) {
        return i.getValue();
      }
      if (input instanceof FloatValue f) {
        return f.getValue();
      }
      if (input instanceof BooleanValue b) {
        return b.isValue();
      }
      return input;
    }
  }

  /** A GitHub-style execution error (NOT_FOUND, INVALID_ARGUMENT, pagination limits). */
  private static final class GitHubError implements GraphQLError {
    private static final long serialVersionUID = 1L;
    private final String type;
    private final String message;
    private final List<Object> path;
    private final List<SourceLocation> locations;

    GitHubError(String type, String message, DataFetchingEnvironment env) {
      this.type = type;
      this.message = message;
      this.path = env.getExecutionStepInfo().getPath().toList();
      SourceLocation location = env.getField().getSourceLocation();
      this.locations = location == null ? List.of() : List.of(location);
    }

    @Override
    public String getMessage() {
      return message;
    }

    @Override
    public List<SourceLocation> getLocations() {
      return locations;
    }

    @Override
    public ErrorClassification getErrorType() {
      return ErrorType.DataFetchingException;
    }

    @Override
    public List<Object> getPath() {
      return path;
    }

    @Override
    public Map<String, Object> getExtensions() {
      return Map.of("type", type);
    }
  }

  /** The data fetchers of the supported subset; each reads the state from the GraphQL context. */
  private static final class Fetchers {
    private Fetchers() {}

    static Map<String, DataFetcher<?>> all() {
      Map<String, DataFetcher<?>> f = new LinkedHashMap<>();
      f.put("Query.user", env -> owner(env, false));
      f.put("Query.organization", env -> owner(env, true));
      f.put("Query.viewer", env -> userMap(state(env), GitHubState.VIEWER_LOGIN));
      f.put(
          "Query.node",
          env -> {
            String id = env.getArgument("id");
            Optional<Map<String, Object>> node = node(state(env), id);
            return node.isPresent()
                ? node.get()
                : failure(
                    env,
                    "NOT_FOUND",
                    "Could not resolve to a node with the global id of '" + id + "'");
          });
      f.put(
          "Query.nodes",
          env -> {
            List<String> ids = env.getArgument("ids");
            List<Map<String, Object>> out = new ArrayList<>();
            for (String id : ids) {
              out.add(node(state(env), id).orElse(null));
            }
            return out;
          });
      f.put("Query.rateLimit", env -> rateLimit(state(env)));
      f.put(
          "Query.repository",
          env -> {
            String owner = env.getArgument("owner");
            String name = env.getArgument("name");
            Optional<Repo> repo = state(env).repo(owner, name);
            return repo.isPresent()
                ? repoMap(repo.get())
                : failure(
                    env,
                    "NOT_FOUND",
                    "Could not resolve to a Repository with the name '"
                        + owner
                        + "/"
                        + name
                        + "'.");
          });
      f.put(
          "Repository.issue",
          env -> {
            Repo repo = source(env, Repo.class);
            int number = env.getArgument("number");
            Optional<Issue> issue = repo.issue(number);
            return issue.isPresent()
                ? issueMap(issue.get())
                : failure(
                    env,
                    "NOT_FOUND",
                    "Could not resolve to an Issue with the number of " + number + ".");
          });
      DataFetcher<?> projectOfOwner =
          env -> {
            Map<String, Object> owner = env.getSource();
            boolean organization = "Organization".equals(owner.get(TYPENAME));
            int number = env.getArgument("number");
            Optional<ProjectState> project =
                state(env).project((String) owner.get("login"), organization, number);
            return project.isPresent()
                ? projectMap(project.get())
                : failure(
                    env,
                    "NOT_FOUND",
                    "Could not resolve to a ProjectV2 with the number " + number + ".");
          };
      f.put("User.projectV2", projectOfOwner);
      f.put("Organization.projectV2", projectOfOwner);
      f.put(
          "ProjectV2.owner",
          env -> {
            ProjectState project = source(env, ProjectState.class);
            return project.project.organization()
                ? orgMap(state(env), project.project.ownerLogin())
                : userMap(state(env), project.project.ownerLogin());
          });
      f.put(
          "ProjectV2.fields",
          env -> {
            ProjectState project = source(env, ProjectState.class);
            return connection(env, "fields", project.fields, field -> fieldMap(field, project));
          });
      f.put(
          "ProjectV2.field",
          env -> {
            ProjectState project = source(env, ProjectState.class);
            return project
                .field(env.getArgument("name"))
                .map(field -> fieldMap(field, project))
                .orElse(null);
          });
      f.put(
          "ProjectV2.items",
          env ->
              connection(env, "items", source(env, ProjectState.class).items, Fetchers::itemMap));
      f.put(
          "ProjectV2SingleSelectField.options",
          env -> {
            Field field = source(env, Field.class);
            List<String> names = env.getArgument("names");
            List<Map<String, Object>> out = new ArrayList<>();
            for (Option option : field.options) {
              if (names == null || names.contains(option.name)) {
                out.add(optionMap(option));
              }
            }
            return out;
          });
      f.put(
          "ProjectV2Item.fieldValueByName",
          env -> {
            Item item = source(env, Item.class);
            return item.project
                .field(env.getArgument("name"))
                .flatMap(field -> singleSelectValue(item, field))
                .orElse(null);
          });
      f.put(
          "Issue.projectItems",
          env -> {
            Issue issue = source(env, Issue.class);
            List<Item> items = new ArrayList<>();
            for (ProjectState project : state(env).projects) {
              for (Item item : project.items) {
                if (item.content == issue) {
                  items.add(item);
                }
              }
            }
            return connection(env, "projectItems", items, Fetchers::itemMap);
          });
      f.put("Mutation.addProjectV2ItemById", Fetchers::addItem);
      f.put("Mutation.updateProjectV2ItemFieldValue", Fetchers::updateValue);
      f.put("Mutation.clearProjectV2ItemFieldValue", Fetchers::clearValue);
      f.put("Mutation.deleteProjectV2Item", Fetchers::deleteItem);
      return f;
    }

    private static GitHubState state(DataFetchingEnvironment env) {
      return env.getGraphQlContext().get(GitHubState.class);
    }

    private static <T> T source(DataFetchingEnvironment env, Class<T> type) {
      Map<String, Object> map = env.getSource();
      return type.cast(map.get(SOURCE));
    }

    private static DataFetcherResult<Object> failure(
        DataFetchingEnvironment env, String type, String message) {
      return DataFetcherResult.newResult()
          .data(null)
          .error(new GitHubError(type, message, env))
          .build();
    }

    private static Object owner(DataFetchingEnvironment env, boolean organization) {
      GitHubState state = state(env);
      String login = env.getArgument("login");
      String key = login.toLowerCase(Locale.ROOT);
      if (organization ? state.orgs.containsKey(key) : state.users.containsKey(key)) {
        return organization ? orgMap(state, login) : userMap(state, login);
      }
      return failure(
          env,
          "NOT_FOUND",
          "Could not resolve to "
              + (organization ? "an Organization" : "a User")
              + " with the login of '"
              + login
              + "'.");
    }

    private static Map<String, Object> userMap(GitHubState state, String login) {
      long id = state.users.getOrDefault(login.toLowerCase(Locale.ROOT), 0L);
      Map<String, Object> m = typed("User", null);
      m.put("id", state.nodeId("U", id));
      m.put("login", login);
      m.put("databaseId", id);
      m.put("url", "https://github.com/" + login);
      return m;
    }

    private static Map<String, Object> orgMap(GitHubState state, String login) {
      long id = state.orgs.getOrDefault(login.toLowerCase(Locale.ROOT), 0L);
      Map<String, Object> m = typed("Organization", null);
      m.put("id", state.nodeId("O", id));
      m.put("login", login);
      m.put("databaseId", id);
      m.put("url", "https://github.com/" + login);
      return m;
    }

    private static Map<String, Object> rateLimit(GitHubState state) {
      RateWindow window = state.window("graphql");
      Map<String, Object> m = typed("RateLimit", null);
      m.put("cost", 1);
      m.put("limit", window.limit);
      m.put("nodeCount", 1);
      m.put("remaining", Math.max(0, window.remaining() - 1));
      m.put("resetAt", window.reset.toString());
      m.put("used", window.used + 1);
      return m;
    }

    private static Optional<Map<String, Object>> node(GitHubState state, String id) {
      Optional<ProjectState> project = state.projectByNodeId(id);
      if (project.isPresent()) {
        return Optional.of(projectMap(project.get()));
      }
      Optional<Issue> issue = state.issueByNodeId(id);
      if (issue.isPresent()) {
        return Optional.of(issueMap(issue.get()));
      }
      for (ProjectState p : state.projects) {
        for (Item item : p.items) {
          if (item.id.equals(id)) {
            return Optional.of(itemMap(item));
          }
        }
        for (Field field : p.fields) {
          if (field.id.equals(id)) {
            return Optional.of(fieldMap(field, p));
          }
        }
      }
      for (Repo repo : state.repos.values()) {
        if (repo.nodeId.equals(id)) {
          return Optional.of(repoMap(repo));
        }
      }
      return Optional.empty();
    }

    private static Map<String, Object> typed(String typename, Object source) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put(TYPENAME, typename);
      m.put(SOURCE, source);
      return m;
    }

    private static Map<String, Object> repoMap(Repo repo) {
      Map<String, Object> m = typed("Repository", repo);
      m.put("id", repo.nodeId);
      m.put("databaseId", repo.id);
      m.put("name", repo.name);
      m.put("nameWithOwner", repo.fullName());
      m.put("url", "https://github.com/" + repo.fullName());
      return m;
    }

    private static Map<String, Object> issueMap(Issue issue) {
      Map<String, Object> m = typed("Issue", issue);
      m.put("id", issue.nodeId);
      m.put("databaseId", issue.id);
      m.put("fullDatabaseId", issue.id);
      m.put("number", issue.number);
      m.put("title", issue.title);
      m.put("body", issue.body == null ? "" : issue.body);
      m.put("state", issue.state.toUpperCase(Locale.ROOT));
      m.put(
          "stateReason",
          issue.stateReason == null ? null : issue.stateReason.toUpperCase(Locale.ROOT));
      m.put("closed", issue.state.equals("closed"));
      m.put("url", "https://github.com/" + issue.repo.fullName() + "/issues/" + issue.number);
      m.put("createdAt", issue.createdAt.toString());
      m.put("updatedAt", issue.updatedAt.toString());
      m.put("closedAt", issue.closedAt == null ? null : issue.closedAt.toString());
      m.put("repository", repoMap(issue.repo));
      return m;
    }

    private static Map<String, Object> projectMap(ProjectState project) {
      Map<String, Object> m = typed("ProjectV2", project);
      m.put("id", project.project.nodeId());
      m.put("databaseId", project.databaseId);
      m.put("fullDatabaseId", project.databaseId);
      m.put("number", project.project.number());
      m.put("title", project.title);
      m.put("url", project.url());
      m.put("resourcePath", project.url().substring("https://github.com".length()));
      m.put("closed", false);
      m.put("public", false);
      m.put("template", false);
      m.put("createdAt", project.createdAt.toString());
      m.put("updatedAt", project.updatedAt.toString());
      return m;
    }

    private static Map<String, Object> fieldMap(Field field, ProjectState project) {
      Map<String, Object> m =
          typed(field.options == null ? "ProjectV2Field" : "ProjectV2SingleSelectField", field);
      m.put("id", field.id);
      m.put("databaseId", field.databaseId);
      m.put("name", field.name);
      m.put("dataType", field.dataType);
      m.put("project", projectMap(project));
      return m;
    }

    private static Map<String, Object> optionMap(Option option) {
      Map<String, Object> m = typed("ProjectV2SingleSelectFieldOption", option);
      m.put("id", option.id);
      m.put("name", option.name);
      m.put("nameHTML", option.name);
      m.put("color", "GRAY");
      m.put("description", "");
      m.put("descriptionHTML", "");
      return m;
    }

    private static Map<String, Object> itemMap(Item item) {
      Map<String, Object> m = typed("ProjectV2Item", item);
      m.put("id", item.id);
      m.put("databaseId", item.databaseId);
      m.put("fullDatabaseId", item.databaseId);
      m.put("type", "ISSUE");
      m.put("isArchived", false);
      m.put("createdAt", item.createdAt.toString());
      m.put("updatedAt", item.updatedAt.toString());
      m.put("content", issueMap(item.content));
      m.put("project", projectMap(item.project));
      return m;
    }

    private static Optional<Map<String, Object>> singleSelectValue(Item item, Field field) {
      String optionId = item.values.get(field.id);
      if (optionId == null) {
        return Optional.empty();
      }
      Option option =
          field
              .option(optionId)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "item "
                              + item.id
                              + " refers to option "
                              + optionId
                              + " that field "
                              + field.name
                              + " lacks"));
      Map<String, Object> m = typed("ProjectV2ItemFieldSingleSelectValue", item);
      m.put("id", item.id + "-" + field.id);
      m.put("name", option.name);
      m.put("nameHTML", option.name);
      m.put("optionId", option.id);
      m.put("color", "GRAY");
      m.put("createdAt", item.createdAt.toString());
      m.put("updatedAt", item.updatedAt.toString());
      m.put("field", fieldMap(field, item.project));
      m.put("item", itemMap(item));
      return Optional.of(m);
    }

    /** A cursor connection as GitHub pages it: first/last required and at most 100. */
    private static <T> Object connection(
        DataFetchingEnvironment env,
        String name,
        List<T> all,
        Function<T, Map<String, Object>> toMap) {
      Integer first = env.getArgument("first");
      Integer last = env.getArgument("last");
      if (first == null && last == null) {
        return failure(
            env,
            "MISSING_PAGINATION_BOUNDARIES",
            "You must provide a `first` or `last` value to"
                + " properly paginate the `"
                + name
                + "` connection.");
      }
      for (String bound : List.of("first", "last")) {
        Integer limit = bound.equals("first") ? first : last;
        if (limit != null && (limit < 0 || limit > 100)) {
          return failure(
              env,
              "EXCESSIVE_PAGINATION",
              "Requesting "
                  + limit
                  + " records on the `"
                  + name
                  + "` connection exceeds the `"
                  + bound
                  + "` limit of 100 records.");
        }
      }
      int from = 0;
      int to = all.size();
      String after = env.getArgument("after");
      String before = env.getArgument("before");
      if (after != null) {
        from = Math.min(to, cursorIndex(after) + 1);
      }
      if (before != null) {
        to = Math.max(from, Math.min(to, cursorIndex(before)));
      }
      if (first != null) {
        to = Math.min(to, from + first);
      }
      if (last != null) {
        from = Math.max(from, to - last);
      }
      List<Map<String, Object>> nodes = new ArrayList<>();
      List<Map<String, Object>> edges = new ArrayList<>();
      for (int i = from; i < to; i++) {
        Map<String, Object> node = toMap.apply(all.get(i));
        nodes.add(node);
        Map<String, Object> edge = new LinkedHashMap<>();
        edge.put("cursor", cursor(i));
        edge.put("node", node);
        edges.add(edge);
      }
      Map<String, Object> pageInfo = new LinkedHashMap<>();
      pageInfo.put("hasNextPage", to < all.size());
      pageInfo.put("hasPreviousPage", from > 0);
      pageInfo.put("startCursor", nodes.isEmpty() ? null : cursor(from));
      pageInfo.put("endCursor", nodes.isEmpty() ? null : cursor(to - 1));
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("nodes", nodes);
      m.put("edges", edges);
      m.put("pageInfo", pageInfo);
      m.put("totalCount", all.size());
      return m;
    }

    private static String cursor(int index) {
      return Base64.getEncoder()
          .encodeToString(("cursor:" + (index + 1)).getBytes(StandardCharsets.UTF_8));
    }

    private static int cursorIndex(String cursor) {
      try {
        String decoded = new String(Base64.getDecoder().decode(cursor), StandardCharsets.UTF_8);
        return Integer.parseInt(decoded.substring("cursor:".length())) - 1;
      } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
        return -1;
      }
    }

    private static Map<String, Object> payload(Map<String, Object> input) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("clientMutationId", input.get("clientMutationId"));
      return m;
    }

    private static Object addItem(DataFetchingEnvironment env) {
      GitHubState state = state(env);
      Map<String, Object> input = env.getArgument("input");
      String projectId = (String) input.get("projectId");
      String contentId = (String) input.get("contentId");
      Optional<ProjectState> project = state.projectByNodeId(projectId);
      if (project.isEmpty()) {
        return failure(
            env,
            "NOT_FOUND",
            "Could not resolve to a node with the global id of '" + projectId + "'");
      }
      Optional<Issue> issue = state.issueByNodeId(contentId);
      if (issue.isEmpty()) {
        return failure(
            env,
            "NOT_FOUND",
            "Could not resolve to a node with the global id of '" + contentId + "'");
      }
      Map<String, Object> out = payload(input);
      out.put("item", itemMap(state.addItem(project.get(), issue.get())));
      return out;
    }

    private static Optional<Item> item(ProjectState project, String itemId) {
      return project.items.stream().filter(i -> i.id.equals(itemId)).findFirst();
    }

    private static Object updateValue(DataFetchingEnvironment env) {
      GitHubState state = state(env);
      Map<String, Object> input = env.getArgument("input");
      String projectId = (String) input.get("projectId");
      Optional<ProjectState> project = state.projectByNodeId(projectId);
      if (project.isEmpty()) {
        return failure(
            env,
            "NOT_FOUND",
            "Could not resolve to a node with the global id of '" + projectId + "'");
      }
      String itemId = (String) input.get("itemId");
      Optional<Item> item = item(project.get(), itemId);
      if (item.isEmpty()) {
        return failure(
            env,
            "NOT_FOUND",
            "Could not resolve to ProjectV2Item with the id '"
                + itemId
                + "' in project "
                + projectId
                + ".");
      }
      String fieldId = (String) input.get("fieldId");
      Optional<Field> field = project.get().fieldById(fieldId);
      if (field.isEmpty()) {
        return failure(
            env,
            "NOT_FOUND",
            "Could not resolve to a field with the id '"
                + fieldId
                + "' in project "
                + projectId
                + ".");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> value = (Map<String, Object>) input.get("value");
      Object optionId = value.get("singleSelectOptionId");
      if (field.get().options == null || optionId == null) {
        return failure(
            env,
            "INVALID_ARGUMENT",
            "Only single-select values are supported by this server; field '"
                + field.get().name
                + "' needs value.singleSelectOptionId.");
      }
      if (field.get().option(optionId.toString()).isEmpty()) {
        return failure(
            env,
            "INVALID_ARGUMENT",
            "The single select option Id '"
                + optionId
                + "' does not belong to the field '"
                + field.get().name
                + "'.");
      }
      item.get().values.put(field.get().id, optionId.toString());
      item.get().updatedAt = state.now();
      Map<String, Object> out = payload(input);
      out.put("projectV2Item", itemMap(item.get()));
      return out;
    }

    private static Object clearValue(DataFetchingEnvironment env) {
      GitHubState state = state(env);
      Map<String, Object> input = env.getArgument("input");
      Optional<ProjectState> project = state.projectByNodeId((String) input.get("projectId"));
      Optional<Item> item = project.flatMap(p -> item(p, (String) input.get("itemId")));
      Optional<Field> field = project.flatMap(p -> p.fieldById((String) input.get("fieldId")));
      if (item.isEmpty() || field.isEmpty()) {
        return failure(
            env, "NOT_FOUND", "Could not resolve the project, item or field of " + input + ".");
      }
      item.get().values.remove(field.get().id);
      item.get().updatedAt = state.now();
      Map<String, Object> out = payload(input);
      out.put("projectV2Item", itemMap(item.get()));
      return out;
    }

    private static Object deleteItem(DataFetchingEnvironment env) {
      GitHubState state = state(env);
      Map<String, Object> input = env.getArgument("input");
      Optional<ProjectState> project = state.projectByNodeId((String) input.get("projectId"));
      Optional<Item> item = project.flatMap(p -> item(p, (String) input.get("itemId")));
      if (item.isEmpty()) {
        return failure(env, "NOT_FOUND", "Could not resolve the project or item of " + input + ".");
      }
      project.get().items.remove(item.get());
      Map<String, Object> out = payload(input);
      out.put("deletedItemId", item.get().id);
      return out;
    }
  }
}
