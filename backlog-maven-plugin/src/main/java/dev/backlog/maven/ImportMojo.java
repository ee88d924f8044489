package dev.backlog.maven;

import dev.backlog.core.Backlog;
import dev.backlog.core.BacklogException;
import dev.backlog.json.PlanFile;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Imports a plan file (JSON Lines, one card per line: the format {@code backlog export} writes and
 * {@code backlog import} reads) into the backlog. Running it again with the same file changes
 * nothing: each card is created with an idempotency key derived from its id (plan:&lt;id&gt;)
 * unless its line names one, and cards created so before are left as they are. A bad file fails the
 * build naming every bad line, and nothing is imported.
 */
@Mojo(name = "import", threadSafe = true)
public class ImportMojo extends AbstractBacklogMojo {

  /** The plan file to import. */
  @Parameter(property = "backlog.plan", defaultValue = "${project.basedir}/backlog.jsonl")
  File plan;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (!plan.isFile()) {
      throw new MojoFailureException(
          "backlog: plan file "
              + plan
              + " does not exist; write one (JSON Lines, one card per line) or set backlog.plan");
    }
    PlanFile.Result result;
    try {
      PlanFile file;
      try (java.io.InputStream in = Files.newInputStream(plan.toPath())) {
        file = PlanFile.read(plan.getPath(), in);
      } catch (IOException e) {
        throw new MojoExecutionException("backlog: cannot read plan file " + plan + ": " + e, e);
      }
      try (Backlog backlog = openBacklog("maven")) {
        result = file.merge(backlog);
      }
    } catch (BacklogException e) {
      throw new MojoFailureException(e.getMessage(), e);
    }
    getLog()
        .info(
            "backlog: imported "
                + result.total()
                + (result.total() == 1 ? " card (" : " cards (")
                + result.done()
                + " done, "
                + result.blocked()
                + " blocked) from "
                + plan
                + "; "
                + result.unchanged()
                + " already imported, unchanged");
  }
}
