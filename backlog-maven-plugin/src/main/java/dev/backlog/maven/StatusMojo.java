package dev.backlog.maven;

import dev.backlog.core.Backlog;
import dev.backlog.core.BacklogException;
import dev.backlog.core.Card;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Stats;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/** Prints the backlog's counts and the first claimable cards, in claim order, to the build log. */
@Mojo(name = "status", threadSafe = true, requiresProject = false)
public class StatusMojo extends AbstractBacklogMojo {

  /** How many claimable cards to list. */
  @Parameter(property = "backlog.limit", defaultValue = "10")
  int limit;

  /** Only this phase's cards in the queue, when set. */
  @Parameter(property = "backlog.phase")
  String phase;

  @Override
  public void execute() throws MojoExecutionException {
    try (Backlog backlog = openBacklog("maven")) {
      Stats stats = backlog.stats();
      getLog()
          .info(
              "backlog: "
                  + stats.total()
                  + (stats.total() == 1 ? " card: " : " cards: ")
                  + stats.count(CardStatus.READY)
                  + " ready ("
                  + stats.claimable()
                  + " claimable), "
                  + stats.count(CardStatus.CLAIMED)
                  + " claimed, "
                  + stats.count(CardStatus.BLOCKED)
                  + " blocked, "
                  + stats.count(CardStatus.DONE)
                  + " done");
      List<Card> queue = backlog.list(new CardQuery(null, phase, true, Math.max(1, limit)));
      if (queue.isEmpty()) {
        getLog()
            .info("backlog: nothing is claimable" + (phase == null ? "" : " in phase " + phase));
      }
      for (Card card : queue) {
        getLog()
            .info(
                "backlog:   "
                    + card.id()
                    + "  p"
                    + card.priority()
                    + (card.phase() == null ? "" : "  [" + card.phase() + "]")
                    + "  "
                    + card.title());
      }
    } catch (BacklogException e) {
      throw new MojoExecutionException("backlog: " + e.getMessage(), e);
    }
  }
}
