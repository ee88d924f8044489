package dev.backlog.cli.internal;

import picocli.AutoComplete;
import picocli.CommandLine.Command;

/**
 * {@code completion}: prints the bash/zsh completion script picocli generates for the command tree.
 */
@Command(
    name = "completion",
    description = {
      "Print a bash (and zsh) completion script.",
      "Use: source <(backlog completion)"
    })
final class CompletionCommand extends BacklogCommand {

  @Override
  int run(Context ctx) {
    ctx.out().print(AutoComplete.bash(spec.root().name(), spec.root().commandLine()));
    ctx.out().flush();
    return 0;
  }
}
