package dev.backlog.maven;

import dev.backlog.core.Backlog;
import dev.backlog.core.BacklogException;
import java.time.Duration;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Makes this build the worker for a card: claims {@code backlog.card} (or the next claimable card
 * of {@code backlog.phase}, or of any phase), holds the lease with a heartbeat for as long as the
 * build runs, and when the build ends completes the card, or fails it with the first error when the
 * build failed. Evidence (outcome, test counts, git commit, duration) goes to the log and to {@code
 * target/backlog-evidence.json}. A refused renewal (the card was taken, blocked or reclaimed) stops
 * the build before its next mojo, and the card is not completed. Runs once per build, however many
 * modules bind it. Bind it early (the default phase is {@code validate}).
 */
@Mojo(name = "work", defaultPhase = LifecyclePhase.VALIDATE, threadSafe = true)
public class WorkMojo extends AbstractBacklogMojo {

  /** The card to claim. */
  @Parameter(property = "backlog.card")
  String card;

  /** Claim the next claimable card of this phase (when no card is named). */
  @Parameter(property = "backlog.phase")
  String phase;

  /** The lease owner. Default: maven@&lt;host&gt;:&lt;artifactId of the top-level project&gt;. */
  @Parameter(property = "backlog.owner")
  String owner;

  /** The lease TTL in seconds; the heartbeat renews it every third of that. */
  @Parameter(property = "backlog.ttl", defaultValue = "300")
  int ttl;

  /** Fail the build when nothing is claimable (by default the build goes on without a card). */
  @Parameter(property = "backlog.failIfNone", defaultValue = "false")
  boolean failIfNone;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    // One claim per session, also when modules of a parallel build (-T) run this at once.
    synchronized (session.getRequest()) {
      claim();
    }
  }

  private void claim() throws MojoExecutionException, MojoFailureException {
    if (LeaseGuard.isGuard(session.getRequest().getExecutionListener())) {
      getLog().debug("backlog: this build already holds a card");
      return;
    }
    WorkRequest request =
        new WorkRequest(
            card,
            phase,
            owner == null || owner.isBlank() ? WorkRequest.defaultOwner(session) : owner,
            Duration.ofSeconds(ttl),
            failIfNone);
    Backlog backlog = openBacklog(request.owner());
    BuildLease.Start start;
    try {
      start = BuildLease.start(backlog, request, session);
    } catch (BacklogException e) {
      throw new MojoExecutionException("backlog: " + e.getMessage(), e);
    }
    if (start.lease() == null) {
      if (failIfNone) {
        throw new MojoFailureException(start.nothingClaimable() + " (backlog.failIfNone is set)");
      }
      getLog().warn(start.nothingClaimable() + "; the build goes on without a card");
    }
  }
}
