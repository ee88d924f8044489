package dev.backlog.cli.internal;

import dev.backlog.json.JsonContract;
import picocli.AutoComplete;
import picocli.CommandLine.Command;

/**
 * {@code completion}: prints the bash/zsh completion script picocli generates for the command tree;
 * with {@code --json}, the script as a string in {@code {"shell":"bash","script":...}}.
 */
@Command(
    name = "completion",
    description = {
      "Print a bash (and zsh) completion script.",
      "Use: source <(backlog completion). With --json: {\"shell\":\"bash\",\"script\":\"...\"}."
    })
final class CompletionCommand extends BacklogCommand {

  @Override
  int run(Context ctx) {
    String script = AutoComplete.bash(spec.root().name(), spec.root().commandLine());
    ctx.emit(
        () ->
            JsonContract.render(
                g -> {
                  g.writeStartObject();
                  g.writeStringField("shell", "bash");
                  g.writeStringField("script", script);
                  g.writeEndObject();
                }),
        script::stripTrailing);
    return 0;
  }
}
