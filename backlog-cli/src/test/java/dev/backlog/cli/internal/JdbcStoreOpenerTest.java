package dev.backlog.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Backlog;
import dev.backlog.core.CardId;
import dev.backlog.core.NewCard;
import dev.backlog.core.StoreUnavailableException;
import dev.backlog.jdbc.H2SharedFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's part of opening the store: a brief command opens the default H2 file in the library's
 * brief mode, a long-running one in its long-running mode (the policy itself is tested in
 * backlog-jdbc's {@code H2SharedFileTest}), and a failure names the setting to fix.
 */
class JdbcStoreOpenerTest {

  @TempDir Path dir;

  @Test
  void aBriefCommandKeepsTheDefaultFileToItselfAndALongOneServesIt() {
    Path home = dir.resolve("home");
    Settings settings = new Settings(home, null, null, null, "tester", "test");
    try (Backlog brief =
        Backlog.builder()
            .store(new JdbcStoreOpener().open(settings, 2, true))
            .actor("tester")
            .build()) {
      brief.create(NewCard.builder("B1").title("brief").build());
      assertTrue(
          Files.exists(home.resolve(H2SharedFile.OPEN_LOCK_FILE)), "the home's open lock is used");
      assertFalse(
          Files.exists(home.resolve(H2SharedFile.SERVER_LOCK_FILE)),
          "no auto-server for a brief command");
    }
    try (Backlog long_ =
        Backlog.builder()
            .store(new JdbcStoreOpener().open(settings, 2, false))
            .actor("tester")
            .build()) {
      assertEquals("brief", long_.get(CardId.of("B1")).title());
      assertTrue(
          Files.exists(home.resolve(H2SharedFile.SERVER_LOCK_FILE)),
          "a long command serves the file");
    }
  }

  @Test
  void anUnusableHomeIsAStoreErrorThatNamesTheFlags() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
    Settings settings = new Settings(file.resolve("home"), null, null, null, "tester", "test");
    StoreUnavailableException e =
        assertThrows(
            StoreUnavailableException.class, () -> new JdbcStoreOpener().open(settings, 2, true));
    assertTrue(e.getMessage().contains("--home or BACKLOG_HOME"), e.getMessage());
  }
}
