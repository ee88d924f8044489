package dev.backlog.server.internal;

import dev.backlog.core.BacklogException;
import dev.backlog.server.ServerErrorCode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Serves the board page and its assets from the jar ({@code /} and {@code /assets/*}); nothing
 * comes from the network. Thread-safe.
 */
public final class BoardAssets extends HttpServlet {

  private static final long serialVersionUID = 1L;
  private static final String ROOT = "dev/backlog/server/board/";
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html;charset=utf-8",
          "css", "text/css;charset=utf-8",
          "js", "text/javascript;charset=utf-8",
          "svg", "image/svg+xml",
          "txt", "text/plain;charset=utf-8");

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String path = Guard.path(req);
    String name;
    if (path.equals("/")) {
      name = "index.html";
    } else if (path.startsWith("/assets/") && path.substring(8).matches("[a-z0-9-]+\\.[a-z]+")) {
      name = path.substring(8);
    } else {
      Http.sendError(
          resp,
          new BacklogException(
              ServerErrorCode.NO_SUCH_ROUTE,
              "nothing at " + path + "; the board is at / and the API under /api/"));
      return;
    }
    String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
    try (InputStream in = BoardAssets.class.getClassLoader().getResourceAsStream(ROOT + name)) {
      if (in == null || type == null) {
        Http.sendError(
            resp,
            new BacklogException(
                ServerErrorCode.NO_SUCH_ROUTE, "no board asset " + name + " in this build"));
        return;
      }
      byte[] bytes = in.readAllBytes();
      resp.setStatus(200);
      resp.setContentType(type);
      resp.setHeader("Cache-Control", "no-cache");
      resp.setHeader(
          "Content-Security-Policy",
          "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
              + " connect-src 'self'; frame-ancestors 'none'");
      resp.setHeader("X-Content-Type-Options", "nosniff");
      resp.setContentLength(bytes.length);
      resp.getOutputStream().write(bytes);
    }
  }
}
