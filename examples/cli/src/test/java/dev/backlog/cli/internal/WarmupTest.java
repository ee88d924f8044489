package dev.backlog.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The start-up warm-up runs for the commands that open the store, and only for them. */
class WarmupTest {

  @Test
  void theWarmUpCoversExactlyTheCommandsThatOpenTheStore() {
    Set<String> storeCommands = Commands.SUBCOMMANDS.entrySet().stream()
        .filter(e -> BacklogCommand.class.isAssignableFrom(e.getValue()))
        .filter(e -> e.getValue() != DemoCommand.class && e.getValue() != CompletionCommand.class)
        .map(Map.Entry::getKey).collect(Collectors.toSet());
    assertEquals(storeCommands, Warmup.STORE_COMMANDS);
  }
}
