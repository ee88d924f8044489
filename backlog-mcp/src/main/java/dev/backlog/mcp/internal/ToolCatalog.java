package dev.backlog.mcp.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tools' names, short descriptions and input schemas: what {@code tools/list} answers. Kept
 * small on purpose (every agent pays for it in context); a test compares the whole answer with a
 * committed snapshot and its size. Stateless and thread-safe.
 */
final class ToolCatalog {

  static final String CLAIM_NEXT = "claim_next";
  static final String HEARTBEAT = "heartbeat";
  static final String COMPLETE = "complete";
  static final String RELEASE = "release";
  static final String FAIL = "fail";
  static final String CREATE_CARDS = "create_cards";
  static final String SHOW_CARD = "show_card";
  static final String LIST_CARDS = "list_cards";
  static final String STATS = "stats";

  /** The fields one card of {@code create_cards} may have. */
  static final Set<String> CARD_FIELDS =
      Set.of(
          "id", "title", "body", "phase", "priority", "dependsOn", "acceptance", "idempotencyKey");

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String ID = "\"id\":{\"type\":\"string\"}";
  private static final String TOKEN =
      "\"token\":{\"type\":\"integer\",\"description\":\"lease.token from claim_next\"}";
  private static final String TTL =
      "\"ttlSeconds\":{\"type\":\"integer\",\"description\":\"lease length, default 900\"}";

  private ToolCatalog() {}

  /** Every tool, in the order {@code tools/list} gives them. */
  static List<Tool> tools() {
    return List.of(
        tool(
            CLAIM_NEXT,
            "Claim the best ready card under a lease (or the card id). Returns the card with"
                + " lease.token and lease.expiresAt, or nothing claimable. Heartbeat before expiry;"
                + " stop if a call says the lease is no longer valid.",
            "\"owner\":{\"type\":\"string\"},\"phase\":{\"type\":\"string\"}," + ID + "," + TTL,
            ""),
        tool(
            HEARTBEAT,
            "Extend your lease on a claimed card to now + ttlSeconds. Returns the card with its"
                + " new lease.expiresAt.",
            ID + "," + TOKEN + "," + TTL,
            "\"id\",\"token\""),
        tool(
            COMPLETE,
            "Finish a claimed card. Returns the done card and the ids it made claimable.",
            ID
                + ","
                + TOKEN
                + ",\"evidence\":{\"type\":\"object\",\"description\":\"what shows it is done,"
                + " e.g. tests run, commit\"}",
            "\"id\",\"token\""),
        tool(
            RELEASE,
            "Give a claimed card back unfinished; it becomes ready for others.",
            ID + "," + TOKEN + ",\"reason\":{\"type\":\"string\"}",
            "\"id\",\"token\""),
        tool(
            FAIL,
            "Report that the work on a claimed card failed; it becomes ready again, or blocked"
                + " when its attempts are used up.",
            ID + "," + TOKEN + ",\"reason\":{\"type\":\"string\"}",
            "\"id\",\"token\",\"reason\""),
        tool(
            CREATE_CARDS,
            "Create cards in one transaction, all or none. dependsOn may name cards created in"
                + " the same call.",
            "\"cards\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
                + ID
                + ",\"title\":{\"type\":\"string\"},\"body\":{\"type\":\"string\"},"
                + "\"phase\":{\"type\":\"string\"},\"priority\":{\"type\":\"integer\"},"
                + "\"dependsOn\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
                + "\"acceptance\":{\"type\":[\"array\",\"object\"]},"
                + "\"idempotencyKey\":{\"type\":\"string\"}},"
                + "\"required\":[\"id\",\"title\"]}}",
            "\"cards\""),
        tool(
            SHOW_CARD,
            "One card with its dependencies' statuses, why it waits, and its last events.",
            ID,
            "\"id\""),
        tool(
            LIST_CARDS,
            "List cards (ready ones in claim order). limit defaults to 50.",
            "\"status\":{\"enum\":[\"ready\",\"claimed\",\"done\",\"blocked\"]},"
                + "\"phase\":{\"type\":\"string\"},\"limit\":{\"type\":\"integer\"}",
            ""),
        tool(STATS, "Counts by status and phase, claimable cards, expired leases.", "", ""));
  }

  private static Tool tool(String name, String description, String properties, String required) {
    String schema =
        "{\"type\":\"object\",\"properties\":{"
            + properties
            + "}"
            + (required.isEmpty() ? "" : ",\"required\":[" + required + "]")
            + ",\"additionalProperties\":false}";
    return Tool.builder(name, parse(schema)).description(description).build();
  }

  private static Map<String, Object> parse(String json) {
    try {
      return JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
