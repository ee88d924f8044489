package dev.backlog.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.backlog.core.CoreErrorCode;
import dev.backlog.core.ErrorCategory;
import dev.backlog.core.ErrorCode;
import org.junit.jupiter.api.Test;

class ErrorObjectTest {

  /** A host's own code, as the CLI's and the server's are. */
  private enum HostCode implements ErrorCode {
    UNAUTHORIZED;

    @Override
    public ErrorCategory category() {
      return ErrorCategory.REFUSED;
    }
  }

  @Test
  void theErrorObjectCarriesTheCodeItsCategoryAndTheMessage() {
    assertEquals(
        "{\"error\":{\"code\":\"LEASE_LOST\",\"category\":\"conflict\","
            + "\"message\":\"lease 7 on card \\\"A\\\" is no longer valid\"}}",
        JsonContract.error(CoreErrorCode.LEASE_LOST, "lease 7 on card \"A\" is no longer valid"));
    assertEquals(
        "{\"error\":{\"code\":\"UNAUTHORIZED\",\"category\":\"refused\",\"message\":\"m\"}}",
        JsonContract.error(HostCode.UNAUTHORIZED, "m"));
  }

  @Test
  void everyCategoryIsNamedInLowerCaseWithItsUnderscore() {
    assertEquals("invalid_input", JsonContract.category(ErrorCategory.INVALID_INPUT));
    assertEquals("not_found", JsonContract.category(ErrorCategory.NOT_FOUND));
    assertEquals("conflict", JsonContract.category(ErrorCategory.CONFLICT));
    assertEquals("unavailable", JsonContract.category(ErrorCategory.UNAVAILABLE));
    assertEquals("unexpected", JsonContract.category(ErrorCategory.UNEXPECTED));
    assertEquals("refused", JsonContract.category(ErrorCategory.REFUSED));
  }
}
