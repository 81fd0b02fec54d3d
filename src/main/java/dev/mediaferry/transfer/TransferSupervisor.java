package dev.mediaferry.transfer;

import dev.mediaferry.deletion.DeleteScheduler;
import dev.mediaferry.deletion.Trash;
import dev.mediaferry.concurrent.Blocking;
import dev.mediaferry.config.Settings;
import dev.mediaferry.journal.FileIndex;
import dev.mediaferry.observe.Alert;
import dev.mediaferry.observe.AlertManager;
import dev.mediaferry.observe.TransferHealth;
import dev.mediaferry.storage.SpaceBudget;
import dev.mediaferry.targets.ErrorKind;
import dev.mediaferry.targets.Space;
import dev.mediaferry.transfer.FileState.Status;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Takes discovered files oldest first and runs at most maxConcurrent transfers at once: a
 * new one starts only when a slot frees. Spawns a {@link FileTransfer} for every file that
 * has work, learns from its {@link FileTransfer.Report} where it rests, and wakes it again
 * when its retry or delete time comes (the latter through its {@link DeleteScheduler}).
 * Files it has not seen this run are first looked up in the {@link FileIndex}, so files at
 * rest are not spawned (and replayed) again: start-up follows the work in flight, not history.
 */
public final class TransferSupervisor extends AbstractBehavior<TransferSupervisor.Command> {

  public sealed interface Command {}

  /** Stable files seen by a scan: the complete list, so files gone from the source are forgotten. */
  public record FilesFound(List<FileInfo> files) implements Command {}

  /** Files a scan found whose names are not valid UTF-8: each is reported once and counted as failed. */
  public record NamesNotRepresentable(List<String> paths) implements Command {}

  /** For `run --once`: no more files will come; report the summary when all work is done. */
  public record ScanFinished(ActorRef<RunSummary> replyTo) implements Command {}

  /** Retention chose this delivered file: remove its target copy (journaled by the file). */
  public record PurgeRemote(FileInfo file, String remotePath, long bytes, String reason) implements Command {}

  /** A fresh measurement of the target's space from the StorageGuard; null when it could not be measured. */
  public record TargetSpace(Space space) implements Command {}

  /** From the StorageGuard: the target is not the recorded one (a later TargetSpace with a space says it is again). */
  public record TargetIdentityChecked(String problem) implements Command {}

  /** Graceful shutdown: start nothing new, reply when the transfers in flight have ended. */
  public record Drain(ActorRef<Done> replyTo) implements Command {}

  private record Rested(FileTransfer.Report report) implements Command {}

  private record ChildStopped(FileInfo file, ActorRef<FileTransfer.Command> child) implements Command {}

  private record Wake(FileInfo file) implements Command {}

  private record DeleteIsDue(FileInfo file, String earlyReason) implements Command {}

  /** From the StorageGuard: the dock's disk is critically full and deletes may come early. */
  public record DockCritical(String reason) implements Command {}

  private enum HealthTick implements Command { INSTANCE }

  /** Index rows of newly found files (rows only for the files the index knows). */
  private record LookedUp(List<FileInfo> files, Map<String, FileIndex.Row> rows, String error) implements Command {}

  /** Files the index says wait for their delete, found at start (their source may be gone). */
  private record PendingDeletes(List<FileIndex.Row> rows, String error) implements Command {}

  public static Behavior<Command> create(TransferSetup setup, Settings settings, FileIndex index,
      ActorRef<AlertManager.Command> alerts) {
    return Behaviors.setup(context -> Behaviors.withTimers(
        timers -> new TransferSupervisor(context, timers, setup, settings, index, alerts)));
  }

  private final TimerScheduler<Command> timers;
  private final TransferSetup setup;
  private final int maxConcurrent;
  private final ActorRef<FileTransfer.Report> reports;
  private final ActorRef<DeleteScheduler.Command> deleteScheduler;
  private final FileIndex index;
  private final ActorRef<AlertManager.Command> alerts;
  private final SpaceBudget budget;
  private final TransferHealth health;
  /** Consecutive children lost to a journal failure; any report (a child that recovered and answered) resets it. */
  private static final int JOURNAL_ALERT_AFTER = 3;
  private int journalFailures;
  private boolean waitingForSpace;
  /** Why the target is not the recorded one (marker missing); null when it is: nothing starts meanwhile. */
  private String identityProblem;
  /** No transfer starts before the first measurement (or a failed attempt at one) has come in. */
  private boolean spaceChecked;
  /** Index lookups under way: work this run has not routed yet. */
  private int lookups;

  /** Names already reported as not valid UTF-8 this run. */
  private final Set<String> badNamesReported = new HashSet<>();
  /** Files this run has seen and not forgotten, by id: rescans skip them. */
  private final Set<String> known = new HashSet<>();
  private final PriorityQueue<FileInfo> queue = new PriorityQueue<>(
      Comparator.comparingLong(FileInfo::mtimeMillis).thenComparing(FileInfo::relativePath));
  private final Set<String> inFlight = new HashSet<>();
  /** Files waiting on a retry timer. */
  private final Set<String> waiting = new HashSet<>();
  /** Deletes already due, on their way through the scheduler. */
  private final Set<String> deletesDue = new HashSet<>();
  private final ArrayDeque<DeleteIsDue> deleteQueue = new ArrayDeque<>();
  private final Set<String> deletesInProgress = new HashSet<>();
  private final Map<String, ActorRef<FileTransfer.Command>> children = new HashMap<>();
  private long incarnation;
  private RunSummary summary = new RunSummary(0, 0, 0, 0, 0);
  private boolean draining;
  private ActorRef<Done> drainedReplyTo;
  private ActorRef<RunSummary> idleReplyTo;

  private TransferSupervisor(ActorContext<Command> context, TimerScheduler<Command> timers, TransferSetup setup,
      Settings settings, FileIndex index, ActorRef<AlertManager.Command> alerts) {
    super(context);
    this.index = index;
    this.alerts = alerts;
    this.budget = new SpaceBudget(settings.storage());
    this.health = new TransferHealth(settings.alerts(), setup.clock());
    int maxConcurrent = settings.transfer().maxConcurrent();
    Duration trashRetention = settings.delete().trashRetention();
    Duration staleAfter = settings.alerts().staleAfter();
    timers.startTimerWithFixedDelay(HealthTick.INSTANCE,
        staleAfter.compareTo(Duration.ofMinutes(4)) < 0 ? staleAfter.dividedBy(4) : Duration.ofMinutes(1));
    this.timers = timers;
    this.setup = setup;
    this.maxConcurrent = maxConcurrent;
    this.reports = context.messageAdapter(FileTransfer.Report.class, Rested::new);
    ActorRef<DeleteScheduler.DeleteDue> dueAdapter =
        context.messageAdapter(DeleteScheduler.DeleteDue.class, due -> new DeleteIsDue(due.file(), due.earlyReason()));
    this.deleteScheduler = context.spawn(DeleteScheduler.create(dueAdapter,
        new Trash(setup.trashDir(), ZoneId.systemDefault()), trashRetention, Duration.ofHours(1), setup.blocking(),
        setup.clock()), "delete-scheduler");
    lookups++;
    context.pipeToSelf(blocking(() -> index.byStatus(Status.PENDING_DELETE)),
        (rows, error) -> new PendingDeletes(rows == null ? List.of() : rows, error == null ? null : error.toString()));
  }

  private <T> CompletableFuture<T> blocking(Blocking.Work<T> work) {
    return Blocking.supply(setup.blocking(), work);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(FilesFound.class, this::onFilesFound)
        .onMessage(LookedUp.class, this::onLookedUp)
        .onMessage(NamesNotRepresentable.class, this::onNamesNotRepresentable)
        .onMessage(TargetSpace.class, this::onTargetSpace)
        .onMessage(TargetIdentityChecked.class, checked -> onIdentity(checked.problem()))
        .onMessage(DockCritical.class, critical -> {
          deleteScheduler.tell(new DeleteScheduler.AllDueNow(critical.reason()));
          return this;
        })
        .onMessage(PurgeRemote.class, purge -> {
          child(purge.file()).tell(new FileTransfer.PurgeRemote(purge.remotePath(), purge.bytes(), purge.reason()));
          return this;
        })
        .onMessageEquals(HealthTick.INSTANCE, this::onHealthTick)
        .onMessage(PendingDeletes.class, this::onPendingDeletes)
        .onMessage(Rested.class, rested -> onReport(rested.report()))
        .onMessage(ChildStopped.class, this::onChildStopped)
        .onMessage(Wake.class, this::onWake)
        .onMessage(DeleteIsDue.class, this::onDeleteDue)
        .onMessage(ScanFinished.class, this::onScanFinished)
        .onMessage(Drain.class, this::onDrain)
        .build();
  }

  private Behavior<Command> onFilesFound(FilesFound found) {
    Set<String> listed = new HashSet<>();
    List<FileInfo> fresh = new java.util.ArrayList<>();
    for (FileInfo file : found.files()) {
      listed.add(file.fileId());
      if (known.add(file.fileId())) {
        fresh.add(file);
      }
    }
    // forget files gone from the source (deleted, or changed into a new id) unless busy with them
    known.removeIf(id -> !listed.contains(id) && !isActive(id));
    if (!fresh.isEmpty()) {
      lookups++;
      List<String> ids = fresh.stream().map(FileInfo::fileId).toList();
      getContext().pipeToSelf(blocking(() -> index.getAll(ids)),
          (rows, error) -> new LookedUp(fresh, rows == null ? Map.of() : rows, error == null ? null : error.toString()));
    }
    return pull();
  }

  private Behavior<Command> onNamesNotRepresentable(NamesNotRepresentable names) {
    for (String path : names.paths()) {
      if (badNamesReported.add(path)) {
        String shown = path.replace('\uFFFD', '?');
        String message = "file " + shown + " in the source folder is not offloaded: the name is not valid UTF-8: "
            + "rename it (e.g. convmv -f latin1 -t utf8 --notest, or mv in a shell); it is taken once renamed";
        getContext().getLog().error("{}", message);
        alerts.tell(new AlertManager.Raise("file-name", Alert.Severity.WARNING, message));
        summary = summary.plusFailed();
      }
    }
    return this;
  }

  /** Routes found files by what the index knows: unknown or unfinished ones are transferred. */
  private Behavior<Command> onLookedUp(LookedUp looked) {
    lookups--;
    if (looked.error() != null) {
      getContext().getLog().warn("file index lookup failed ({}); the files are asked directly", looked.error());
    }
    for (FileInfo file : looked.files()) {
      FileIndex.Row row = looked.rows().get(file.fileId());
      FileState state = row == null ? null : row.state();
      Status status = state == null ? Status.NEW : state.status();
      switch (status) {
        case NEW, TRANSFERRING -> queue.add(file);
        case DISCOVERED -> scheduleWake(file, state.retryAtMillis());
        case VERIFIED -> {
          if (setup.deleteAfterSync()) {
            queue.add(file); // the entity schedules its delete
          }
        }
        case PENDING_DELETE -> scheduleDelete(file, state.deleteDueAtMillis());
        // a scan found a file with the id of a finished one: the entity starts a new generation
        case DELETED, SUPERSEDED, PURGED -> queue.add(file);
        default -> { } // quarantined: at rest until the operator acts
      }
    }
    return pull();
  }

  private Behavior<Command> onPendingDeletes(PendingDeletes pending) {
    lookups--;
    if (pending.error() != null) {
      getContext().getLog().warn("cannot read pending deletes from the file index ({}); they are found by the "
          + "next scans instead", pending.error());
    }
    for (FileIndex.Row row : pending.rows()) {
      known.add(row.state().file().fileId());
      scheduleDelete(row.state().file(), row.state().deleteDueAtMillis());
    }
    if (!pending.rows().isEmpty()) {
      getContext().getLog().info("{} verified files wait for their delete time", pending.rows().size());
    }
    return pull();
  }

  private boolean isActive(String fileId) {
    return inFlight.contains(fileId) || waiting.contains(fileId) || deletesDue.contains(fileId)
        || deletesInProgress.contains(fileId) || children.containsKey(fileId)
        || queue.stream().anyMatch(f -> f.fileId().equals(fileId));
  }

  /** Starts transfers and deletes while slots are free. */
  private Behavior<Command> pull() {
    while (!draining && spaceChecked && identityProblem == null && inFlight.size() < maxConcurrent && !queue.isEmpty()
        && roomFor(queue.peek())) {
      FileInfo file = queue.poll();
      inFlight.add(file.fileId());
      child(file).tell(new FileTransfer.Transfer(file));
    }
    while (!draining && identityProblem == null && deletesInProgress.size() < maxConcurrent
        && !deleteQueue.isEmpty()) {
      DeleteIsDue due = deleteQueue.poll();
      deletesInProgress.add(due.file().fileId());
      child(due.file()).tell(due.earlyReason() == null ? FileTransfer.ExecuteDelete.INSTANCE
          : new FileTransfer.ExecuteEarlyDelete(due.earlyReason()));
    }
    return checkIdle();
  }

  /** Reserves the file's size on the target, or pauses pulling (one alert) until a check finds room. */
  private boolean roomFor(FileInfo file) {
    if (budget.admit(file.size())) {
      if (waitingForSpace) {
        waitingForSpace = false;
        getContext().getLog().info("target has room again: transfers resume");
        alerts.tell(new AlertManager.Clear("target-space", "target has room again; transfers resumed"));
      }
      return true;
    }
    if (!waitingForSpace) {
      waitingForSpace = true;
      String message = budget.describe(file.size());
      getContext().getLog().warn("{}", message);
      alerts.tell(new AlertManager.Raise("target-space", Alert.Severity.CRITICAL, message));
    }
    return false;
  }

  private Behavior<Command> onTargetSpace(TargetSpace measured) {
    spaceChecked = true;
    if (measured.space() != null) {
      budget.measured(measured.space());
      if (identityProblem != null) {
        return onIdentity(null); // the guard measures only a target whose marker it found
      }
    }
    return pull();
  }

  /** A wrong target pauses transfers and deletes (one alert) until a check finds the marker again. */
  private Behavior<Command> onIdentity(String problem) {
    if (problem != null && identityProblem == null) {
      getContext().getLog().error("transfers and deletes paused: {}", problem);
      alerts.tell(new AlertManager.Raise("target-identity", Alert.Severity.CRITICAL, problem));
    } else if (problem == null && identityProblem != null) {
      getContext().getLog().info("the target's identity marker is back: transfers and deletes resume");
      alerts.tell(new AlertManager.Clear("target-identity", "the target's identity marker is back"));
    }
    identityProblem = problem;
    return pull();
  }

  private Behavior<Command> onHealthTick() {
    health.check(queue.size() + waiting.size()).ifPresent(alerts::tell);
    return this;
  }

  private ActorRef<FileTransfer.Command> child(FileInfo file) {
    return children.computeIfAbsent(file.fileId(), id -> {
      // a fresh name each time: the previous incarnation may still be stopping
      ActorRef<FileTransfer.Command> child =
          getContext().spawn(FileTransfer.create(file, setup, reports), "file-" + id + "-" + (++incarnation));
      getContext().watchWith(child, new ChildStopped(file, child));
      return child;
    });
  }

  private Behavior<Command> onReport(FileTransfer.Report report) {
    String id = report.file().fileId();
    if (journalFailures > 0) {
      if (journalFailures >= JOURNAL_ALERT_AFTER) {
        alerts.tell(new AlertManager.Clear("journal", "journal writes succeed again"));
      }
      journalFailures = 0;
    }
    boolean wasTransfer = inFlight.remove(id);
    if (wasTransfer) {
      budget.finished(report.file().size(), report.bytesSent());
      health.attempt(report.status() == Status.DISCOVERED || report.status() == Status.QUARANTINED)
          .ifPresent(alerts::tell);
    }
    if (report.status() == Status.QUARANTINED) {
      alerts.tell(new AlertManager.Raise("quarantined", Alert.Severity.CRITICAL, "file " + report.file().relativePath()
          + " quarantined: " + report.message() + " (see `mediaferry audit --state QUARANTINED`)"));
    }
    if (report.status() == Status.PENDING_DELETE && report.message() != null) {
      alerts.tell(new AlertManager.Raise("delete-postponed", Alert.Severity.WARNING, "delete of "
          + report.file().relativePath() + " postponed: " + report.message()));
    }
    if (report.errorKind() == ErrorKind.WRONG_TARGET) {
      onIdentity(report.message());
    }
    deletesInProgress.remove(id);
    children.remove(id);
    timers.cancel(id);
    waiting.remove(id);
    count(report, wasTransfer);
    switch (report.status()) {
      case DISCOVERED, TRANSFERRING -> scheduleWake(report.file(), report.wakeAtMillis());
      case PENDING_DELETE -> scheduleDelete(report.file(), report.wakeAtMillis());
      default -> { }
    }
    return pull();
  }

  private void count(FileTransfer.Report report, boolean wasTransfer) {
    switch (report.status()) {
      case VERIFIED, PENDING_DELETE -> summary = wasTransfer ? summary.plusVerified(report.bytesSent()) : summary;
      case DELETED -> summary = wasTransfer ? summary.plusOther().plusDeleted() : summary.plusDeleted();
      case QUARANTINED -> summary = summary.plusFailed();
      case SUPERSEDED -> summary = wasTransfer ? summary.plusOther() : summary;
      default -> { }
    }
  }

  private void scheduleWake(FileInfo file, Long wakeAt) {
    long delay = wakeAt == null ? 0 : Math.max(0, wakeAt - setup.now());
    waiting.add(file.fileId());
    timers.startSingleTimer(file.fileId(), new Wake(file), Duration.ofMillis(delay));
  }

  private void scheduleDelete(FileInfo file, long dueAt) {
    if (dueAt <= setup.now()) {
      deletesDue.add(file.fileId());
    }
    deleteScheduler.tell(new DeleteScheduler.Schedule(file, dueAt));
  }

  private Behavior<Command> onWake(Wake wake) {
    waiting.remove(wake.file().fileId());
    if (!inFlight.contains(wake.file().fileId())) {
      queue.add(wake.file());
    }
    return pull();
  }

  private Behavior<Command> onDeleteDue(DeleteIsDue due) {
    deletesDue.remove(due.file().fileId());
    deleteQueue.add(due);
    return pull();
  }

  /**
   * A child that stopped without reporting (its journal write or recovery failed: a full or
   * locked database, a stalling SD card) frees its slot and is tried again after a backoff
   * that grows with the failures in a row; from the third, a `journal` alert is raised.
   */
  private Behavior<Command> onChildStopped(ChildStopped stopped) {
    String id = stopped.file().fileId();
    if (children.get(id) != stopped.child()) {
      return Behaviors.same();
    }
    children.remove(id);
    boolean lostTransfer = inFlight.remove(id);
    if (lostTransfer) {
      budget.finished(stopped.file().size(), 0);
    }
    boolean lost = lostTransfer | deletesInProgress.remove(id);
    if (lost && !draining) {
      journalFailures++;
      Duration backoff = setup.retry().backoff(journalFailures);
      getContext().getLog().warn("[{}] stopped without a result (journal write failed; see the error above); "
          + "trying again in {} ms", stopped.file().relativePath(), backoff.toMillis());
      if (journalFailures == JOURNAL_ALERT_AFTER) {
        alerts.tell(new AlertManager.Raise("journal", Alert.Severity.CRITICAL, journalFailures + " journal writes "
            + "in a row failed (journal " + "database locked by another process, disk full or failing?); files are "
            + "retried, nothing is lost; check `mediaferry db check` and the disk holding mediaferry.state-dir"));
      }
      scheduleWake(stopped.file(), setup.now() + backoff.toMillis());
    }
    return pull();
  }

  private Behavior<Command> onScanFinished(ScanFinished finished) {
    idleReplyTo = finished.replyTo();
    return checkIdle();
  }

  private Behavior<Command> onDrain(Drain drain) {
    draining = true;
    drainedReplyTo = drain.replyTo();
    return checkIdle();
  }

  private Behavior<Command> checkIdle() {
    if (draining && drainedReplyTo != null && inFlight.isEmpty() && deletesInProgress.isEmpty()) {
      drainedReplyTo.tell(Done.getInstance());
      drainedReplyTo = null;
    }
    boolean idle = lookups == 0 && queue.isEmpty() && inFlight.isEmpty() && waiting.isEmpty() && deletesDue.isEmpty()
        && deleteQueue.isEmpty() && deletesInProgress.isEmpty();
    // --once: files held back for want of target space (or a wrong target) are reported as not done
    boolean onlyWaitingForSpace = (waitingForSpace || identityProblem != null) && lookups == 0 && inFlight.isEmpty() && waiting.isEmpty()
        && deletesDue.isEmpty() && deleteQueue.isEmpty() && deletesInProgress.isEmpty();
    if (idleReplyTo != null && (idle || onlyWaitingForSpace)) {
      if (!idle) {
        getContext().getLog().error("{} files not transferred: {}", queue.size(),
            identityProblem != null ? identityProblem : "the target has no room above its reserve");
      }
      idleReplyTo.tell(idle ? summary : summary.plusWaiting(queue.size()));
      idleReplyTo = null;
    }
    return this;
  }
}
