package dev.mediaferry.transfer;

import dev.mediaferry.concurrent.Blocking;
import dev.mediaferry.config.Settings;
import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.file.FileInfo;
import dev.mediaferry.file.FileState.Status;
import dev.mediaferry.journal.FileIndex;
import dev.mediaferry.observe.AlertManager;
import dev.mediaferry.observe.TransferHealth;
import dev.mediaferry.targets.Space;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * Takes discovered files oldest first and runs at most maxConcurrent transfers (and as many
 * deletes) at once: a new one starts only when a slot frees. Spawns a {@link FileTransfer}
 * for every file that has work, learns from its {@link FileTransfer.Report} where it rests,
 * and wakes it on its own timer when its retry or delete time comes. Files it has not seen
 * this run are first looked up in the {@link FileIndex}, so files at rest are not spawned (and
 * replayed) again: start-up follows the work in flight, not history. It only routes: the books
 * are kept by {@link Workload}, the timers by {@link WakeUps}, the target's space and identity
 * by {@link TargetGate}, the --once summary by {@link RunTally}.
 */
public final class TransferSupervisor extends AbstractBehavior<TransferSupervisor.Command> {

  public sealed interface Command {}

  /**
   * The complete list of ready files from one source (the folder scan, or the dock's table):
   * a file this source no longer lists is forgotten unless there is work on it. source is
   * what the file's Discovered event records (null: the source folder); a file two sources
   * list is taken once.
   */
  public record FilesFound(String source, List<FileInfo> files) implements Command {
    public FilesFound(List<FileInfo> files) {
      this(null, files);
    }
  }

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

  /** An operator's `mediaferry retry`: the file's entity decides and replies (see {@link FileTransfer.Release}). */
  public record Release(FileInfo file, String reason, String by, ActorRef<FileTransfer.ReleaseOutcome> replyTo)
      implements Command {}

  /** For /status: the queue as it stands; answered with a {@link Queue}. */
  public record GetQueue(int firstN, ActorRef<Queue> replyTo) implements Command {}

  /** The work this run holds: next lists the first files of the queue, in the order they go. */
  public record Queue(int queued, long queuedBytes, int waitingForRetry, int inFlight, int deletesDue,
      List<FileInfo> next, String heldBackBecause) {}

  private record Rested(FileTransfer.Report report) implements Command {}

  record ChildStopped(FileInfo file, ActorRef<FileTransfer.Command> child) implements Command {}

  record RetryIsDue(FileInfo file) implements Command {}

  record DeleteIsDue(FileInfo file) implements Command {}

  /** From the StorageGuard: the dock's disk is critically full and deletes may come early. */
  public record DockCritical(String reason) implements Command {}

  private enum HealthTick implements Command { INSTANCE }

  /** A transfer window may have opened or closed. */
  private enum WindowTick implements Command { INSTANCE }

  /** Index rows of newly found files (rows only for the files the index knows). */
  private record LookedUp(List<FileInfo> files, Map<String, FileIndex.Row> rows, String error) implements Command {}

  /** Files the index says wait for their delete, found at start (their source may be gone). */
  /** Files the index holds mid-way at start: pending deletes, and attempts a stop or a crash cut short. */
  private record KnownAtStart(List<FileIndex.Row> rows, String error) implements Command {}

  public static Behavior<Command> create(TransferSetup setup, Settings settings, FileIndex index,
      ActorRef<AlertManager.Command> alerts) {
    return create(setup, settings, index, alerts, true);
  }

  /** once: a `run --once`, whose summary counts each file once (a daemon keeps no per-file tally for years). */
  public static Behavior<Command> create(TransferSetup setup, Settings settings, FileIndex index,
      ActorRef<AlertManager.Command> alerts, boolean once) {
    return Behaviors.setup(context -> Behaviors.withTimers(
        timers -> new TransferSupervisor(context, timers, setup, settings, index, alerts, new RunTally(once))));
  }

  private final TransferSetup setup;
  private final int maxConcurrent;
  private final FileIndex index;
  private final TransferAlerts alerts;
  private final Workload work = new Workload();
  private final WakeUps wakeUps;
  private final TargetGate gate;
  private final WindowGate windows;
  private final TimerScheduler<Command> timers;
  private final RunTally tally;
  private final FileActors children;
  private boolean draining;
  private ActorRef<Done> drainedReplyTo;
  private ActorRef<RunSummary> idleReplyTo;

  private TransferSupervisor(ActorContext<Command> context, TimerScheduler<Command> timers, TransferSetup setup,
      Settings settings, FileIndex index, ActorRef<AlertManager.Command> alerts, RunTally tally) {
    super(context);
    this.tally = tally;
    this.wakeUps = new WakeUps(timers, work, setup::now, setup.deleteAfterSync());
    this.setup = setup;
    this.index = index;
    this.alerts = new TransferAlerts(alerts, new TransferHealth(settings.alerts(), setup.clock()), context.getLog());
    this.maxConcurrent = settings.transfer().maxConcurrent();
    this.gate = new TargetGate(settings.storage(), context.getLog());
    this.windows = new WindowGate(settings.transfer().bandwidth(), setup.clock(), java.time.ZoneId.systemDefault(),
        context.getLog());
    this.timers = timers;
    this.children = new FileActors(context, setup, context.messageAdapter(FileTransfer.Report.class, Rested::new));
    Duration staleAfter = settings.alerts().staleAfter();
    timers.startTimerWithFixedDelay(HealthTick.INSTANCE,
        staleAfter.compareTo(Duration.ofMinutes(4)) < 0 ? staleAfter.dividedBy(4) : Duration.ofMinutes(1));
    work.lookupStarted();
    context.pipeToSelf(blocking(() -> {
      List<FileIndex.Row> rows = new java.util.ArrayList<>(index.byStatus(Status.PENDING_DELETE));
      rows.addAll(index.byStatus(Status.TRANSFERRING));
      rows.addAll(index.byStatus(Status.DISCOVERED));
      return rows;
    }), (rows, error) -> new KnownAtStart(rows == null ? List.of() : rows, error == null ? null : error.toString()));
  }

  private <T> CompletableFuture<T> blocking(Blocking.Work<T> work) {
    return Blocking.supply(setup.blocking(), work);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(FilesFound.class, this::onFilesFound)
        .onMessage(LookedUp.class, this::onLookedUp)
        .onMessage(KnownAtStart.class, this::onKnownAtStart)
        .onMessage(NamesNotRepresentable.class, this::onNamesNotRepresentable)
        .onMessage(TargetSpace.class, measured -> alertThen(gate.measured(measured.space())))
        .onMessage(TargetIdentityChecked.class, checked -> alertThen(gate.identity(checked.problem())))
        .onMessage(DockCritical.class, this::onDockCritical)
        .onMessage(PurgeRemote.class, this::onPurgeRemote)
        .onMessage(Release.class, release -> {
          children.of(release.file()).tell(new FileTransfer.Release(release.reason(), release.by(), release.replyTo()));
          return this;
        })
        .onMessageEquals(HealthTick.INSTANCE, this::onHealthTick)
        .onMessageEquals(WindowTick.INSTANCE, this::pull)
        .onMessage(Rested.class, rested -> onReport(rested.report()))
        .onMessage(ChildStopped.class, this::onChildStopped)
        .onMessage(RetryIsDue.class, due -> {
          work.retryDue(due.file());
          return pull();
        })
        .onMessage(DeleteIsDue.class, due -> {
          work.deleteDue(due.file(), null);
          return pull();
        })
        .onMessage(GetQueue.class, get -> {
          get.replyTo().tell(new Queue(work.queued(), work.queuedBytes(), work.waitingForRetry(), work.inFlight(),
              work.deletesDue(), work.firstQueued(get.firstN()), holdingBack()));
          return this;
        })
        .onMessage(ScanFinished.class, this::onScanFinished)
        .onMessage(Drain.class, this::onDrain)
        .build();
  }

  // --- finding work ---

  private Behavior<Command> onFilesFound(FilesFound found) {
    List<FileInfo> fresh = work.listed(found.source(), found.files(), children.ids());
    if (!fresh.isEmpty()) {
      work.lookupStarted();
      List<String> ids = fresh.stream().map(FileInfo::fileId).toList();
      getContext().pipeToSelf(blocking(() -> index.getAll(ids)),
          (rows, error) -> new LookedUp(fresh, rows == null ? Map.of() : rows, error == null ? null : error.toString()));
    }
    return pull();
  }

  /** Routes found files by what the index knows: unknown or unfinished ones are transferred. */
  private Behavior<Command> onLookedUp(LookedUp looked) {
    work.lookupEnded();
    if (looked.error() != null) {
      getContext().getLog().warn("file index lookup failed ({}); the files are asked directly", looked.error());
    }
    for (FileInfo file : looked.files()) {
      FileIndex.Row row = looked.rows().get(file.fileId());
      wakeUps.found(file, row == null ? null : row.state());
    }
    return pull();
  }

  /**
   * Pending deletes get their timers. Attempts cut short are taken up again without waiting for a
   * scan to list their file: one whose source changed or vanished meanwhile would never be listed
   * under its id again, and would stay mid-way in the journal with its temp file on the target.
   */
  private Behavior<Command> onKnownAtStart(KnownAtStart known) {
    work.lookupEnded();
    if (known.error() != null) {
      getContext().getLog().warn("cannot read the files left mid-way from the file index ({}); they are found by "
          + "the next scans instead", known.error());
    }
    long deletes = 0;
    for (FileIndex.Row row : known.rows()) {
      work.know(row.state().file());
      if (row.state().status() == Status.PENDING_DELETE) {
        deletes++;
        wakeUps.deleteAt(row.state().file(), row.state().deleteDueAtMillis());
      } else {
        wakeUps.found(row.state().file(), row.state());
      }
    }
    if (deletes > 0) {
      getContext().getLog().info("{} verified files wait for their delete time", deletes);
    }
    if (known.rows().size() > deletes) {
      getContext().getLog().info("{} files left mid-way by the last stop are taken up again", known.rows().size() - deletes);
    }
    return pull();
  }

  private Behavior<Command> onNamesNotRepresentable(NamesNotRepresentable names) {
    names.paths().stream().filter(tally::badName).forEach(alerts::nameNotRepresentable);
    return this;
  }

  // --- starting work ---

  /** Starts transfers and deletes while slots are free and the target may take them. */
  private Behavior<Command> pull() {
    boolean paused = windows.pausedBecause() != null;
    if (paused && !timers.isTimerActive(WindowTick.INSTANCE)) {
      windows.untilNextChange().ifPresent(delay -> timers.startSingleTimer(WindowTick.INSTANCE, WindowTick.INSTANCE,
          delay.plusSeconds(1)));
    }
    for (FileInfo next; !draining && !paused && gate.transfersMayStart()
        && (next = work.nextTransfer(maxConcurrent)) != null; ) {
      TargetGate.Admission admission = gate.admit(next);
      admission.alert().ifPresent(alerts::tell);
      if (!admission.admitted()) {
        break;
      }
      work.startTransfer(next);
      children.of(next).tell(new FileTransfer.Transfer(next, work.sourceOf(next)));
    }
    for (Workload.DueDelete due; !draining && gate.deletesMayStart()
        && (due = work.startNextDelete(maxConcurrent)) != null; ) {
      children.of(due.file()).tell(due.earlyReason() == null ? FileTransfer.ExecuteDelete.INSTANCE
          : new FileTransfer.ExecuteEarlyDelete(due.earlyReason()));
    }
    return checkIdle();
  }

  private Behavior<Command> alertThen(java.util.Optional<AlertManager.Command> alert) {
    alert.ifPresent(alerts::tell);
    return pull();
  }

  /** The dock's disk is critically full: every delete waiting for its time goes now (still rechecked). */
  private Behavior<Command> onDockCritical(DockCritical critical) {
    List<FileInfo> brought = wakeUps.allDeletesNow(critical.reason());
    if (!brought.isEmpty()) {
      getContext().getLog().warn("{} deletes brought forward: {}", brought.size(), critical.reason());
    }
    return pull();
  }

  private Behavior<Command> onPurgeRemote(PurgeRemote purge) {
    children.of(purge.file()).tell(new FileTransfer.PurgeRemote(purge.remotePath(), purge.bytes(), purge.reason()));
    return this;
  }

  // --- work coming to rest ---

  private Behavior<Command> onReport(FileTransfer.Report report) {
    String id = report.file().fileId();
    children.reported(id);
    boolean wasTransfer = work.rested(id);
    if (wasTransfer) {
      gate.finished(report.file(), report.bytesSent());
    }
    alerts.rested(report, wasTransfer);
    if (report.errorKind() == ErrorKind.WRONG_TARGET) {
      gate.identity(report.message()).ifPresent(alerts::tell);
    }
    tally.rested(id, report.status(), report.bytesSent(), wasTransfer);
    wakeUps.rested(report.file(), report.status(), report.wakeAtMillis());
    return pull();
  }

  private Behavior<Command> onHealthTick() {
    alerts.healthCheck(work.queued() + work.waitingForRetry());
    return this;
  }

  /**
   * A child that stopped without reporting (its journal write or recovery failed: a full or
   * locked database, a stalling SD card) frees its slot and is tried again after a backoff
   * that grows with the failures in a row; from the third, a `journal` alert is raised.
   */
  private Behavior<Command> onChildStopped(ChildStopped stopped) {
    String id = stopped.file().fileId();
    if (!children.stoppedWithoutReport(id, stopped.child())) {
      return Behaviors.same();
    }
    setup.telemetry().live().ended(id);
    Workload.Lost lost = work.lost(id);
    if (lost.transfer()) {
      gate.finished(stopped.file(), 0);
    }
    if (lost.any() && !draining) {
      Duration backoff = setup.retry().backoff(alerts.journalFailuresInARow() + 1);
      alerts.journalFailed(stopped.file(), backoff);
      wakeUps.retryAt(stopped.file(), setup.now() + backoff.toMillis());
    }
    return pull();
  }

  /** Why queued files do not start now (a closed window, the target's space or identity), or null. */
  private String holdingBack() {
    String paused = windows.pausedBecause();
    return paused != null ? paused : gate.holdingBack();
  }

  // --- ending ---

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
    setup.telemetry().metrics().workload(work.queued(), work.waitingForRetry(), work.inFlight());
    if (draining && drainedReplyTo != null && work.nothingInFlight()) {
      drainedReplyTo.tell(Done.getInstance());
      drainedReplyTo = null;
    }
    // --once: files held back for want of target space, by a wrong target or a closed window are not done
    String heldBack = holdingBack();
    if (idleReplyTo != null && (work.idle() || heldBack != null && work.onlyTheQueueLeft())) {
      if (!work.idle()) {
        getContext().getLog().error("{} files not transferred: {}", work.queued(), heldBack);
      }
      idleReplyTo.tell(tally.summary(work.idle() ? 0 : work.queued()));
      idleReplyTo = null;
    }
    return this;
  }
}
