package dev.backlog.maven;

import dev.backlog.core.Backlog;
import dev.backlog.core.BacklogException;
import org.apache.maven.AbstractMavenLifecycleParticipant;
import org.apache.maven.MavenExecutionException;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The build-extension form (the plugin in {@code .mvn/extensions.xml}, or declared with {@code
 * <extensions>true</extensions>}): when {@code -Dbacklog.card} or {@code -Dbacklog.phase} is set,
 * claims the card after the projects are read and completes or fails it when the session ends; any
 * build becomes the worker without touching its pom. Otherwise it does nothing.
 */
public class BacklogLifecycleParticipant extends AbstractMavenLifecycleParticipant {

  private static final Logger LOG = LoggerFactory.getLogger(BacklogLifecycleParticipant.class);

  /** Injected by Maven's container (META-INF/plexus/components.xml). */
  private SettingsDecrypter decrypter;

  /** Created by Maven's container. */
  public BacklogLifecycleParticipant() {}

  @Override
  public void afterProjectsRead(MavenSession session) throws MavenExecutionException {
    if (Props.get(session, "backlog.card") == null && Props.get(session, "backlog.phase") == null) {
      return;
    }
    if (LeaseGuard.isGuard(session.getRequest().getExecutionListener())) {
      return;
    }
    try {
      WorkRequest request = WorkRequest.fromProperties(session);
      Backlog backlog =
          StoreOptions.fromProperties(session).open(session, decrypter, request.owner());
      BuildLease.Start start = BuildLease.start(backlog, request, session);
      if (start.lease() == null) {
        if (request.failIfNone()) {
          throw new MavenExecutionException(
              start.nothingClaimable() + " (backlog.failIfNone is set)",
              session.getRequest().getPom());
        }
        LOG.warn("{}; the build goes on without a card", start.nothingClaimable());
      }
    } catch (BacklogException | IllegalArgumentException e) {
      throw new MavenExecutionException("backlog: " + e.getMessage(), e);
    }
  }

  @Override
  public void afterSessionEnd(MavenSession session) {
    // The guard finishes the lease when the session ends; this is the fallback for a session that
    // ended without that event (finishing twice does nothing).
    if (LeaseGuard.isGuard(session.getRequest().getExecutionListener())
        && session.getRequest().getExecutionListener() instanceof LeaseGuard guard) {
      guard.lease().finish(session);
    }
  }
}
