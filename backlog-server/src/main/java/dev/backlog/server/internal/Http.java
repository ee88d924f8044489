package dev.backlog.server.internal;

import dev.backlog.core.BacklogException;
import dev.backlog.core.ErrorCategory;
import dev.backlog.core.ErrorCode;
import dev.backlog.json.JsonContract;
import dev.backlog.server.ServerErrorCode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Writing answers and errors, reading bounded bodies. Stateless. */
final class Http {

  static final String JSON_TYPE = "application/json;charset=utf-8";

  private Http() {}

  /** The HTTP status for a failure with this code. */
  static int status(ErrorCode code) {
    if (code instanceof ServerErrorCode server) {
      return server.httpStatus();
    }
    return status(code.category());
  }

  /** The HTTP status for a category: the same split as the CLI's exit codes. */
  static int status(ErrorCategory category) {
    return switch (category) {
      case INVALID_INPUT -> 400;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case UNAVAILABLE -> 503;
      case UNEXPECTED -> 500;
      case REFUSED -> 403;
    };
  }

  /** The error object {@code {"error":{"code","category","message"}}}, as the CLI's. */
  static String error(ErrorCode code, String message) {
    return JsonContract.error(code, message);
  }

  /** Sends a JSON answer. */
  static void send(HttpServletResponse resp, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    resp.setStatus(status);
    resp.setHeader("Cache-Control", "no-store");
    resp.setContentType(JSON_TYPE);
    resp.setContentLength(bytes.length);
    resp.getOutputStream().write(bytes);
  }

  /** Sends a failure as the error object with its status. */
  static void sendError(HttpServletResponse resp, BacklogException e) throws IOException {
    if (resp.isCommitted()) {
      return;
    }
    resp.reset();
    if (e.code() == ServerErrorCode.UNAUTHORIZED) {
      resp.setHeader("WWW-Authenticate", "Bearer realm=\"backlog\"");
    }
    if (e.code() == ServerErrorCode.TOO_MANY_STREAMS) {
      resp.setHeader("Retry-After", "10");
    }
    send(resp, status(e.code()), error(e.code(), e.getMessage()));
  }

  /** The refusal of a body over {@code limit} bytes. */
  static BacklogException tooLarge(long size, long limit) {
    return new BacklogException(
        ServerErrorCode.BODY_TOO_LARGE,
        "the request body"
            + (size >= 0 ? " of " + size + " bytes" : "")
            + " is over this route's limit of "
            + limit
            + " bytes; send a smaller body (split a big plan into several imports)");
  }

  /** Reads the whole body as UTF-8, refusing more than {@code limit} bytes. */
  static String body(HttpServletRequest req, long limit) throws IOException {
    long declared = req.getContentLengthLong();
    if (declared > limit) {
      throw tooLarge(declared, limit);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try (InputStream in = req.getInputStream()) {
      int n;
      while ((n = in.read(buffer)) != -1) {
        if (out.size() + (long) n > limit) {
          throw tooLarge(-1, limit);
        }
        out.write(buffer, 0, n);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Whether the method changes something (everything but GET, HEAD and OPTIONS). */
  static boolean isWrite(String method) {
    return !(method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS"));
  }
}
