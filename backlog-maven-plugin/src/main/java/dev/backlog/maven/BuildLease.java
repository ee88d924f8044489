package dev.backlog.maven;

import dev.backlog.core.Backlog;
import dev.backlog.core.CardId;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.LeaseLostException;
import dev.backlog.core.NewCard;
import dev.backlog.core.NothingClaimable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.maven.execution.MavenExecutionResult;
import org.apache.maven.execution.MavenSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One build's claim on a card: holds the lease with a heartbeat (a renewal every third of the TTL)
 * from the claim until the session ends, then completes the card when the build succeeded or fails
 * it with the build's first error. A refused renewal marks the lease lost: {@link #checkHeld()}
 * then throws before the next mojo and {@link #finish} leaves the card alone. Owns the {@link
 * Backlog} and closes it. Thread-safe.
 */
final class BuildLease {

  private static final Logger LOG = LoggerFactory.getLogger(BuildLease.class);

  private final Backlog backlog;
  private final Claim claim;
  private final Duration ttl;
  private final Instant started;
  private final ScheduledExecutorService heartbeat;
  private final AtomicBoolean finished = new AtomicBoolean();
  private volatile LeaseLostException lost;

  private BuildLease(Backlog backlog, Claim claim, Duration ttl) {
    this.backlog = backlog;
    this.claim = claim;
    this.ttl = ttl;
    this.started = Instant.now();
    this.heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "backlog-heartbeat-" + claim.card().id());
              t.setDaemon(true);
              t.setContextClassLoader(BuildLease.class.getClassLoader());
              return t;
            });
    long period = Math.max(100, ttl.toMillis() / 3);
    heartbeat.scheduleAtFixedRate(this::renew, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * What {@link #start} came to: the lease, or, when nothing was claimable, why.
   *
   * @param lease the lease, or null when nothing was claimed
   * @param nothingClaimable {@code backlog: nothing claimable…} with the reason ({@link
   *     NothingClaimable}), or null when a card was claimed
   */
  record Start(BuildLease lease, String nothingClaimable) {}

  /**
   * Claims the requested card and, when one was claimed, installs a {@link LeaseGuard} on the
   * session; closes {@code backlog} when nothing was claimed.
   *
   * @return the lease, or why nothing was claimable
   */
  static Start start(Backlog backlog, WorkRequest request, MavenSession session) {
    List<Claim> claims;
    ClaimRequest claimRequest;
    try {
      ClaimRequest.Builder claim = ClaimRequest.builder(request.owner()).ttl(request.ttl());
      if (request.card() != null) {
        claim.card(CardId.of(request.card()));
      }
      if (request.phase() != null) {
        claim.phase(request.phase());
      }
      claimRequest = claim.build();
      claims = backlog.claim(claimRequest);
    } catch (RuntimeException e) {
      backlog.close();
      throw e;
    }
    if (claims.isEmpty()) {
      try {
        return new Start(null, "backlog: " + NothingClaimable.describe(backlog, claimRequest));
      } finally {
        backlog.close();
      }
    }
    BuildLease lease = new BuildLease(backlog, claims.get(0), request.ttl());
    session
        .getRequest()
        .setExecutionListener(new LeaseGuard(session.getRequest().getExecutionListener(), lease));
    LOG.info(
        "backlog: claimed card {} ({}) for {} with lease {}, TTL {} s, renewed every {} s until the build ends",
        lease.claim.card().id(),
        lease.claim.card().title(),
        request.owner(),
        lease.claim.token(),
        request.ttl().toSeconds(),
        Math.max(1, request.ttl().toSeconds() / 3));
    return new Start(lease, null);
  }

  /** The claim this build holds. */
  Claim claim() {
    return claim;
  }

  private void renew() {
    if (lost != null || finished.get()) {
      return;
    }
    try {
      backlog.renew(claim.card().id(), claim.token(), ttl);
      LOG.debug("backlog: renewed lease {} on card {}", claim.token(), claim.card().id());
    } catch (LeaseLostException e) {
      lost = e;
      LOG.error(
          "backlog: LEASE LOST on card {}: {}. The build stops before its next step and the card is not completed.",
          claim.card().id(),
          e.getMessage());
      heartbeat.shutdown();
    } catch (RuntimeException e) {
      LOG.warn(
          "backlog: renewing lease {} on card {} failed, retrying: {}",
          claim.token(),
          claim.card().id(),
          e.toString());
    }
  }

  /**
   * Throws when the lease was lost, so that the next mojo does not run.
   *
   * @throws LeaseLostBuildException when a renewal was refused
   */
  void checkHeld() {
    LeaseLostException e = lost;
    if (e != null) {
      throw new LeaseLostBuildException(message(e), e);
    }
  }

  private String message(LeaseLostException e) {
    return "backlog: the lease on card "
        + claim.card().id()
        + " was lost ("
        + e.getMessage()
        + "); the build stopped so that no work is published under a lease that is no longer ours;"
        + " the card was not completed";
  }

  /**
   * Stops the heartbeat, then completes the card (the build succeeded) or fails it with the first
   * error; writes the evidence; closes the backlog. A lost lease (found now or before) is added to
   * the build's result so that the build fails. Runs once; later calls do nothing.
   */
  void finish(MavenSession session) {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    heartbeat.shutdownNow();
    try {
      heartbeat.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    MavenExecutionResult result = session.getResult();
    CardId id = claim.card().id();
    try {
      Evidence evidence =
          Evidence.collect(session, claim, Duration.between(started, Instant.now()));
      evidence.log();
      evidence.write();
      if (lost != null) {
        if (!result.hasExceptions()) {
          result.addException(new LeaseLostBuildException(message(lost), lost));
        }
        LOG.error("backlog: card {} was not completed: its lease was lost", id);
        return;
      }
      try {
        if (evidence.success()) {
          backlog.complete(id, claim.token(), evidence.json());
          LOG.info("backlog: completed card {}", id);
        } else {
          String reason = evidence.failure();
          if (reason.length() > NewCard.MAX_REASON) {
            reason = reason.substring(0, NewCard.MAX_REASON - 1) + "…";
          }
          backlog.fail(id, claim.token(), reason);
          LOG.info("backlog: failed card {}: {}", id, reason);
        }
      } catch (LeaseLostException e) {
        LOG.error("backlog: LEASE LOST on card {} at the end of the build: {}", id, e.getMessage());
        result.addException(new LeaseLostBuildException(message(e), e));
      }
    } catch (RuntimeException e) {
      LOG.error("backlog: could not finish card {}: {}", id, e.toString());
      result.addException(e);
    } finally {
      backlog.close();
    }
  }

  /** Stops the build because its lease was lost. */
  static final class LeaseLostBuildException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LeaseLostBuildException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
