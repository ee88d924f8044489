package dev.backlog.core.spi;

import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Lease;
import dev.backlog.core.internal.JsonText;
import java.util.stream.Collectors;

/**
 * The JSON payload of each event type, so that every store writes the same data.
 *
 * <p>Stateless and thread-safe.
 */
public final class EventData {

  private EventData() {}

  /** {@code created}: the card's content as created. */
  public static String created(Card card) {
    return "{\"title\":"
        + JsonText.quote(card.title())
        + ",\"phase\":"
        + string(card.phase())
        + ",\"priority\":"
        + card.priority()
        + ",\"status\":"
        + JsonText.quote(card.status().wireName())
        + ",\"dependsOn\":["
        + card.dependsOn().stream()
            .map(id -> JsonText.quote(id.value()))
            .collect(Collectors.joining(","))
        + "]"
        + (card.idempotencyKey() == null
            ? ""
            : ",\"idempotencyKey\":" + JsonText.quote(card.idempotencyKey()))
        + "}";
  }

  /** {@code linked} and {@code unlinked}: the other end of the edge. */
  public static String edge(CardId dependsOn) {
    return "{\"dependsOn\":" + JsonText.quote(dependsOn.value()) + "}";
  }

  /**
   * {@code claimed}: owner, expiry and attempt number, then the lease phase and attributes when the
   * lease has them (left out otherwise, so a claim without them writes the payload it always did).
   */
  public static String claimed(Card claimed) {
    Lease lease = claimed.lease();
    return "{\"owner\":"
        + JsonText.quote(lease.owner())
        + ",\"expiresAt\":\""
        + lease.expiresAt()
        + "\",\"attempt\":"
        + claimed.attempts()
        + leaseMetadata(lease)
        + "}";
  }

  /** {@code renewed}: the new expiry, then the lease phase and attributes when it has them. */
  public static String renewed(Card renewed) {
    return "{\"expiresAt\":\""
        + renewed.lease().expiresAt()
        + "\""
        + leaseMetadata(renewed.lease())
        + "}";
  }

  /**
   * The members {@code ,"phase":…} and {@code ,"attributes":{…}} of a lease, each only when
   * present.
   */
  public static String leaseMetadata(Lease lease) {
    return (lease.phase() == null ? "" : ",\"phase\":" + JsonText.quote(lease.phase()))
        + (lease.attributes().isEmpty() ? "" : ",\"attributes\":" + lease.attributesJson());
  }

  /** {@code completed}: whether it was forced, and the status it came from. */
  public static String completed(CardStatus from, boolean forced) {
    return completed(from, forced, null);
  }

  /**
   * {@code completed}: whether it was forced, the status it came from, and the evidence (a compact
   * JSON object) when given.
   */
  public static String completed(CardStatus from, boolean forced, String evidence) {
    return "{\"from\":\""
        + from.wireName()
        + "\",\"forced\":"
        + forced
        + (evidence == null ? "" : ",\"evidence\":" + evidence)
        + "}";
  }

  /** {@code deferred}: until when. */
  public static String deferred(java.time.Instant until) {
    return "{\"until\":\"" + until + "\"}";
  }

  /** {@code undeferred}: whether the deferral had run out (the sweep) or was lifted early. */
  public static String undeferred(boolean expired) {
    return "{\"expired\":" + expired + "}";
  }

  /** {@code updated}: the changed fields with their new values, as a compact JSON object. */
  public static String updated(String changedFieldsJson) {
    return changedFieldsJson;
  }

  /** {@code failed}: the reason, the resulting status and the attempt count. */
  public static String failed(String reason, Card after) {
    return "{\"reason\":"
        + string(reason)
        + ",\"status\":\""
        + after.status().wireName()
        + "\",\"attempts\":"
        + after.attempts()
        + "}";
  }

  /**
   * {@code reclaimed}: whether the lease had lapsed, the previous owner and the resulting status.
   */
  public static String reclaimed(Card before, Card after, boolean expired) {
    return "{\"expired\":"
        + expired
        + ",\"owner\":"
        + JsonText.quote(before.lease().owner())
        + ",\"status\":\""
        + after.status().wireName()
        + "\""
        + (after.blockedReason() == null
            ? ""
            : ",\"reason\":" + JsonText.quote(after.blockedReason()))
        + "}";
  }

  /** {@code blocked}: the reason and the status it came from. */
  public static String blocked(CardStatus from, String reason) {
    return "{\"from\":\"" + from.wireName() + "\",\"reason\":" + string(reason) + "}";
  }

  /** {@code released}: the reason when one was given, else nothing. */
  public static String released(String reason) {
    return reason == null ? empty() : "{\"reason\":" + JsonText.quote(reason) + "}";
  }

  /** {@code unblocked}, {@code reopened}: nothing more to say. */
  public static String empty() {
    return "{}";
  }

  private static String string(String value) {
    return value == null ? "null" : JsonText.quote(value);
  }
}
