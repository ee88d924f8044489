package dev.backlog.git.coordination.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * The intent journal of one bookkeeping transaction, written durably before any file changes and
 * removed after the commit: enough to roll forward (the commit with the transaction's trailer
 * exists) or back (restore the exact bytes) after a crash.
 *
 * <p>Immutable and thread-safe.
 *
 * @param transaction the transaction id, also the commit trailer value
 * @param branch the coordination branch
 * @param head the branch tip before the transaction
 * @param logSize the event log's size before
 * @param logSha256 the event log's hash before
 * @param status the status file's bytes before
 * @param commitPid the pid of the running {@code git commit}, when it was started
 * @param commitStarted the start instant of that process
 */
public record Journal(
    String transaction,
    String branch,
    String head,
    long logSize,
    String logSha256,
    byte[] status,
    Optional<Long> commitPid,
    Optional<Instant> commitStarted) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Validates the parts. */
  public Journal {
    Objects.requireNonNull(transaction, "transaction");
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(head, "head");
    Objects.requireNonNull(logSha256, "logSha256");
    status = status.clone();
    commitPid = Objects.requireNonNullElse(commitPid, Optional.empty());
    commitStarted = Objects.requireNonNullElse(commitStarted, Optional.empty());
  }

  /** The same journal naming the process that runs the commit. */
  public Journal withCommitProcess(ProcessHandle p) {
    return new Journal(
        transaction,
        branch,
        head,
        logSize,
        logSha256,
        status,
        Optional.of(p.pid()),
        p.info().startInstant());
  }

  @Override
  public byte[] status() {
    return status.clone();
  }

  /** Writes the journal durably (temp file, fsync, atomic move). */
  public void write(Path file) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("tx", transaction);
    n.put("branch", branch);
    n.put("head", head);
    n.put("logSize", logSize);
    n.put("logSha256", logSha256);
    n.put("status", Base64.getEncoder().encodeToString(status));
    commitPid.ifPresent(p -> n.put("commitPid", p));
    commitStarted.ifPresent(s -> n.put("commitStarted", s.toString()));
    AtomicFiles.write(file, JSON.writeValueAsBytes(n));
  }

  /**
   * Reads a journal.
   *
   * @return empty when there is none
   * @throws IOException when it exists but cannot be read or parsed
   */
  public static Optional<Journal> read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    JsonNode n = JSON.readTree(Files.readAllBytes(file));
    if (n == null || !n.hasNonNull("tx") || !n.hasNonNull("head") || !n.hasNonNull("status")) {
      throw new IOException("journal " + file + " is incomplete");
    }
    try {
      return Optional.of(
          new Journal(
              n.get("tx").asText(),
              n.path("branch").asText(),
              n.get("head").asText(),
              n.path("logSize").asLong(),
              n.path("logSha256").asText(),
              Base64.getDecoder().decode(n.get("status").asText()),
              n.hasNonNull("commitPid")
                  ? Optional.of(n.get("commitPid").asLong())
                  : Optional.empty(),
              n.hasNonNull("commitStarted")
                  ? Optional.of(Instant.parse(n.get("commitStarted").asText()))
                  : Optional.empty()));
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      throw new IOException("journal " + file + " is damaged: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Journal j && j.transaction.equals(transaction);
  }

  @Override
  public int hashCode() {
    return transaction.hashCode();
  }

  @Override
  public String toString() {
    return "Journal[" + transaction + " on " + branch + " at " + head + "]";
  }
}
