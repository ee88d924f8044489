package dev.backlog.server.internal;

import dev.backlog.core.BacklogException;
import dev.backlog.server.ServerErrorCode;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Set;

/**
 * The rules every request passes before a servlet sees it, in this order: the {@code Host} names
 * this server (DNS rebinding), the bearer token when one is configured (board assets excepted), a
 * write's {@code Origin} is the server's own, a read-only server refuses API writes, and the body
 * is within its limit. A refused request reaches no servlet, so it changes nothing. Thread-safe.
 */
public final class Guard implements Filter {

  private static final Set<String> LOOPBACK_NAMES =
      Set.of("localhost", "127.0.0.1", "::1", "[::1]");

  private final Set<String> hostNames;
  private final boolean anyHost;
  private final byte[] token;
  private final boolean readOnly;
  private final long maxBody;
  private final long maxImportBody;

  /**
   * @param hostNames the names (besides loopback names) a {@code Host} header may carry
   * @param anyHost whether any {@code Host} is accepted (bound to a wildcard address with a token)
   * @param token the bearer token, or null for none
   * @param readOnly whether API writes are refused
   * @param maxBody the body limit of every route but import
   * @param maxImportBody the body limit of {@code POST /api/import}
   */
  public Guard(
      Set<String> hostNames,
      boolean anyHost,
      String token,
      boolean readOnly,
      long maxBody,
      long maxImportBody) {
    this.hostNames = Set.copyOf(hostNames);
    this.anyHost = anyHost;
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    this.readOnly = readOnly;
    this.maxBody = maxBody;
    this.maxImportBody = maxImportBody;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest req = (HttpServletRequest) request;
    HttpServletResponse resp = (HttpServletResponse) response;
    try {
      long limit = check(req);
      chain.doFilter(new Bounded(req, limit), resp);
    } catch (BacklogException e) {
      Http.sendError(resp, e);
    }
  }

  /** Applies the rules; returns the body limit of the request's route. */
  private long check(HttpServletRequest req) {
    String path = path(req);
    String host = hostOf(req.getHeader("Host"));
    if (!anyHost && !LOOPBACK_NAMES.contains(host) && !hostNames.contains(host)) {
      throw new BacklogException(
          ServerErrorCode.FORBIDDEN,
          "the Host header names '"
              + host
              + "', which is not this server's name; use the address the server printed"
              + " (requests for other names are refused against DNS rebinding)");
    }
    boolean write = Http.isWrite(req.getMethod());
    if (token != null && !isBoardAsset(path, write)) {
      String given = bearer(req.getHeader("Authorization"));
      if (given == null || !MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
        throw new BacklogException(
            ServerErrorCode.UNAUTHORIZED,
            given == null
                ? "this server needs a token: send the header 'Authorization: Bearer <token>'"
                    + " with the token the server was started with"
                : "the bearer token is wrong; send the token the server was started with");
      }
    }
    if (write) {
      String origin = req.getHeader("Origin");
      String own = "http://" + req.getHeader("Host");
      if (origin != null && !origin.equalsIgnoreCase(own)) {
        throw new BacklogException(
            ServerErrorCode.FORBIDDEN,
            "a write from origin '"
                + origin
                + "' is refused; only pages served by this server ("
                + own
                + ") may write");
      }
      if ("cross-site".equals(req.getHeader("Sec-Fetch-Site"))) {
        throw new BacklogException(
            ServerErrorCode.FORBIDDEN,
            "a cross-site write is refused; only pages served by this server may write");
      }
      if (readOnly && path.startsWith("/api/")) {
        throw new BacklogException(
            ServerErrorCode.READ_ONLY,
            "this server is read-only; "
                + req.getMethod()
                + " "
                + path
                + " is refused (start it without --read-only to allow writes)");
      }
    }
    long limit = path.equals("/api/import") ? maxImportBody : maxBody;
    long declared = req.getContentLengthLong();
    if (declared > limit) {
      throw Http.tooLarge(declared, limit);
    }
    return limit;
  }

  private static boolean isBoardAsset(String path, boolean write) {
    return !write && (path.equals("/") || path.startsWith("/assets/"));
  }

  static String path(HttpServletRequest req) {
    String uri = req.getRequestURI();
    return uri == null || uri.isEmpty() ? "/" : uri;
  }

  /** The host part of a Host header, lower case, without the port. */
  static String hostOf(String header) {
    if (header == null || header.isBlank()) {
      return "";
    }
    String h = header.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end < 0 ? h : h.substring(0, end + 1);
    }
    int colon = h.indexOf(':');
    return colon < 0 ? h : h.substring(0, colon);
  }

  private static String bearer(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return header.substring(7).trim();
  }

  /** Caps the bytes a servlet can read from the body, for bodies without a declared length. */
  private static final class Bounded extends HttpServletRequestWrapper {
    private final long limit;

    Bounded(HttpServletRequest request, long limit) {
      super(request);
      this.limit = limit;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      ServletInputStream in = super.getInputStream();
      return new ServletInputStream() {
        private long read;

        @Override
        public int read() throws IOException {
          int b = in.read();
          if (b >= 0) {
            count(1);
          }
          return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
          int n = in.read(buf, off, len);
          if (n > 0) {
            count(n);
          }
          return n;
        }

        private void count(int n) {
          read += n;
          if (read > limit) {
            throw Http.tooLarge(-1, limit);
          }
        }

        @Override
        public boolean isFinished() {
          return in.isFinished();
        }

        @Override
        public boolean isReady() {
          return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
          in.setReadListener(listener);
        }
      };
    }
  }
}
