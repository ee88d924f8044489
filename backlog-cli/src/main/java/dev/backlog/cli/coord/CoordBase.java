package dev.backlog.cli.coord;

import static dev.backlog.cli.coord.CoordJson.JSON;

import dev.backlog.git.coordination.CoordinationConfig;
import dev.backlog.git.coordination.Coordinator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Shared plumbing of the coord subcommands. */
abstract class CoordBase implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--repo",
      paramLabel = "DIR",
      defaultValue = ".",
      description = "A directory inside the git repository (default: the current directory).")
  Path repo;

  @Override
  public final Integer call() {
    try (Coordinator coord =
        Coordinator.open(repo.toAbsolutePath(), CoordinationConfig.defaults())) {
      return run(coord);
    }
  }

  abstract int run(Coordinator coord);

  boolean json() {
    return Boolean.TRUE.equals(global("--json"));
  }

  String actor() {
    Object a = global("--actor");
    if (a instanceof String s && !s.isBlank()) {
      return s;
    }
    String env = System.getenv("BACKLOG_ACTOR");
    return env != null && !env.isBlank() ? env : System.getProperty("user.name", "backlog");
  }

  private Object global(String name) {
    for (CommandSpec s = spec; s != null; s = s.parent()) {
      OptionSpec o = s.findOption(name);
      if (o != null && o.getValue() != null && !(o.getValue() instanceof Boolean b && !b)) {
        return o.getValue();
      }
    }
    return null;
  }

  /** Lane numbers for a person: "lane 1", "lanes 1, 2". */
  static String lanes(List<Integer> numbers) {
    return (numbers.size() == 1 ? "lane " : "lanes ")
        + String.join(", ", numbers.stream().map(String::valueOf).toList());
  }

  void emit(Object jsonValue, String human) {
    PrintWriter out = spec.commandLine().getOut();
    if (json()) {
      try {
        out.println(JSON.writeValueAsString(jsonValue));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException("output could not be written as JSON", e);
      }
    } else {
      out.println(human);
    }
    out.flush();
  }
}
