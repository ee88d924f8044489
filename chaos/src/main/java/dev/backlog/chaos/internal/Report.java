package dev.backlog.chaos.internal;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * Writes {@code reliability.md} and the soak plot {@code reliability/soak.png} from a run's
 * results. Stateless.
 */
public final class Report {

  /** The plot's path relative to the report. */
  public static final String SOAK_PNG = "reliability/soak.png";

  private Report() {}

  /** Writes the report and the plot into {@code dir}. */
  public static void write(Results r, Path dir) throws IOException {
    Files.createDirectories(dir.resolve(SOAK_PNG).getParent());
    if (!r.soak().isEmpty()) {
      plot(r.soak(), dir.resolve(SOAK_PNG));
    }
    Files.writeString(dir.resolve("reliability.md"), markdown(r), StandardCharsets.UTF_8);
  }

  static String markdown(Results r) {
    StringBuilder b = new StringBuilder();
    b.append("# Reliability: chaos and soak\n\n");
    b.append(
        "Written by `./backlog-chaos "
            + r.mode()
            + "` from its results (do not edit by hand; run `./backlog-chaos full` to rewrite it)."
            + " Users' worst pains are double work and lost work: every scenario below injects the faults"
            + " a fleet meets, then checks, **from the store's event log and cards, not from the driver's"
            + " bookkeeping**, that neither happened.\n\n");
    b.append("## Run\n\n");
    b.append("| | |\n| --- | --- |\n");
    b.append("| mode | `").append(r.mode()).append("` |\n");
    b.append("| started | ").append(r.startedAt()).append(" |\n");
    b.append("| duration | ")
        .append(String.format(Locale.ROOT, "%.0f s", r.seconds()))
        .append(" |\n");
    b.append("| seed | ").append(r.seed()).append(" |\n");
    b.append("| machine | ").append(r.machine()).append(" |\n");
    b.append("| PostgreSQL | ").append(r.postgres()).append(" (embedded, fsync on) |\n");
    b.append("| H2 | ").append(r.h2()).append(" |\n");
    b.append("| status | **")
        .append(
            r.violations() == 0
                ? "passed: 0 invariant violations"
                : "FAILED: " + r.violations() + " invariant violations")
        .append("** |\n\n");

    b.append("## Scenarios\n\n");
    b.append(
        "Recovery: time from a fault (a kill, the server back up, the space freed) to the next successful"
            + " operation of any worker. Faults and operations are the driver's counts; violations are"
            + " judged from the store.\n\n");
    b.append(
        "| scenario | store | runs | faults | operations | violations | recovery p50 | recovery p99 | notes |\n");
    b.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
    for (ScenarioResult s : r.scenarios()) {
      b.append("| ").append(s.scenario()).append(" | ").append(s.store()).append(" | ");
      if (s.skipped()) {
        b.append("0 | | | | | | skipped: ").append(escape(s.note())).append(" |\n");
        continue;
      }
      b.append(s.runs()).append(" | ").append(s.faults()).append(" | ").append(s.operations());
      b.append(" | ").append(s.violations().size()).append(" | ");
      b.append(ms(s.recoveryP50Ms())).append(" | ").append(ms(s.recoveryP99Ms())).append(" | ");
      b.append(escape(s.note())).append(" |\n");
    }
    b.append('\n');
    boolean any = false;
    for (ScenarioResult s : r.scenarios()) {
      for (String v : s.violations()) {
        if (!any) {
          b.append("### Violations\n\n");
          any = true;
        }
        b.append("- ")
            .append(s.scenario())
            .append(" on ")
            .append(s.store())
            .append(": ")
            .append(escape(v))
            .append('\n');
      }
    }
    if (any) {
      b.append('\n');
    }

    b.append(
        """
        ## What each scenario does

        - **kill -9 of CLI workers**: worker threads of the driver each run `backlog claim --json`,
          sometimes `renew`, then `complete` as processes of the CLI's runnable jar (leases of 30 s
          in `full`, 15 s in `quick`); an importer imports further plans and a syncer runs `tracker
          sync` meanwhile. A share of all processes (a fifth in `full`, 30 % in `quick`) gets SIGKILL
          at a random moment between its start and the mean duration of a command (start-up, the
          transaction and the exit are all hit); the worker then starts its next command, as a
          supervisor would. Faults stop after ten minutes in `full` (one in `quick`); the fleet then
          gets five minutes (two in `quick`) without faults to finish the drain, and only a drain
          that does not end then is a violation; a final `tracker sync` runs before the checks.
        - **kill -9 of embedding hosts**: processes of their own that hold a `Backlog` on
          `JdbcBacklogStore` (the shared H2 file in long-running mode, or PostgreSQL) with two worker
          threads each, killed and started again at random.
        - **kill -9 during coord record**: `backlog coord record` in a real git repository, half of
          them killed during their bookkeeping transaction (while none was hit, up to four more,
          each killed earlier within the shortest record); `coord status` then recovers.
        - **database restart**: the embedded PostgreSQL gets SIGINT (fast shutdown) and later SIGQUIT
          (immediate shutdown, crash recovery at the next start) while CLI workers and a host drain;
          they see exit 5 / `StoreUnavailableException`, retry, and go on. Once the CLI workers saw
          the drain done, the host must see it too within 30 s (it is stopped then, a violation).
        - **disk full**: the H2 file's home and the project (the local tracker's files) on a 48 MiB
          tmpfs, filled to the last byte mid-run until the workers ran six commands against it (at
          least four seconds), then freed; the workers must see exit 5 (or succeed), never exit 1.
        - **clock jumps**: the store's clock (injected into `JdbcBacklogStore` and `Backlog`) jumps an
          hour forward, past every lease, and back, at random moments while four threads drain; late
          holders' writes must be refused by their tokens. CLI processes never send their own time:
          their leases are judged by the database's clock, so a process's clock cannot give a card
          two holders.
        - **server under faults**: `backlog serve --token-file` (the CLI's jar, on the default H2
          file; on PostgreSQL too in `full`) with 200 SSE subscribers on raw sockets that start
          after seq 0 and reconnect with `Last-Event-ID` whenever their stream breaks; first slow
          clients (the head of a 1,000-byte body, ten bytes dribbled, then a stall), which only the
          idle timeout may free (within 40 s), while other clients send half a body and close, or a
          whole claim and close before the answer (its card lapses), and stdio `backlog mcp`
          processes are SIGKILLed in the middle of a `claim_next` (their leases lapse); then three
          HTTP workers drain a DAG through the API while the server is stopped with SIGTERM and
          started again, and later SIGKILLed and started again, on the same port. Every
          subscriber's ids, over all its connections, must equal the store's event seqs: nothing
          missed, nothing twice, in order. In `quick` it runs beside the coordination, restart and
          disk scenarios (its slow clients leave it idle for half a minute); in `full` alone.
        - **soak**: see below.

        """);
    b.append("## Invariants\n\n");
    b.append(
        """
        Checked after every scenario, from the event log and the store:

        - every card of the drain completed exactly once (one `completed` event; status done), and no card
          completed twice anywhere;
        - no completion before its dependencies' completions (event order);
        - no write accepted from a token that was no longer current: every `renewed`, `completed`,
          `released` and `failed` event carries the token of the card's live lease, and no `claimed` event
          while another lease on the card is live (two holders);
        - event seqs strictly increasing, and consecutive from 1 on H2, which promises no gap (PostgreSQL
          draws them from a sequence: a rolled-back transaction leaves a gap, see docs/storage.md);
        - `stats` equal to a recount of the cards;
        - the store opens again (a fresh `JdbcBacklogStore`) and its own recount finds no wrong dependency
          counter;
        - after a final `tracker sync`, every local tracker file parses and mirrors each card's events
          exactly once; the git coordination event log parses, a record that reported success is in it
          exactly once and a killed one at most once;
        - every SSE subscriber of the server scenario saw each event seq of the store exactly once, in
          order, across the server's restarts; every slow client was freed by the idle timeout;
        - the driver also counts as a violation any exit code the CLI does not promise for the command
          (workers may see 4, lease lost, and 5, store unavailable; never 1 or 2), an HTTP status the
          API does not promise (409 and 503 are expected; never 500), and a host that ended before
          the drain.

        """);

    if (!r.soak().isEmpty()) {
      b.append("## Soak\n\n");
      b.append(
          "8 worker threads of one host at 60 % of the capacity measured just before, while a producer"
              + " keeps at least 2,000 cards claimable (in the measurement too); one row per sampling"
              + " interval. Heap is measured after a full GC; RSS and file descriptors are the driver's own"
              + " process, which holds the store; connections are the database's client connections. Each"
              + " must stay flat: the last interval within 1.5× of the second (judged in the scenario table's"
              + " notes).\n\n");
      b.append("![soak](").append(SOAK_PNG).append(")\n\n");
      b.append(
          "| store | interval | s | cards/s | claim p99 ms | heap MiB | RSS MiB | fds | db connections |\n");
      b.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
      for (SoakSample s : r.soak()) {
        b.append(
            String.format(
                Locale.ROOT,
                "| %s | %d | %.0f | %.0f | %.2f | %.1f | %.0f | %d | %d |%n",
                s.store(),
                s.index(),
                s.seconds(),
                s.cardsPerSecond(),
                s.claimP99Ms(),
                s.heapMiB(),
                s.rssMiB(),
                s.fds(),
                s.dbConnections()));
      }
      b.append('\n');
    }

    b.append(
        """
        ## Security review

        Every item of the review, with the test that covers it:

        | item | test |
        | --- | --- |
        | server auth: a token on every API request, compared in constant time; the board page without it | `backlog-server` `SecurityTest` (`withATokenEveryApiRequestNeedsItButTheBoardPageDoesNot`), `SecurityReviewTest` |
        | server `Host` check (DNS rebinding) and `Origin` check on writes | `backlog-server` `SecurityTest`, `SecurityReviewTest` |
        | server body bounds (1 MiB, 16 MiB for import; with or without a length) | `backlog-server` `SecurityTest` (`bodiesOverTheLimitAre413WithOrWithoutALength`), `SecurityReviewTest` |
        | path traversal on static assets (`/..%2f..`) | `backlog-server` `SecurityReviewTest` |
        | SSE connection cap | `backlog-server` `SecurityReviewTest`; 200 subscribers at once in this suite's server scenario |
        | idle and slow clients freed | `backlog-server` `SecurityTest` (`idleConnectionsAreClosed`); slow clients in the server scenario |
        | MCP server with hostile arguments: ids with `/`, `\\` and `..`, 2 MB strings, JSON nested 900 and 100,000 deep: a clear `isError` result (a JSON-RPC error for a line that cannot be parsed), nothing changed, the server goes on answering | `backlog-mcp` `HostileArgumentsTest`; `backlog-cli` `McpIT` (a path id through the SDK client against the jar) |
        | `import` of hostile JSON Lines (nesting 100,000 deep, one 100 MB line, invalid UTF-8) in a CLI process with `-Xmx64m`: exit 2 naming the line, nothing changed | `chaos` `HostileInputTest` |
        | config files with unknown fields or values of the wrong type: exit 2 naming the file and the field | `chaos` `HostileInputTest` |
        | secrets (database password, GitHub token) absent from every line of every CLI command's output, `--json` and `--verbose` included | `chaos` `SecretsTest`, and every quick and full run (the row above) |
        | the server token (`backlog serve --token-file`) and the password absent from all output of `serve` and `mcp` (log lines, errors, `--json`, `--verbose`) and from every HTTP answer, refusals included; a too-short token file refused without its content | `chaos` `ServerSecretsTest`, and every run's server scenario (the token is among the planted secrets) |

        ## Found and fixed by this suite

        - **A lost committed write on a full disk (H2).** H2 writes a commit to its file after a
          delay, in the background or at close; when that write fails for want of space it drops the
          changes without an error. A command reported success (exit 0) and the change was gone when
          the file was next opened; another process served by the same file (a long-running
          `tracker sync`) had already mirrored the event, so a tracker file held seq 10 for card D4
          while the store later gave seq 10 to another card. Shown on a full tmpfs with H2 2.3.232:
          commit and close succeed, the row is gone after reopening. The shared H2 file is now opened
          with `WRITE_DELAY=0`: the statement fails ("Writing to … failed"), reported as store
          unavailable (exit 5) saying the disk may be full and nothing was committed
          (`backlog-jdbc` `H2DiskFullTest`, `SqlErrorsTest`).
        - **A command whose answer could not be written exited 0** (its stdout on the full disk): a
          worker whose claim went through read an empty answer. It now exits 1 (`IO_FAILURE`) saying
          that its change stands (`backlog-cli` `OutputLostTest`); the driver keeps its captures off
          the stage's disk.
        - **Embedding hosts on PostgreSQL finished early or never** (the driver's bug): the host
          read its arguments at fixed positions, but the store takes two on H2 (`h2 HOME`) and one on
          PostgreSQL (`pg`), so a PostgreSQL host took its thread count for its owner, its lease for
          its threads and its pace for the number of cards to expect: 0 in the kill scenario (hosts
          ended at the first empty claim with a killed host's card still claimed and the cards after
          it undone) and 250 of 30 after the database restart (the host never ended). Read by count
          now, and a host whose threads end before the drain exits 3 (`HostWorkerMainTest`).
        - **`backlog --verbose serve` logged the server token**: the HTTP library's debug lines
          quote each request's `Authorization: Bearer …` header. Every CLI log line and error now
          masks `Bearer …` and `Basic …` credentials (`RedactingEncoderTest`, `ServerSecretsTest`).
        - **200 SSE subscribers starved `backlog serve`**: each event stream holds a request thread,
          and 200 of them took all of the library's default 200, so API calls timed out and the last
          subscribers hung unanswered. Each open stream now has a thread of its own beside the
          request threads, and `--max-streams` (default 256) caps them.
        - **200 SSE subscribers deadlocked the store's pool (H2 file, under load)**: a subscriber that
          resumes behind the server's ring reads the event log itself, and that read started on a
          pooled connection and took a second one for its JDBI handle before giving the first back.
          With 16 such reads holding 16 connections and each waiting for a 17th, every API call and
          the event hub timed out until the end (the HTTP workers could not drain). A transaction
          now gives its bare connection back before it takes the handle's (`backlog-jdbc`
          `JdbcStoreConnectionsTest`: eight threads on a pool of one), and the scenario's
          violations quote what the server logged.
        - `import` of a 100 MB line ran out of memory (exit 1) and a file with invalid UTF-8 failed with
          exit 1 and a `MalformedInputException`: plans are now read in bounded memory with strict
          UTF-8 (`PlanFile.read`, also used by `backlog:import`), and such lines are bad lines (exit 2).
        - `--verbose` printed the connection pool's configuration dump with a `user:password@` URL's
          password, and a driver's `UnknownHostException` quoted `user:password@host`: every CLI log
          line now passes through a redacting encoder.
        - A config value of the wrong type was named without its kind; it is now named with its kind
          (never its value, which could be a misplaced password).
        - A `renew` after the store's clock moved back before the claim failed with an
          `IllegalArgumentException` (exit 1): the lease now runs until the claim time.

        After a failed write of the H2 file, H2 closes that database; a long-running process on the
        file (`backlog serve`, an embedding host) writes again once space is free, without a restart:
        its store's next connections open the file anew (`backlog-jdbc` `H2DiskFullTest`).
        """);
    return b.toString();
  }

  private static String ms(double v) {
    return v < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f ms", v);
  }

  private static String escape(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  /** Plots throughput and claim p99 per interval, one line per store. */
  static void plot(List<SoakSample> samples, Path png) throws IOException {
    int w = 900;
    int h = 360;
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    panel(g, samples, 0, w / 2, h, "completions per second", SoakSample::cardsPerSecond);
    panel(g, samples, w / 2, w / 2, h, "claim p99 (ms)", SoakSample::claimP99Ms);
    g.dispose();
    ImageIO.write(image, "png", png.toFile());
  }

  private static void panel(
      Graphics2D g,
      List<SoakSample> samples,
      int x0,
      int w,
      int h,
      String title,
      ToDoubleFunction<SoakSample> metric) {
    int left = x0 + 55;
    int right = x0 + w - 20;
    int top = 30;
    int bottom = h - 40;
    Map<String, List<SoakSample>> byStore = new LinkedHashMap<>();
    samples.forEach(s -> byStore.computeIfAbsent(s.store(), k -> new ArrayList<>()).add(s));
    double maxX = samples.stream().mapToDouble(SoakSample::seconds).max().orElse(1);
    double maxY = samples.stream().mapToDouble(metric).max().orElse(1) * 1.15;
    if (maxY <= 0) {
      maxY = 1;
    }
    g.setColor(Color.BLACK);
    g.drawString(title, left, 18);
    g.drawLine(left, bottom, right, bottom);
    g.drawLine(left, top, left, bottom);
    g.drawString("0", left - 15, bottom + 4);
    g.drawString(String.format(Locale.ROOT, "%.0f", maxY), x0 + 5, top + 4);
    g.drawString("seconds", right - 50, bottom + 30);
    g.drawString(String.format(Locale.ROOT, "%.0f", maxX), right - 10, bottom + 15);
    Color[] colors = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c)};
    int c = 0;
    for (Map.Entry<String, List<SoakSample>> e : byStore.entrySet()) {
      g.setColor(colors[c % colors.length]);
      g.setStroke(new BasicStroke(2f));
      int px = -1;
      int py = -1;
      for (SoakSample s : e.getValue()) {
        int x = left + (int) ((right - left) * s.seconds() / maxX);
        int y = bottom - (int) ((bottom - top) * Math.max(0, metric.applyAsDouble(s)) / maxY);
        if (px >= 0) {
          g.drawLine(px, py, x, y);
        }
        g.fillOval(x - 3, y - 3, 6, 6);
        px = x;
        py = y;
      }
      g.drawString(e.getKey(), right - 90, top + 15 + 15 * c);
      c++;
    }
  }
}
