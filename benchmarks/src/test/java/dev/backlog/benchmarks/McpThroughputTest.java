package dev.backlog.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.benchmarks.internal.McpThroughput;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class McpThroughputTest {

  @Test
  void withoutTheBuiltCliTheMcpFiguresAreNotMeasuredAndSayWhy(@TempDir Path root) {
    List<String> log = new ArrayList<>();
    McpThroughput.Result r = McpThroughput.measure(root, Duration.ofSeconds(1), log::add);
    assertEquals("not measured", r.status());
    assertTrue(r.reason().contains("backlog-cli/target/backlog.jar"), r.reason());
    assertTrue(r.markdown().startsWith("Not measured: "), r.markdown());
    assertTrue(log.isEmpty(), log.toString());
  }

  @Test
  void aMeasuredResultReportsEachPathAgainstTheLibraryAndJudgesTheGoal() {
    McpThroughput.Result r =
        new McpThroughput.Result("measured", 250, 600, 1000, 2400, 10, "./backlog mcp", "");
    String md = r.markdown();
    assertTrue(md.contains("| `backlog mcp` over stdio | 1 | 250 | 25 % |"), md);
    assertTrue(md.contains("| `backlog mcp` over stdio | 4 | 600 | 25 % |"), md);
    assertTrue(md.contains("**met** (250)"), md);
    McpThroughput.Result slow =
        new McpThroughput.Result("measured", 150, 600, 1000, 2400, 10, "./backlog mcp", "");
    assertTrue(slow.markdown().contains("**not met** (150)"), slow.markdown());
  }
}
