package dev.backlog.tracker.github.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.backlog.tracker.FeatureStatus;
import graphql.ExecutionInput;
import graphql.ParseAndValidate;
import graphql.ParseAndValidateResult;
import graphql.language.FieldDefinition;
import graphql.language.ObjectTypeDefinition;
import graphql.language.TypeDefinition;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import graphql.schema.idl.UnExecutableSchemaGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ProjectsTest {

  static GraphQLSchema schema;

  @BeforeAll
  static void parseGitHubsSchema() throws IOException {
    try (InputStream in = ProjectsTest.class.getResourceAsStream("/github/schema.graphql.gz");
        Reader reader = new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8)) {
      TypeDefinitionRegistry registry = new SchemaParser().parse(reader);
      // the published schema repeats a few fields verbatim on one type; graphql-java refuses
      // duplicates
      for (TypeDefinition<?> type : List.copyOf(registry.types().values())) {
        if (type instanceof ObjectTypeDefinition) {
          ObjectTypeDefinition object = (ObjectTypeDefinition) type;
          Map<String, FieldDefinition> unique = new LinkedHashMap<>();
          object.getFieldDefinitions().forEach(f -> unique.putIfAbsent(f.getName(), f));
          if (unique.size() != object.getFieldDefinitions().size()) {
            registry.remove(object);
            registry.add(
                object.transform(b -> b.fieldDefinitions(new ArrayList<>(unique.values()))));
          }
        }
      }
      schema = UnExecutableSchemaGenerator.makeUnExecutableSchema(registry);
    }
  }

  private static List<String> problems(String document) {
    ParseAndValidateResult result =
        ParseAndValidate.parseAndValidate(
            schema, ExecutionInput.newExecutionInput(document).build());
    return result.getErrors().stream().map(Object::toString).toList();
  }

  @Test
  void everyDocumentTheProviderSendsIsValidAgainstGitHubsSchema() {
    assertEquals(List.of(), problems(Projects.USER_PROJECT_QUERY));
    assertEquals(List.of(), problems(Projects.ORG_PROJECT_QUERY));
    assertEquals(List.of(), problems(Projects.ADD_ITEM));
    assertEquals(List.of(), problems(Projects.SET_FIELD));
  }

  @Test
  void theCheckCatchesTheKnownMistakeOfSelectingUnionFieldsDirectly() {
    String invalid =
        "query($login: String!, $number: Int!) { user(login: $login) { projectV2(number: $number) {"
            + " fields(first: 20) { nodes { id name } } } } }";
    assertFalse(problems(invalid).isEmpty());
  }

  @Test
  void optionsMatchStatusesByNameIgnoringCaseSpacesAndHyphensButNeverByGuess() {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("Planned", "o1");
    options.put("In Progress", "o2");
    options.put("in-progress", "o3");
    options.put("Done", "o4");
    assertEquals(Optional.of("o1"), Projects.optionFor(options, FeatureStatus.PLANNED));
    assertEquals(Optional.of("o2"), Projects.optionFor(options, FeatureStatus.IN_PROGRESS));
    assertEquals(
        Optional.empty(),
        Projects.optionFor(options, FeatureStatus.COMPLETE),
        "Done is not complete");
    assertEquals(Optional.empty(), Projects.optionFor(options, FeatureStatus.BLOCKED));
  }
}
