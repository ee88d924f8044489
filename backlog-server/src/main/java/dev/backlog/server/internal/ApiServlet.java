package dev.backlog.server.internal;

import dev.backlog.core.Backlog;
import dev.backlog.core.BacklogException;
import dev.backlog.server.ServerErrorCode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches {@code /api/*} to the route table and turns failures into the error object with the
 * status of their category. Thread-safe.
 */
public final class ApiServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ApiServlet.class);

  private final transient List<Route> routes;
  private final long maxBody;
  private final long maxImportBody;

  /**
   * @param backlog the backlog to serve
   * @param maxBody the body limit of every route but import
   * @param maxImportBody the body limit of import
   */
  public ApiServlet(Backlog backlog, long maxBody, long maxImportBody) {
    this.routes = new ApiRoutes(backlog).routes();
    this.maxBody = maxBody;
    this.maxImportBody = maxImportBody;
  }

  /** The method and path template of every route, for tests and docs. */
  public List<String> routeNames() {
    return routes.stream().map(r -> r.method() + " " + r.template()).toList();
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String path = Guard.path(req);
    String[] segments = path.substring(1).split("/", -1);
    boolean pathKnown = false;
    try {
      for (Route route : routes) {
        Map<String, String> params = route.match(segments);
        if (params == null || route.handler() == null) {
          continue;
        }
        pathKnown = true;
        if (!route.method().equals(req.getMethod())) {
          continue;
        }
        long limit = path.equals("/api/import") ? maxImportBody : maxBody;
        Call call = new Call(req, route, params, limit);
        call.rejectUnknownQuery();
        Route.Answer answer = route.handler().handle(call);
        byte[] bytes = answer.json().getBytes(StandardCharsets.UTF_8);
        resp.setStatus(answer.status());
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentType(answer.contentType());
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
        return;
      }
      if (pathKnown) {
        throw new BacklogException(
            ServerErrorCode.METHOD_NOT_ALLOWED,
            req.getMethod() + " is not allowed on " + path + "; see /api/openapi.json");
      }
      throw new BacklogException(
          ServerErrorCode.NO_SUCH_ROUTE,
          "no route " + req.getMethod() + " " + path + "; see /api/openapi.json for the routes");
    } catch (BacklogException e) {
      LOG.debug("{} {} refused: {}", req.getMethod(), path, e.code().name());
      Http.sendError(resp, e);
    } catch (IOException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.error("{} {} failed unexpectedly", req.getMethod(), path, e);
      Http.sendError(
          resp,
          new BacklogException(
              ServerErrorCode.INTERNAL,
              "the server failed unexpectedly ("
                  + e.getClass().getSimpleName()
                  + "); the server log has the details"));
    }
  }
}
