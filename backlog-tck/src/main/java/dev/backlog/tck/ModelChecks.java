package dev.backlog.tck;

import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.tck.ModelOperations.Op;
import dev.backlog.tck.StoreModel.MCard;
import dev.backlog.tck.StoreModel.Refusal;
import java.util.List;
import java.util.Objects;

/**
 * The assertions {@link ModelRun} makes: a step's outcome against the model's prediction, a card
 * against the model's card, a value against the expected one. Each fails with an {@link
 * AssertionError} that says what differed.
 *
 * <p>Stateless.
 */
final class ModelChecks {

  private ModelChecks() {}

  /** The store refused exactly when the model did, with an exception the model accepts. */
  static void expectOutcome(Op op, Refusal refusal, RuntimeException thrown) {
    if (refusal == null && thrown != null) {
      throw new AssertionError(op + " should have succeeded but raised " + thrown, thrown);
    }
    if (refusal != null) {
      if (thrown == null) {
        throw new AssertionError(
            op + " should have been refused (" + refusal.getMessage() + ") but succeeded");
      }
      if (refusal.accepted.stream().noneMatch(t -> t.isInstance(thrown))) {
        throw new AssertionError(
            op
                + " should have raised one of "
                + refusal.accepted
                + " ("
                + refusal.getMessage()
                + ") but raised "
                + thrown,
            thrown);
      }
      refusal.check.accept(thrown);
    }
  }

  /** The store's card matches the model's in every field the contract checks. */
  static void compareCard(MCard expected, Card actual, String what) {
    if (expected == null) {
      throw new AssertionError(
          what + ": the store has card " + actual.id() + " which the model does not");
    }
    equal(expected.status, actual.status(), what + " status");
    equal(expected.attempts, actual.attempts(), what + " attempts");
    equal(expected.priority, actual.priority(), what + " priority");
    equal(expected.phase, actual.phase(), what + " phase");
    equal(expected.maxAttempts, actual.maxAttempts(), what + " maxAttempts");
    equal(
        List.copyOf(expected.deps),
        actual.dependsOn().stream().map(CardId::value).toList(),
        what + " dependsOn");
    equal(expected.version, actual.version(), what + " version");
    equal(expected.notBefore, actual.notBefore(), what + " notBefore");
    equal(expected.createdAt, actual.createdAt(), what + " createdAt");
    equal(expected.updatedAt, actual.updatedAt(), what + " updatedAt");
    if (expected.lease == null) {
      equal(null, actual.lease(), what + " lease");
    } else {
      if (actual.lease() == null) {
        throw new AssertionError(
            what + ": expected lease " + expected.lease + " but the card has none");
      }
      equal(expected.lease.owner(), actual.lease().owner(), what + " lease owner");
      equal(expected.lease.token(), actual.lease().token().value(), what + " lease token");
      equal(expected.lease.claimedAt(), actual.lease().claimedAt(), what + " lease claimedAt");
      equal(expected.lease.expiresAt(), actual.lease().expiresAt(), what + " lease expiresAt");
      equal(expected.lease.phase(), actual.lease().phase(), what + " lease phase");
      equal(expected.lease.attributes(), actual.lease().attributes(), what + " lease attributes");
    }
    if (Objects.equals(expected.blockedReason, StoreModel.ANY_REASON)) {
      if (actual.blockedReason() == null || actual.blockedReason().isBlank()) {
        throw new AssertionError(what + ": a card blocked by poison-card protection must say why");
      }
    } else {
      equal(expected.blockedReason, actual.blockedReason(), what + " blockedReason");
    }
  }

  /** {@code expected} equals {@code actual}; {@code what} names the value in the failure. */
  static void equal(Object expected, Object actual, String what) {
    if (!Objects.equals(expected, actual)) {
      throw new AssertionError(what + ": expected " + expected + " but the store has " + actual);
    }
  }
}
