package dev.backlog.mcp.internal;

import dev.backlog.core.Backlog;
import dev.backlog.core.BacklogException;
import dev.backlog.core.CardId;
import dev.backlog.core.CardNotFoundException;
import dev.backlog.core.LeaseLostException;
import dev.backlog.json.JsonContract;
import dev.backlog.mcp.McpOptions;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.GetPromptResult;
import io.modelcontextprotocol.spec.McpSchema.Prompt;
import io.modelcontextprotocol.spec.McpSchema.PromptMessage;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.Resource;
import io.modelcontextprotocol.spec.McpSchema.ResourceTemplate;
import io.modelcontextprotocol.spec.McpSchema.Role;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the MCP server offers over a backlog: the tools, the resources {@code backlog://stats}
 * and {@code backlog://cards/{id}}, and the prompt {@code work-loop}. One per server; thread-safe.
 */
public final class Features {

  private static final Logger LOG = LoggerFactory.getLogger(Features.class);

  /** The stats resource. */
  public static final String STATS_URI = "backlog://stats";

  /** The card resource template. */
  public static final String CARD_URI_TEMPLATE = "backlog://cards/{id}";

  private static final String CARD_URI_PREFIX = "backlog://cards/";

  /** The prompt's name. */
  public static final String WORK_LOOP = "work-loop";

  /** What the server tells a client about itself in {@code initialize}. */
  public static final String INSTRUCTIONS =
      "A shared backlog of cards with dependencies. Claim work with claim_next, heartbeat before"
          + " the lease expires, complete with evidence; stop working on a card whose lease is"
          + " reported lost. The work-loop prompt has the details.";

  static final String WORK_LOOP_TEXT =
      String.join(
          "\n",
          "Work through the backlog with its tools, one card at a time:",
          "1. Call claim_next. If it says nothing claimable, stop (or wait and try again).",
          "2. Read the card (title, body, acceptance). Its lease.token is your fencing token; pass"
              + " it as token with the card's id to every later call about this card.",
          "3. Call heartbeat before lease.expiresAt (e.g. every few minutes, ttlSeconds 900) for as"
              + " long as you work on the card.",
          "4. When done, call complete with evidence (what you ran, what passed, the commit)."
              + " It names the cards that became claimable.",
          "5. If you cannot finish, call fail with the reason, or release to hand it back.",
          "6. If any call answers that the lease is no longer valid, stop working on that card at"
              + " once: someone else may hold it now. Discard unfinished changes and go to 1.");

  private final Backlog backlog;
  private final LeaseCalls leaseCalls;
  private final CardCalls cardCalls;
  private final SessionLeases leases;

  /** The features over a backlog; leases taken are recorded in {@code leases}. */
  public Features(Backlog backlog, McpOptions options, SessionLeases leases) {
    this.backlog = backlog;
    this.leases = leases;
    this.leaseCalls = new LeaseCalls(backlog, options, leases);
    this.cardCalls = new CardCalls(backlog);
  }

  /** Adds everything to a server specification. */
  public <S extends McpServer.SyncSpecification<S>> McpServer.SyncSpecification<S> addTo(
      McpServer.SyncSpecification<S> spec) {
    return spec.instructions(INSTRUCTIONS)
        .capabilities(
            McpSchema.ServerCapabilities.builder()
                .tools(false)
                .resources(false, false)
                .prompts(false)
                .build())
        // The handlers check their arguments themselves, with messages an agent can act on.
        .validateToolInputs(false)
        // Run each call on the thread that read it (the stdio reader, the servlet's request
        // thread): the calls are short, and a hand-over to another pool per call costs latency.
        .immediateExecution(true)
        .tools(tools())
        .resources(statsResource())
        .resourceTemplates(cardResource())
        .prompts(workLoop());
  }

  /** Releases every lease still held (a stdio session ended); returns the cards given back. */
  public List<CardId> releaseAll() {
    leases.end();
    List<CardId> released = new ArrayList<>();
    leases
        .drain()
        .forEach(
            (id, token) -> {
              try {
                if (leaseCalls.giveBack("ended", id, token)) {
                  released.add(id);
                }
              } catch (RuntimeException e) {
                LOG.warn("could not release {} (lease {}) as the session ended", id, token, e);
              }
            });
    return released;
  }

  private List<SyncToolSpecification> tools() {
    Map<String, BiFunction<Caller, Map<String, Object>, CallToolResult>> handlers =
        Map.of(
            ToolCatalog.CLAIM_NEXT, leaseCalls::claimNext,
            ToolCatalog.HEARTBEAT, leaseCalls::heartbeat,
            ToolCatalog.COMPLETE, leaseCalls::complete,
            ToolCatalog.RELEASE, leaseCalls::release,
            ToolCatalog.FAIL, leaseCalls::fail,
            ToolCatalog.CREATE_CARDS, (c, a) -> cardCalls.createCards(a),
            ToolCatalog.SHOW_CARD, (c, a) -> cardCalls.showCard(a),
            ToolCatalog.LIST_CARDS, (c, a) -> cardCalls.listCards(a),
            ToolCatalog.STATS, (c, a) -> cardCalls.stats(a));
    List<SyncToolSpecification> specs = new ArrayList<>();
    for (Tool tool : ToolCatalog.tools()) {
      BiFunction<Caller, Map<String, Object>, CallToolResult> handler = handlers.get(tool.name());
      specs.add(
          SyncToolSpecification.builder()
              .tool(tool)
              .callHandler((exchange, request) -> call(handler, exchange, request))
              .build());
    }
    return specs;
  }

  /** Runs a handler; every refusal and failure becomes an {@code isError} result. */
  static CallToolResult call(
      BiFunction<Caller, Map<String, Object>, CallToolResult> handler,
      McpSyncServerExchange exchange,
      CallToolRequest request) {
    try {
      return handler.apply(Caller.of(exchange), request.arguments());
    } catch (Refusal e) {
      return Replies.refused(e.code, e.getMessage());
    } catch (LeaseLostException e) {
      return Replies.refused(
          e.code(),
          "lease "
              + e.presented()
              + " on "
              + e.card()
              + " is no longer valid: stop working on "
              + e.card()
              + " and call claim_next for other work; "
              + e.reason());
    } catch (CardNotFoundException e) {
      return Replies.refused(e.code(), e.getMessage() + "; list_cards shows the cards there are");
    } catch (BacklogException e) {
      return Replies.refused(e.code(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("tool {} failed unexpectedly", request.name(), e);
      return Replies.refused(
          McpErrorCode.UNEXPECTED,
          "unexpected failure in "
              + request.name()
              + ": "
              + e
              + "; the call changed nothing"
              + " that its result did not report; try again or report this");
    }
  }

  private SyncResourceSpecification statsResource() {
    Resource resource =
        Resource.builder(STATS_URI, "stats")
            .description("Counts of the backlog (the stats tool's answer).")
            .mimeType("application/json")
            .build();
    return new SyncResourceSpecification(
        resource, (exchange, request) -> json(request.uri(), JsonContract.stats(backlog.stats())));
  }

  private SyncResourceTemplateSpecification cardResource() {
    ResourceTemplate template =
        ResourceTemplate.builder(CARD_URI_TEMPLATE, "card")
            .description("One card in the JSON contract.")
            .mimeType("application/json")
            .build();
    return new SyncResourceTemplateSpecification(
        template,
        (exchange, request) -> {
          String uri = request.uri();
          String raw =
              uri.startsWith(CARD_URI_PREFIX) ? uri.substring(CARD_URI_PREFIX.length()) : "";
          String problem = CardId.problem(raw).orElse(null);
          if (problem != null) {
            throw McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS)
                .message(uri + ": " + problem)
                .build();
          }
          CardId id = CardId.of(raw);
          return backlog
              .find(id)
              .map(card -> json(uri, JsonContract.card(card)))
              .orElseThrow(() -> McpError.RESOURCE_NOT_FOUND.apply(uri));
        });
  }

  private static ReadResourceResult json(String uri, String text) {
    return ReadResourceResult.builder(
            List.of(TextResourceContents.builder(uri, text).mimeType("application/json").build()))
        .build();
  }

  private SyncPromptSpecification workLoop() {
    Prompt prompt =
        Prompt.builder(WORK_LOOP)
            .description("How to work through the backlog with these tools.")
            .build();
    return new SyncPromptSpecification(
        prompt,
        (exchange, request) ->
            GetPromptResult.builder(
                    List.of(
                        PromptMessage.builder(
                                Role.USER, TextContent.builder(WORK_LOOP_TEXT).build())
                            .build()))
                .description("How to work through the backlog")
                .build());
  }
}
