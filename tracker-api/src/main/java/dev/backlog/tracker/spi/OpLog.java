package dev.backlog.tracker.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.core.CardId;
import dev.backlog.tracker.SyncReport;
import dev.backlog.tracker.TrackerStateException;
import dev.backlog.tracker.internal.Json;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable journal of intended remote writes, for remote providers. Every state change is one
 * fsync'd JSON line; the last line of an op wins. Ops of one feature run in enqueue order (a
 * feature's later ops wait while an earlier one is pending, in conflict or quarantined); ops of
 * different features do not wait for each other. An op found {@code inflight} when the log is
 * opened was interrupted and becomes {@code uncertain}: {@link #drain} looks it up with {@link
 * OpExecutor#resolve} before sending it again, so a lost response never duplicates a write. After
 * {@code maxAttempts} failed attempts an op is quarantined.
 *
 * <p>Thread-safe; one process at a time holds a log open (the others wait up to the lock timeout).
 * Close it to release the file.
 */
public final class OpLog implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OpLog.class);

  /** Failed attempts after which an op is quarantined, unless configured otherwise. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  /** How long {@link #open} waits for another process to close the log. */
  public static final Duration LOCK_TIMEOUT = Duration.ofSeconds(30);

  private final Path file;
  private final InstantSource clock;
  private final int maxAttempts;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Map<String, Op> ops = new LinkedHashMap<>();
  private long lastSeq;
  private int journalLines;
  private boolean closed;

  private OpLog(
      Path file, InstantSource clock, int maxAttempts, FileChannel lockChannel, FileLock lock) {
    this.file = file;
    this.clock = clock;
    this.maxAttempts = maxAttempts;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Opens (creating when missing) the journal at {@code file}, marks interrupted ops uncertain and
   * drops finished ones from the file.
   *
   * @throws TrackerStateException when another process keeps the log open past the timeout
   */
  public static OpLog open(Path file, InstantSource clock, int maxAttempts) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(clock, "clock");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
    FileChannel channel = null;
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = acquire(channel, lockFile);
      OpLog log = new OpLog(file, clock, maxAttempts, channel, lock);
      channel = null;
      log.load();
      return log;
    } catch (IOException e) {
      throw new TrackerStateException(
          file, "could not open the op-log " + file + " (" + e + "); check permissions", e);
    } finally {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException e) {
          LOG.debug("closing {} failed", lockFile, e);
        }
      }
    }
  }

  private static FileLock acquire(FileChannel channel, Path lockFile) throws IOException {
    long deadline = System.nanoTime() + LOCK_TIMEOUT.toNanos();
    while (true) {
      try {
        FileLock lock = channel.tryLock();
        if (lock != null) {
          return lock;
        }
      } catch (OverlappingFileLockException e) {
        // open elsewhere in this JVM
      }
      if (System.nanoTime() > deadline) {
        throw new TrackerStateException(
            lockFile,
            "the op-log is held open by another process or instance for more"
                + " than "
                + LOCK_TIMEOUT.toSeconds()
                + "s ("
                + lockFile
                + "); let it finish, then retry");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TrackerStateException(
            lockFile, "interrupted while waiting for the op-log lock", e);
      }
    }
  }

  private void load() {
    String text = AtomicFiles.read(file).orElse("");
    String[] lines = text.split("\n", -1);
    int corrupt = 0;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isBlank()) {
        continue;
      }
      journalLines++;
      try {
        Op op = parse(line);
        ops.remove(op.id());
        ops.put(op.id(), op);
        lastSeq = Math.max(lastSeq, op.seq());
      } catch (IllegalArgumentException e) {
        boolean torn = i == lines.length - 1;
        corrupt++;
        LOG.warn(
            "op-log {} line {} is {} and was skipped: {}",
            file,
            i + 1,
            torn ? "torn (an interrupted append)" : "corrupt",
            e.getMessage());
      }
    }
    List<Op> interrupted =
        ops.values().stream().filter(op -> op.state() == OpState.INFLIGHT).toList();
    for (Op op : interrupted) {
      LOG.warn(
          "op {} ({} on {}) was in flight when the log was last closed; it is uncertain and will be looked"
              + " up before any retry",
          op.id(),
          op.kind(),
          op.feature());
      put(
          op.with(
              OpState.UNCERTAIN, op.attempts(), "interrupted while in flight", clock.instant()));
    }
    if (corrupt > 0 || journalLines > 2 * openOps().size() + 64) {
      compact();
    }
  }

  /** Appends a new pending op for a feature. */
  public synchronized Op enqueue(CardId feature, String kind, String payload) {
    ensureOpen();
    Op op =
        new Op(
            UUID.randomUUID().toString(),
            ++lastSeq,
            feature,
            kind,
            payload,
            OpState.PENDING,
            0,
            null,
            clock.instant());
    put(op);
    return op;
  }

  /** An op by id, as long as it is in the log (done ops leave it when the log is compacted). */
  public synchronized Optional<Op> find(String id) {
    return Optional.ofNullable(ops.get(id));
  }

  /** Every op not done, in enqueue order. */
  public synchronized List<Op> openOps() {
    return ops.values().stream()
        .filter(op -> op.state() != OpState.DONE)
        .sorted(Comparator.comparingLong(Op::seq))
        .toList();
  }

  /** How many ops are pending, inflight or uncertain. */
  public synchronized int pending() {
    return (int) ops.values().stream().filter(op -> op.state().isPending()).count();
  }

  /** How many ops ended in a conflict. */
  public synchronized int conflicts() {
    return (int) ops.values().stream().filter(op -> op.state() == OpState.CONFLICT).count();
  }

  /** How many ops are quarantined. */
  public synchronized int quarantined() {
    return (int) ops.values().stream().filter(op -> op.state() == OpState.QUARANTINED).count();
  }

  /**
   * Sends every op that may go, feature by feature in enqueue order: an uncertain op is first
   * looked up, an op whose send fails waits for the next drain (or is quarantined after too many
   * failures), and a feature whose head op is in conflict or quarantined keeps its later ops
   * waiting. Each op is tried at most once per drain.
   */
  public synchronized SyncReport drain(OpExecutor executor) {
    ensureOpen();
    int drained = 0;
    int quarantinedNow = 0;
    int conflicted = 0;
    Set<CardId> stalled = new HashSet<>();
    boolean progress = true;
    while (progress) {
      progress = false;
      for (Op head : heads()) {
        if (stalled.contains(head.feature())) {
          continue;
        }
        if (head.state() == OpState.CONFLICT || head.state() == OpState.QUARANTINED) {
          stalled.add(head.feature());
          continue;
        }
        OpState result = attempt(executor, head);
        if (result == OpState.DONE) {
          drained++;
          progress = true;
        } else {
          stalled.add(head.feature());
          if (result == OpState.CONFLICT) {
            conflicted++;
          } else if (result == OpState.QUARANTINED) {
            quarantinedNow++;
          }
        }
      }
    }
    if (journalLines > 2 * openOps().size() + 64) {
      compact();
    }
    return new SyncReport(drained, quarantinedNow, conflicted, pending());
  }

  private OpState attempt(OpExecutor executor, Op head) {
    Op op = head;
    try {
      if (op.state() == OpState.UNCERTAIN) {
        if (executor.resolve(op) == OpExecutor.Resolution.APPLIED) {
          LOG.info(
              "uncertain op {} ({} on {}) was found applied on the remote",
              op.id(),
              op.kind(),
              op.feature());
          put(op.with(OpState.DONE, op.attempts(), null, clock.instant()));
          return OpState.DONE;
        }
      }
      op = op.with(OpState.INFLIGHT, op.attempts(), op.lastError(), clock.instant());
      put(op);
      OpExecutor.Outcome outcome = Objects.requireNonNull(executor.apply(op), "outcome");
      OpState next = outcome == OpExecutor.Outcome.DONE ? OpState.DONE : OpState.CONFLICT;
      put(
          op.with(
              next,
              op.attempts(),
              next == OpState.CONFLICT ? "the remote changed meanwhile" : null,
              clock.instant()));
      return next;
    } catch (ResponseLostException e) {
      return fail(op, OpState.UNCERTAIN, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail(op, op.state() == OpState.INFLIGHT ? OpState.UNCERTAIN : op.state(), e);
    } catch (Exception e) {
      OpState back = op.state() == OpState.INFLIGHT ? OpState.PENDING : op.state();
      return fail(op, back, e);
    }
  }

  private OpState fail(Op op, OpState retryState, Exception e) {
    int attempts = op.attempts() + 1;
    OpState next = attempts >= maxAttempts ? OpState.QUARANTINED : retryState;
    String error = String.valueOf(e.getMessage() == null ? e.toString() : e.getMessage());
    put(op.with(next, attempts, error, clock.instant()));
    if (next == OpState.QUARANTINED) {
      LOG.warn(
          "op {} ({} on {}) is quarantined after {} failed attempts; last error: {}",
          op.id(),
          op.kind(),
          op.feature(),
          attempts,
          error);
    } else {
      LOG.info(
          "op {} ({} on {}) failed (attempt {} of {}): {}",
          op.id(),
          op.kind(),
          op.feature(),
          attempts,
          maxAttempts,
          error);
    }
    return next;
  }

  /** The first op not done of each feature. */
  private List<Op> heads() {
    Map<CardId, Op> heads = new LinkedHashMap<>();
    for (Op op : openOps()) {
      heads.putIfAbsent(op.feature(), op);
    }
    return new ArrayList<>(heads.values());
  }

  /**
   * Puts a conflicting or quarantined op back in line with its attempts reset. A quarantined op
   * becomes uncertain, because one of its failed attempts may have reached the remote: the next
   * drain looks it up before sending it again.
   */
  public synchronized Op retry(String id) {
    ensureOpen();
    Op op = existing(id);
    if (op.state() != OpState.CONFLICT && op.state() != OpState.QUARANTINED) {
      throw new IllegalStateException(
          "op "
              + id
              + " is "
              + op.state().wireName()
              + "; only conflict or quarantined ops can be retried");
    }
    OpState back = op.state() == OpState.QUARANTINED ? OpState.UNCERTAIN : OpState.PENDING;
    Op next = op.with(back, 0, null, clock.instant());
    put(next);
    return next;
  }

  /**
   * Gives up an op that is not done (a person resolved it by hand); later ops of its feature may
   * then go.
   */
  public synchronized Op discard(String id) {
    ensureOpen();
    Op op = existing(id);
    Op next = op.with(OpState.DONE, op.attempts(), "discarded", clock.instant());
    put(next);
    return next;
  }

  private Op existing(String id) {
    Op op = ops.get(id);
    if (op == null) {
      throw new IllegalArgumentException("op " + id + " is not in the op-log " + file);
    }
    return op;
  }

  /** Rewrites the journal atomically with only the ops that are not done. */
  public synchronized void compact() {
    ensureOpen();
    StringBuilder out = new StringBuilder();
    List<Op> live = openOps();
    for (Op op : live) {
      out.append(format(op)).append('\n');
    }
    AtomicFiles.write(file, out.toString());
    ops.keySet().retainAll(live.stream().map(Op::id).toList());
    journalLines = live.size();
  }

  private void put(Op op) {
    AtomicFiles.appendLine(file, format(op));
    journalLines++;
    ops.put(op.id(), op);
  }

  private static String format(Op op) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("id", op.id());
    node.put("seq", op.seq());
    node.put("feature", op.feature().value());
    node.put("kind", op.kind());
    node.put("payload", op.payload());
    node.put("state", op.state().wireName());
    node.put("attempts", op.attempts());
    if (op.lastError() != null) {
      node.put("error", op.lastError());
    }
    node.put("at", op.updatedAt().toString());
    return Json.compact(node);
  }

  private static Op parse(String line) {
    JsonNode node = Json.parse(line);
    try {
      JsonNode error = node.get("error");
      return new Op(
          node.get("id").asText(),
          node.get("seq").asLong(),
          CardId.of(node.get("feature").asText()),
          node.get("kind").asText(),
          node.get("payload").asText(),
          OpState.valueOf(node.get("state").asText().toUpperCase(java.util.Locale.ROOT)),
          node.get("attempts").asInt(),
          error == null ? null : error.asText(),
          Instant.parse(node.get("at").asText()));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not an op record (" + e + ")", e);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the op-log " + file + " is closed; open it again");
    }
  }

  /** Releases the file so another process may open it. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      LOG.warn("could not release the op-log lock of {}", file, e);
    }
  }

  @Override
  public String toString() {
    return "OpLog[" + file + "]";
  }
}
