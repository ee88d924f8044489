package dev.backlog.mcp;

import dev.backlog.core.ClaimRequest;
import dev.backlog.core.InvalidInputException;
import java.time.Duration;
import java.util.Objects;

/**
 * How an MCP server over a backlog behaves. Immutable and thread-safe.
 *
 * @param owner the lease owner for every claim, or null for the default: the client's name from
 *     {@code initialize} plus a short session id, so two agents never share an owner by accident
 * @param keepLeasesOnExit when true, a stdio session that ends keeps its leases until their TTL; by
 *     default they are released at once with reason {@value #SESSION_ENDED}
 * @param defaultTtl the lease length when a call gives no {@code ttlSeconds}
 */
public record McpOptions(String owner, boolean keepLeasesOnExit, Duration defaultTtl) {

  /** The reason recorded when a stdio session's leases are released as it ends. */
  public static final String SESSION_ENDED = "session ended";

  /** The default lease length: {@link ClaimRequest#DEFAULT_TTL}. */
  public static final Duration DEFAULT_TTL = ClaimRequest.DEFAULT_TTL;

  /** Validates the owner and the TTL. */
  public McpOptions {
    Objects.requireNonNull(defaultTtl, "defaultTtl");
    ClaimRequest.validTtl(defaultTtl);
    if (owner != null && (owner.isBlank() || owner.length() > ClaimRequest.MAX_OWNER)) {
      throw InvalidInputException.of(
          "owner",
          "owner '"
              + owner
              + "' must be 1 to "
              + ClaimRequest.MAX_OWNER
              + " characters and not blank; leave it out for the client's name plus a session id");
    }
  }

  /** The defaults: owner from the client, leases released when a stdio session ends, 15 min TTL. */
  public static McpOptions defaults() {
    return new McpOptions(null, false, DEFAULT_TTL);
  }

  /** These options with a fixed lease owner. */
  public McpOptions withOwner(String value) {
    return new McpOptions(value, keepLeasesOnExit, defaultTtl);
  }

  /** These options with leases kept (true) or released (false) when a stdio session ends. */
  public McpOptions withKeepLeasesOnExit(boolean value) {
    return new McpOptions(owner, value, defaultTtl);
  }

  /** These options with another default lease length. */
  public McpOptions withDefaultTtl(Duration value) {
    return new McpOptions(owner, keepLeasesOnExit, value);
  }
}
