package dev.mediaferry.http;

import dev.mediaferry.file.FileState.Status;
import dev.mediaferry.journal.FileIndex;
import dev.mediaferry.observe.Health;
import dev.mediaferry.observe.LiveStatus;
import dev.mediaferry.observe.Metrics;
import dev.mediaferry.observe.Telemetry;
import dev.mediaferry.transfer.FileTransfer;
import dev.mediaferry.transfer.Releases;
import dev.mediaferry.transfer.TransferSupervisor;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * What the endpoints read of a running daemon: the telemetry, the file index and (by asking)
 * the supervisor's queue. Called from the HTTP server's threads; every read is thread-safe.
 */
public final class DaemonView {
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(3);
  /** A release writes one event; a journal busy with a big batch may take a while. */
  private static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(30);

  /** A file waiting for its delete time. */
  public record PendingDelete(String path, long dueAtMillis) {}

  /** Facts about the daemon that do not change while it runs. */
  public record About(String version, long startedAtMillis, String source, String target, String journal) {}

  private final Telemetry telemetry;
  private final FileIndex index;
  private final About about;
  /** Set once the supervisor runs (after the file index caught up at start); until then there is no queue. */
  private volatile ActorRef<TransferSupervisor.Command> supervisor;
  private volatile Scheduler scheduler;

  public DaemonView(Telemetry telemetry, FileIndex index, About about) {
    this.telemetry = telemetry;
    this.index = index;
    this.about = about;
  }

  public void supervisorStarted(ActorRef<TransferSupervisor.Command> running, Scheduler runningScheduler) {
    this.scheduler = runningScheduler;
    this.supervisor = running;
  }

  public About about() {
    return about;
  }

  public Metrics metrics() {
    return telemetry.metrics();
  }

  public Health.Report health() {
    return health(filesByState());
  }

  /** Health, given the files per state already read (one index query per request). */
  public Health.Report health(Map<String, Long> filesByState) {
    return telemetry.health().report(filesByState.getOrDefault("quarantined", 0L));
  }

  /** Files per journal state (lower case names, as the metric's label); empty if the index cannot be read. */
  public Map<String, Long> filesByState() {
    Map<String, Long> counts = new LinkedHashMap<>();
    try {
      index.counts().forEach((status, n) -> counts.put(status.name().toLowerCase(), n));
    } catch (SQLException e) {
      // the index is busy or broken: /health says so through the journal alert, not by failing here
    }
    return counts;
  }

  /** The supervisor's queue, with its first files; null before it started or when it does not answer in time. */
  public TransferSupervisor.Queue queue(int firstN) {
    ActorRef<TransferSupervisor.Command> supervisor = this.supervisor;
    if (supervisor == null) {
      return null;
    }
    try {
      return AskPattern.<TransferSupervisor.Command, TransferSupervisor.Queue>ask(supervisor,
          replyTo -> new TransferSupervisor.GetQueue(firstN, replyTo), ASK_TIMEOUT, scheduler)
          .toCompletableFuture().join();
    } catch (RuntimeException e) {
      return null;
    }
  }

  public List<LiveStatus.Flight> inFlight() {
    return telemetry.live().inFlight();
  }

  public List<LiveStatus.Failure> recentFailures() {
    return telemetry.live().recentFailures();
  }

  /**
   * `mediaferry retry` against the running daemon: each named file (or every quarantined one)
   * is released by its own entity, which journals it; one outcome per file, in order.
   */
  public List<FileTransfer.ReleaseOutcome> release(List<String> names, boolean allQuarantined, String reason,
      String by) throws SQLException {
    ActorRef<TransferSupervisor.Command> supervisor = this.supervisor;
    if (supervisor == null) {
      throw new IllegalStateException("the daemon is starting (its file index is catching up); try again shortly");
    }
    Path sourceDir = Path.of(about.source());
    Releases.Selection selection = Releases.select(index, sourceDir, names, allQuarantined);
    List<FileTransfer.ReleaseOutcome> outcomes = new ArrayList<>();
    for (FileIndex.Row row : selection.rows()) {
      outcomes.add(AskPattern.<TransferSupervisor.Command, FileTransfer.ReleaseOutcome>ask(supervisor,
          replyTo -> new TransferSupervisor.Release(row.state().file(), reason, by, replyTo), RELEASE_TIMEOUT,
          scheduler).toCompletableFuture().join());
    }
    selection.notFound().forEach(name -> outcomes.add(Releases.notFound(name, sourceDir)));
    return outcomes;
  }

  /** Files waiting for their delete time, the soonest first. */
  public List<PendingDelete> pendingDeletes() {
    try {
      return index.byStatus(Status.PENDING_DELETE).stream()
          .map(row -> new PendingDelete(row.state().file().relativePath(), row.state().deleteDueAtMillis()))
          .sorted(Comparator.comparingLong(PendingDelete::dueAtMillis)).toList();
    } catch (SQLException e) {
      return List.of();
    }
  }
}
