package dev.backlog.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.CoreErrorCode;
import dev.backlog.core.ErrorCategory;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The exit codes of docs/cli.md's table, for every error code the core and the CLI raise. */
class ExitCodesTest {

  /** docs/cli.md, "Exit codes and errors", one row per core code. */
  private static final Map<CoreErrorCode, Integer> CORE =
      Map.ofEntries(
          Map.entry(CoreErrorCode.CARD_NOT_FOUND, 3),
          Map.entry(CoreErrorCode.DUPLICATE_CARD, 4),
          Map.entry(CoreErrorCode.LEASE_LOST, 4),
          Map.entry(CoreErrorCode.INVALID_TRANSITION, 4),
          Map.entry(CoreErrorCode.DEPENDENCY_CYCLE, 4),
          Map.entry(CoreErrorCode.UNKNOWN_DEPENDENCY, 2),
          Map.entry(CoreErrorCode.IDEMPOTENCY_CONFLICT, 4),
          Map.entry(CoreErrorCode.INVALID_INPUT, 2),
          Map.entry(CoreErrorCode.VERSION_CONFLICT, 4),
          Map.entry(CoreErrorCode.STORE_UNAVAILABLE, 5),
          Map.entry(CoreErrorCode.STORE_FAILURE, 1));

  /** The CLI's own codes: usage and bad files are invalid input, a failed write is unexpected. */
  private static final Map<CliErrorCode, Integer> CLI =
      Map.of(
          CliErrorCode.USAGE, 2,
          CliErrorCode.CONFIG_INVALID, 2,
          CliErrorCode.IMPORT_INVALID, 2,
          CliErrorCode.IO_FAILURE, 1,
          CliErrorCode.UNEXPECTED, 1);

  @ParameterizedTest(name = "core code {0} exits with its documented code")
  @EnumSource(CoreErrorCode.class)
  void everyCoreErrorCodeExitsWithTheCodeTheDocumentedTableGivesIt(CoreErrorCode code) {
    assertTrue(
        CORE.containsKey(code),
        code + " is missing from the table of this test and of docs/cli.md");
    assertEquals(CORE.get(code), ExitCodes.of(code), code.name());
  }

  @ParameterizedTest(name = "CLI code {0} exits with its documented code")
  @EnumSource(CliErrorCode.class)
  void everyCliErrorCodeExitsWithTheCodeTheDocumentedTableGivesIt(CliErrorCode code) {
    assertTrue(CLI.containsKey(code), code + " is missing from the table of this test");
    assertEquals(CLI.get(code), ExitCodes.of(code), code.name());
  }

  @Test
  void eachCategoryHasTheExitCodeOfTheDocumentedTable() {
    Map<ErrorCategory, Integer> actual = new EnumMap<>(ErrorCategory.class);
    for (ErrorCategory category : ErrorCategory.values()) {
      actual.put(category, ExitCodes.of(category));
    }
    assertEquals(
        Map.of(
            ErrorCategory.INVALID_INPUT,
            2,
            ErrorCategory.NOT_FOUND,
            3,
            ErrorCategory.CONFLICT,
            4,
            ErrorCategory.UNAVAILABLE,
            5,
            ErrorCategory.UNEXPECTED,
            1,
            ErrorCategory.REFUSED,
            2),
        actual,
        "a new category needs a row in docs/cli.md");
  }
}
