package dev.backlog.tracker.github.internal;

import dev.backlog.tracker.github.GitHubErrorCode;
import dev.backlog.tracker.github.GitHubException;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes repository files through the Contents API with their blob sha: re-reads and retries up to
 * {@value #FILE_RETRIES} times on 409 or 422, and skips the write when the content is unchanged.
 */
final class ContentsWriter {

  // the log category of the op runner, which wrote these lines before the file writes moved here
  private static final Logger LOG = LoggerFactory.getLogger(OpRunner.class);

  /** How often a file write is retried after a 409 or 422. */
  static final int FILE_RETRIES = 3;

  private final Repo repo;
  private final String branch;

  ContentsWriter(Repo repo, String branch) {
    this.repo = repo;
    this.branch = branch;
  }

  /** Writes what {@code render} makes of the file's current content (empty when absent). */
  void write(String path, UnaryOperator<String> render, String message) {
    for (int attempt = 0; attempt <= FILE_RETRIES; attempt++) {
      Optional<Repo.FileContent> existing = repo.file(path, branch);
      String desired = render.apply(existing.map(Repo.FileContent::content).orElse(""));
      if (existing.isPresent() && existing.get().sha().equals(BlobSha.of(desired))) {
        return;
      }
      if (existing.isEmpty() && desired.isEmpty()) {
        return;
      }
      GitHubClient.Response r =
          repo.putFile(
              path, branch, desired, message, existing.map(Repo.FileContent::sha).orElse(null));
      if (r.status() / 100 == 2) {
        return;
      }
      if (r.status() != 409 && r.status() != 422) {
        throw repo.client().failure("PUT", "contents/" + path, r);
      }
      LOG.info(
          "{} on {} changed while it was written ({} {}); reading it again (retry {} of {})",
          path,
          branch,
          r.status(),
          r.message(),
          attempt + 1,
          FILE_RETRIES);
    }
    throw new GitHubException(
        GitHubErrorCode.GITHUB_UNAVAILABLE,
        path
            + " on "
            + branch
            + " kept changing while"
            + " it was written ("
            + FILE_RETRIES
            + " retries after 409/422); the next sync tries again");
  }
}
