package dev.backlog.tracker.github.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class LinkHeaderTest {

  @Test
  void theNextLinkIsFoundAmongTheOthers() {
    String header =
        "<https://api.github.com/repositories/1/issues?page=1>; rel=\"prev\", "
            + "<https://api.github.com/repositories/1/issues?per_page=30&page=3>; rel=\"next\", "
            + "<https://api.github.com/repositories/1/issues?page=9>; rel=\"last\", "
            + "<https://api.github.com/repositories/1/issues?page=1>; rel=\"first\"";
    assertEquals(
        Optional.of("https://api.github.com/repositories/1/issues?per_page=30&page=3"),
        LinkHeader.next(header));
    assertEquals(
        Optional.of("https://api.github.com/repositories/1/issues?page=9"),
        LinkHeader.find(header, "last"));
  }

  @Test
  void theLastPageHasNoNext() {
    assertEquals(
        Optional.empty(),
        LinkHeader.next(
            "<https://x/issues?page=1>; rel=\"first\", <https://x/issues?page=2>; rel=\"prev\""));
    assertEquals(Optional.empty(), LinkHeader.next(null));
    assertEquals(Optional.empty(), LinkHeader.next(""));
  }

  @Test
  void unquotedAndMultiValuedRelationsAndExtraParametersAreUnderstood() {
    assertEquals(
        Optional.of("http://h/a?page=2"), LinkHeader.next("<http://h/a?page=2>; rel=next"));
    assertEquals(
        Optional.of("http://h/a?page=2"),
        LinkHeader.next("<http://h/a?page=2>; title=\"x\"; rel=\"last next\""));
  }
}
