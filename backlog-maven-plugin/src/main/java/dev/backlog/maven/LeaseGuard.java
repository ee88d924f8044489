package dev.backlog.maven;

import org.apache.maven.execution.ExecutionEvent;
import org.apache.maven.execution.ExecutionListener;

/**
 * Wraps the session's {@link ExecutionListener}: before each mojo it checks that the build's lease
 * is still held (a lost lease fails the project before the mojo runs), and when the session ends it
 * finishes the lease (complete or fail) before the build summary is printed. Maven reads the
 * session's listener for every event, so installing this from a mojo works for a plain plugin too.
 * Thread-safe as far as {@link BuildLease} is.
 */
final class LeaseGuard implements ExecutionListener {

  private final ExecutionListener delegate;
  private final BuildLease lease;

  LeaseGuard(ExecutionListener delegate, BuildLease lease) {
    this.delegate = delegate;
    this.lease = lease;
  }

  BuildLease lease() {
    return lease;
  }

  /** Whether {@code listener} is a guard, possibly loaded by another class realm. */
  static boolean isGuard(ExecutionListener listener) {
    return listener != null && listener.getClass().getName().equals(LeaseGuard.class.getName());
  }

  @Override
  public void mojoStarted(ExecutionEvent event) {
    lease.checkHeld();
    if (delegate != null) {
      delegate.mojoStarted(event);
    }
  }

  @Override
  public void sessionEnded(ExecutionEvent event) {
    lease.finish(event.getSession());
    if (delegate != null) {
      delegate.sessionEnded(event);
    }
  }

  @Override
  public void projectDiscoveryStarted(ExecutionEvent event) {
    if (delegate != null) {
      delegate.projectDiscoveryStarted(event);
    }
  }

  @Override
  public void sessionStarted(ExecutionEvent event) {
    if (delegate != null) {
      delegate.sessionStarted(event);
    }
  }

  @Override
  public void projectSkipped(ExecutionEvent event) {
    if (delegate != null) {
      delegate.projectSkipped(event);
    }
  }

  @Override
  public void projectStarted(ExecutionEvent event) {
    if (delegate != null) {
      delegate.projectStarted(event);
    }
  }

  @Override
  public void projectSucceeded(ExecutionEvent event) {
    if (delegate != null) {
      delegate.projectSucceeded(event);
    }
  }

  @Override
  public void projectFailed(ExecutionEvent event) {
    if (delegate != null) {
      delegate.projectFailed(event);
    }
  }

  @Override
  public void mojoSkipped(ExecutionEvent event) {
    if (delegate != null) {
      delegate.mojoSkipped(event);
    }
  }

  @Override
  public void mojoSucceeded(ExecutionEvent event) {
    if (delegate != null) {
      delegate.mojoSucceeded(event);
    }
  }

  @Override
  public void mojoFailed(ExecutionEvent event) {
    if (delegate != null) {
      delegate.mojoFailed(event);
    }
  }

  @Override
  public void forkStarted(ExecutionEvent event) {
    if (delegate != null) {
      delegate.forkStarted(event);
    }
  }

  @Override
  public void forkSucceeded(ExecutionEvent event) {
    if (delegate != null) {
      delegate.forkSucceeded(event);
    }
  }

  @Override
  public void forkFailed(ExecutionEvent event) {
    if (delegate != null) {
      delegate.forkFailed(event);
    }
  }

  @Override
  public void forkedProjectStarted(ExecutionEvent event) {
    if (delegate != null) {
      delegate.forkedProjectStarted(event);
    }
  }

  @Override
  public void forkedProjectSucceeded(ExecutionEvent event) {
    if (delegate != null) {
      delegate.forkedProjectSucceeded(event);
    }
  }

  @Override
  public void forkedProjectFailed(ExecutionEvent event) {
    if (delegate != null) {
      delegate.forkedProjectFailed(event);
    }
  }
}
