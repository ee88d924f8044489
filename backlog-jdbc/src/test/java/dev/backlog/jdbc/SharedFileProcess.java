package dev.backlog.jdbc;

import dev.backlog.core.Backlog;
import dev.backlog.core.CardId;
import dev.backlog.core.Claim;
import dev.backlog.core.ClaimRequest;
import dev.backlog.core.NewCard;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Another process on a shared H2 file, for {@link H2SharedFileTest}: {@code HOME MODE} opens the
 * default file of {@code HOME} with {@link JdbcBacklogStore.Builder#sharedH2File} and then answers
 * one line per command read from its standard input. In {@code BRIEF} mode every command opens its
 * own store and closes it again (like one short CLI command each); in {@code LONG_RUNNING} mode one
 * store stays open until {@code quit}. Commands: {@code create ID [PRIORITY]} (answers the id),
 * {@code claim OWNER} (the claimed id or {@code none}), {@code status ID}, {@code ids} (every id,
 * comma-separated), {@code quit}. An error is answered {@code error …}.
 */
public final class SharedFileProcess {

  private SharedFileProcess() {}

  /** Runs the process; see the class comment. */
  public static void main(String[] args) throws IOException {
    H2SharedFile file = H2SharedFile.of(Path.of(args[0]), H2SharedFile.Mode.valueOf(args[1]));
    PrintWriter out =
        new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    Backlog held = file.mode() == H2SharedFile.Mode.LONG_RUNNING ? open(file) : null;
    try {
      out.println("open");
      String line;
      while ((line = in.readLine()) != null && !line.equals("quit")) {
        String[] words = line.split(" ");
        try {
          if (held != null) {
            out.println(run(held, words));
          } else {
            try (Backlog brief = open(file)) {
              out.println(run(brief, words));
            }
          }
        } catch (RuntimeException e) {
          out.println("error " + e);
        }
      }
    } finally {
      if (held != null) {
        held.close();
      }
    }
    out.println("closed");
  }

  private static Backlog open(H2SharedFile file) {
    return Backlog.builder()
        .store(JdbcBacklogStore.builder().sharedH2File(file).maxPoolSize(2).build())
        .actor("other-process")
        .build();
  }

  private static String run(Backlog backlog, String[] words) {
    switch (words[0]) {
      case "create":
        return backlog
            .create(
                NewCard.builder(words[1])
                    .title("from the other process")
                    .priority(words.length > 2 ? Integer.parseInt(words[2]) : 0)
                    .build())
            .id()
            .value();
      case "claim":
        List<Claim> claims =
            backlog.claim(ClaimRequest.builder(words[1]).ttl(Duration.ofMinutes(5)).build());
        return claims.isEmpty() ? "none" : claims.get(0).card().id().value();
      case "status":
        return backlog.get(CardId.of(words[1])).status().name();
      case "ids":
        return backlog.list(dev.backlog.core.CardQuery.ALL).stream()
            .map(c -> c.id().value())
            .sorted()
            .collect(Collectors.joining(","));
      default:
        return "error unknown command " + words[0];
    }
  }
}
