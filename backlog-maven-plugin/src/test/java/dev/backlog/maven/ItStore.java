package dev.backlog.maven;

import dev.backlog.core.Backlog;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.NewCard;
import dev.backlog.jdbc.H2SharedFile;
import dev.backlog.jdbc.JdbcBacklogStore;
import java.nio.file.Path;
import java.util.function.Function;

/** Short visits to a backlog home's H2 file, taking turns with the builds as the CLI does. */
final class ItStore {
  private final Path home;

  ItStore(Path home) {
    this.home = home;
  }

  <T> T with(Function<Backlog, T> work) {
    try (JdbcBacklogStore store =
            JdbcBacklogStore.builder()
                .sharedH2File(H2SharedFile.of(home, H2SharedFile.Mode.BRIEF))
                .build();
        Backlog backlog = Backlog.builder().store(store).actor("it").build()) {
      return work.apply(backlog);
    }
  }

  void create(String... ids) {
    with(
        b -> {
          for (String id : ids) {
            b.create(NewCard.builder(id).title("card " + id).phase("build").build());
          }
          return null;
        });
  }

  Card card(String id) {
    return with(b -> b.find(CardId.of(id)).orElseThrow());
  }
}
