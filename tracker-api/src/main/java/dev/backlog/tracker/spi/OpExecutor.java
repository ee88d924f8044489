package dev.backlog.tracker.spi;

/**
 * Performs the remote side of {@link OpLog} ops for {@link OpLog#drain}. A provider implements it
 * with its remote calls.
 *
 * <p>Called from the draining thread only.
 */
public interface OpExecutor {

  /** What applying an op did. */
  enum Outcome {
    /** The remote applied it. */
    DONE,
    /** The remote changed meanwhile and refuses it; the op is set aside as a conflict. */
    CONFLICT
  }

  /** What looking up an uncertain op found. */
  enum Resolution {
    /** The remote already holds the op's effect (found by its marker); it is done. */
    APPLIED,
    /** The remote does not hold it; it may be sent again. */
    NOT_APPLIED
  }

  /**
   * Sends an op. Throw {@link ResponseLostException} when the request may have reached the remote
   * but no answer came; throw anything else for a failure that certainly changed nothing.
   */
  Outcome apply(Op op) throws Exception;

  /** Looks up whether an uncertain op's effect is on the remote (by the op id in a marker). */
  Resolution resolve(Op op) throws Exception;
}
