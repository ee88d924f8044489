package dev.backlog.mcp.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backlog.core.ErrorCode;
import dev.backlog.json.JsonContract;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Tool results: structured content in the JSON contract of the CLI and a one-line text summary.
 * Stateless and thread-safe.
 */
final class Replies {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  private Replies() {}

  /** A successful call: the summary line and the structured content (a JSON object's text). */
  static CallToolResult ok(String summary, String structuredJson) {
    return CallToolResult.builder()
        .addTextContent(summary)
        .structuredContent(object(structuredJson))
        .isError(false)
        .build();
  }

  /**
   * A refused call: {@code isError}, the message as text, the contract's error object with its code
   * and category.
   */
  static CallToolResult refused(ErrorCode code, String message) {
    return CallToolResult.builder()
        .addTextContent(message)
        .structuredContent(object(JsonContract.error(code, message)))
        .isError(true)
        .build();
  }

  /** A JSON object's text as a map (the SDK serializes it again). */
  static Map<String, Object> object(String json) {
    try {
      return JSON.readValue(json, OBJECT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
