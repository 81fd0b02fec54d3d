package dev.mediaferry.transfer;

import dev.mediaferry.concurrent.Blocking;
import dev.mediaferry.concurrent.WallClock;
import dev.mediaferry.deletion.DeleteRecheck;
import dev.mediaferry.deletion.Trash;
import dev.mediaferry.file.CborSerializable;
import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.file.FileEvent;
import dev.mediaferry.file.FileEvent.DeleteAdvanced;
import dev.mediaferry.file.FileEvent.DeleteRechecked;
import dev.mediaferry.file.FileEvent.DeleteScheduled;
import dev.mediaferry.file.FileEvent.Discovered;
import dev.mediaferry.file.FileEvent.MovingToTrash;
import dev.mediaferry.file.FileEvent.Rediscovered;
import dev.mediaferry.file.FileEvent.Released;
import dev.mediaferry.file.FileEvent.RemoteCopyPurged;
import dev.mediaferry.file.FileEvent.SourceDeleted;
import dev.mediaferry.file.FileEvent.TransferFailed;
import dev.mediaferry.file.FileEvent.TransferResumed;
import dev.mediaferry.file.FileEvent.TransferStarted;
import dev.mediaferry.file.FileEvent.Verified;
import dev.mediaferry.file.FileInfo;
import dev.mediaferry.file.FileState;
import dev.mediaferry.file.FileState.Status;
import dev.mediaferry.file.LocalIdentity;
import dev.mediaferry.file.RecheckOutcome;
import dev.mediaferry.observe.LiveStatus;
import dev.mediaferry.observe.Metrics;
import dev.mediaferry.targets.RemoteLayout;
import dev.mediaferry.targets.SafeCopy;
import dev.mediaferry.targets.Target;
import dev.mediaferry.targets.TargetException;
import dev.mediaferry.targets.TargetPaths;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * One file's life, event-sourced: discovered → transferring → verified → pending delete →
 * deleted (or quarantined). It works while it has something to do, tells the supervisor
 * where it rests with a {@link Report}, and stops; whoever needs it next spawns it again
 * and it recovers from its journal. Copies and checks run on the blocking executor.
 */
public final class FileTransfer extends FileJournalEntity<FileTransfer.Command> {

  static final int SNAPSHOT_EVERY = 100;

  // --- protocol ---

  public sealed interface Command extends CborSerializable {}

  /** Move the file forward from wherever its journal says it is. */
  /** source: where the file was found, as its Discovered event records it (null: the source folder). */
  public record Transfer(FileInfo file, String source) implements Command {
    public Transfer(FileInfo file) {
      this(file, null);
    }
  }

  /** The delete delay is over: recheck both copies and move the local one to the trash. */
  public enum ExecuteDelete implements Command { INSTANCE }

  /** The dock's disk is critically full: delete now, before the delay is over (still rechecked first). */
  public record ExecuteEarlyDelete(String reason) implements Command {}

  public record GetState(ActorRef<FileState> replyTo) implements Command {}

  /**
   * Retention: remove the target copy of a file whose local copy was deleted long ago. With
   * scope = all, also a file the journal never knew (remotePath and bytes say which).
   */
  public record PurgeRemote(String remotePath, long bytes, String reason) implements Command {}

  /** `mediaferry retry`: take a quarantined (or superseded, source unchanged) file again; the outcome is replied. */
  public record Release(String reason, String by, ActorRef<ReleaseOutcome> replyTo) implements Command {}

  public record ReleaseOutcome(String path, boolean released, String message) {}

  private record Purged(String remotePath, long bytes, String reason) implements Command {}

  private record PurgeFailed(TargetException error) implements Command {}

  private record CopySucceeded(SafeCopy.Result result) implements Command {}

  private record CopyFailed(TargetException error) implements Command {}

  /** trashPath: where the local copy goes (planned when the recheck passed), else null. */
  private record RecheckFinished(DeleteRecheck.Result result, String trashPath) implements Command {}

  private record RecheckFailed(TargetException error) implements Command {}

  /** recovered: the move had happened before a crash and is only being journaled now. */
  private record Trashed(String trashPath, boolean recovered) implements Command {}

  private record TrashFailed(String message) implements Command {}

  /** Sent to the supervisor whenever the file comes to rest; wakeAt says when it wants to go on. */
  /** Where the file rests now; errorKind is set when an error put it there (message says which). */
  public record Report(FileInfo file, Status status, Long wakeAtMillis, long bytesSent, String message,
      ErrorKind errorKind) {}

  // --- behaviour ---

  public static Behavior<Command> create(FileInfo file, TransferSetup setup, ActorRef<Report> supervisor) {
    return Behaviors.setup(context -> new FileTransfer(context, file, setup, supervisor));
  }

  public static PersistenceId persistenceId(String fileId) {
    return PersistenceId.ofUniqueId(FileEvent.persistenceId(fileId));
  }

  private final ActorContext<Command> context;
  private final FileInfo file;
  private final TransferSetup setup;
  private final ActorRef<Report> supervisor;
  private final SafeCopy safeCopy;
  /** A copy, recheck or trash move is running: repeated commands must not start another. */
  private boolean busy;

  private FileTransfer(ActorContext<Command> context, FileInfo file, TransferSetup setup, ActorRef<Report> supervisor) {
    // no restart in place on a journal failure: the entity stops, so its supervisor sees it
    // (watch), frees the slot and tries the file again after a backoff
    super(file.fileId());
    this.context = context;
    this.file = file;
    this.setup = setup;
    this.supervisor = supervisor;
    this.safeCopy = new SafeCopy(setup.target(), setup.resumeMinSize());
  }

  /**
   * A file retried many times gets a snapshot every 100 events, so its recovery stays short;
   * the events themselves are kept (audit replays them; `db archive` moves them out).
   */
  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(SNAPSHOT_EVERY, 2);
  }

  @Override
  public CommandHandler<Command, FileEvent, FileState> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Transfer.class, this::onTransfer)
        .onCommand(ExecuteDelete.class, this::onExecuteDelete)
        .onCommand(ExecuteEarlyDelete.class, this::onExecuteEarlyDelete)
        .onCommand(GetState.class, (state, get) -> Effect().reply(get.replyTo(), state))
        .onCommand(CopySucceeded.class, this::onCopySucceeded)
        .onCommand(CopyFailed.class, this::onCopyFailed)
        .onCommand(RecheckFinished.class, this::onRecheckFinished)
        .onCommand(RecheckFailed.class, this::onRecheckFailed)
        .onCommand(Trashed.class, this::onTrashed)
        .onCommand(TrashFailed.class, this::onTrashFailed)
        .onCommand(PurgeRemote.class, this::onPurgeRemote)
        .onCommand(Release.class, this::onRelease)
        .onCommand(Purged.class, this::onPurged)
        .onCommand(PurgeFailed.class, this::onPurgeFailed)
        .build();
  }

  // --- transfer ---

  private Effect<FileEvent, FileState> onTransfer(FileState state, Transfer command) {
    if (busy) {
      return Effect().none();
    }
    return switch (state.status()) {
      case NEW -> Effect()
          .persist(List.of(discovered(command.source()), started(1)))
          .thenRun(this::startCopy);
      case DISCOVERED -> state.retryAtMillis() != null && state.retryAtMillis() > setup.now()
          ? rest(state)
          : Effect().persist(started(state.attempt() + 1)).thenRun(this::startCopy);
      // only after a crash mid-copy: the attempt starts again (its temp file is replaced)
      case TRANSFERRING -> Effect().persist(started(state.attempt() + 1)).thenRun(this::startCopy);
      case VERIFIED -> setup.deleteAfterSync()
          ? Effect().persist(new DeleteScheduled(setup.now() + setup.deleteDelay().toMillis()))
              .thenRun(s -> report(s, 0, null)).thenStop()
          : rest(state);
      // the supervisor sends these only for a file a scan found in the source: a new generation
      case DELETED, SUPERSEDED, PURGED -> Effect()
          .persist(List.of(new Rediscovered(file.relativePath(), file.size(), file.mtimeMillis(),
              command.source() != null ? command.source() : setup.sourceDir().toString(), state.status()),
              started(1)))
          .thenRun(s -> {
            context.getLog().info("[{}] a file with the path, size and mtime of one that ended {} is in the source: "
                + "it is offloaded as a new generation", file.relativePath(), state.status());
            startCopy(s);
          });
      case PENDING_DELETE, QUARANTINED -> rest(state);
    };
  }

  private Discovered discovered(String source) {
    return new Discovered(file.relativePath(), file.size(), file.mtimeMillis(),
        source != null ? source : setup.sourceDir().toString());
  }

  private TransferStarted started(int attempt) {
    String finalPath = finalPath();
    return new TransferStarted(attempt, setup.target().describe(), finalPath,
        RemoteLayout.tempPath(finalPath, file.fileId()));
  }

  private String finalPath() {
    return setup.layout().finalPath(file.relativePath(), file.mtimeMillis());
  }

  private void startCopy(FileState state) {
    busy = true;
    // attempt 1: nothing of this file was sent before (a crash or a cut makes the next attempt 2)
    var request = new SafeCopy.Request(setup.sourceOf(file), file.size(), file.mtimeMillis(), file.fileKey(),
        finalPath(), state.tempPath(), state.attempt() == 1);
    LiveStatus.Copy live = setup.telemetry().live().started(file.fileId(), file.relativePath(), file.size());
    ProgressLog log = new ProgressLog(file.relativePath(), file.size());
    Target.Progress progress = bytes -> {
      live.sent(bytes);
      log.sent(bytes);
    };
    ShutdownSignal shutdown = setup.shutdown();
    context.pipeToSelf(blocking(() -> {
      shutdown.copyStarted();
      try {
        return safeCopy.copy(request, progress, shutdown);
      } finally {
        shutdown.copyEnded();
      }
    }), (result, error) -> result != null ? new CopySucceeded(result) : new CopyFailed(classified(error)));
  }

  private Effect<FileEvent, FileState> onCopySucceeded(FileState state, CopySucceeded done) {
    busy = false;
    SafeCopy.Result r = done.result();
    List<FileEvent> events = new ArrayList<>();
    if (r.bytesKept() > 0) {
      events.add(new TransferResumed(state.attempt(), r.bytesKept(), r.bytesSent()));
    }
    events.add(new Verified(r.remotePath(), r.sha256(), r.bytes(), r.bytesSent(), r.durationMs()));
    if (setup.deleteAfterSync()) {
      events.add(new DeleteScheduled(setup.now() + setup.deleteDelay().toMillis()));
    }
    setup.telemetry().live().ended(file.fileId());
    long writeStarted = System.nanoTime();
    return Effect().persist(events).thenRun(s -> {
      Metrics metrics = setup.telemetry().metrics();
      metrics.journalWrite(System.nanoTime() - writeStarted);
      metrics.verified(r.bytesSent(), r.durationMs(), setup.now());
      context.getLog().info("[{}] verified as {} (sha256 {}, {} bytes{}, {} ms)", file.relativePath(),
          r.remotePath(), r.sha256(), r.bytes(), r.bytesSent() == 0 ? ", already on the target"
              : r.bytesKept() > 0 ? ", resumed: " + r.bytesKept() + " kept, " + r.bytesSent() + " sent" : "",
          r.durationMs());
      report(s, r.bytesSent(), null);
    }).thenStop();
  }

  private Effect<FileEvent, FileState> onCopyFailed(FileState state, CopyFailed failed) {
    busy = false;
    setup.telemetry().live().ended(file.fileId());
    TargetException error = failed.error();
    if (error instanceof Target.Cancelled) {
      // shutdown: nothing to journal, the attempt starts again on the next run
      return Effect().stop();
    }
    int attempt = state.attempt();
    // attempts cut short by a crash or shutdown, or by a wrong target, are not counted
    int failures = state.failures() + (error.kind().countsAsFailure() ? 1 : 0);
    boolean retry = error.kind().retryable() && !setup.retry().exhausted(failures);
    Long retryAt = retry ? setup.now() + setup.retry().backoff(Math.max(1, failures)).toMillis() : null;
    long writeStarted = System.nanoTime();
    return Effect().persist(new TransferFailed(attempt, error.kind(), error.getMessage(), retryAt))
        .thenRun(s -> {
          setup.telemetry().metrics().journalWrite(System.nanoTime() - writeStarted);
          observeFailure(s, error);
          logFailure(s, failures, error);
          report(s, 0, error.getMessage(), error.kind());
        })
        .thenStop();
  }

  private void observeFailure(FileState state, TargetException error) {
    Metrics.Result result = switch (state.status()) {
      case QUARANTINED -> Metrics.Result.QUARANTINED;
      case SUPERSEDED -> Metrics.Result.SUPERSEDED;
      default -> Metrics.Result.RETRY;
    };
    setup.telemetry().metrics().failed(result, error.kind().name());
    setup.telemetry().live().failed(new LiveStatus.Failure(setup.now(), file.relativePath(), error.kind().name(),
        error.getMessage(), state.retryAtMillis()));
  }

  private void logFailure(FileState state, int failures, TargetException error) {
    switch (state.status()) {
      case QUARANTINED -> context.getLog().error("[{}] QUARANTINED after failure {} ({}): {}. Fix the cause, "
          + "then `mediaferry retry {}` (docs/operations.md).", file.relativePath(), failures,
          error.kind(), error.getMessage(), file.relativePath());
      case SUPERSEDED -> context.getLog().info("[{}] {}", file.relativePath(), error.getMessage());
      default -> context.getLog().warn("[{}] failure {} ({}): {}; retrying in {} s", file.relativePath(),
          failures, error.kind(), error.getMessage(), (state.retryAtMillis() - setup.now()) / 1000);
    }
  }

  // --- delete ---

  private Effect<FileEvent, FileState> onExecuteDelete(FileState state, ExecuteDelete command) {
    if (busy) {
      return Effect().none();
    }
    if (state.status() != Status.PENDING_DELETE || state.deleteDueAtMillis() > setup.now()) {
      return rest(state);
    }
    if (!WallClock.isSet(setup.now())) {
      context.getLog().warn("[{}] delete postponed: {}", file.relativePath(), WallClock.notSet(setup.now()));
      return postponeDelete(state, WallClock.notSet(setup.now()), null);
    }
    if (!WallClock.isSet(state.deleteDueAtMillis()) && !state.rechecked()) {
      // due "at once" only because the clock was unset when it was scheduled: the full delay again
      long dueAt = setup.now() + setup.deleteDelay().toMillis();
      return Effect().persist(new DeleteScheduled(dueAt)).thenRun(s -> {
        context.getLog().warn("[{}] its delete time {} was computed before the clock was set; due again at {}",
            file.relativePath(), Instant.ofEpochMilli(state.deleteDueAtMillis()), Instant.ofEpochMilli(dueAt));
        report(s, 0, null);
      }).thenStop();
    }
    busy = true;
    var expected = new DeleteRecheck.Expected(state.remotePath(), state.bytes(), state.sha256(),
        setup.sourceOf(file), file.size(), file.mtimeMillis());
    Trash trash = setup.trash();
    Instant now = Instant.ofEpochMilli(setup.now());
    String interruptedMove = state.rechecked() ? state.trashPath() : null;
    context.pipeToSelf(blocking(() -> {
      if (interruptedMove != null
          && Trash.holdsMovedFile(setup.sourceOf(file), Path.of(interruptedMove), state.sha256())) {
        return new Trashed(interruptedMove, true);
      }
      DeleteRecheck.Result result = DeleteRecheck.run(setup.target(), expected);
      String planned = result.outcome() == RecheckOutcome.OK
          ? trash.plan(file.relativePath(), now).toString() : null;
      return new RecheckFinished(result, planned);
    }), (result, error) -> result != null ? result : new RecheckFailed(classified(error)));
    return Effect().none();
  }

  private Effect<FileEvent, FileState> onExecuteEarlyDelete(FileState state, ExecuteEarlyDelete early) {
    if (busy || state.status() != Status.PENDING_DELETE || state.deleteDueAtMillis() <= setup.now()) {
      return onExecuteDelete(state, ExecuteDelete.INSTANCE);
    }
    context.getLog().warn("[{}] delete brought forward: {}", file.relativePath(), early.reason());
    return Effect().persist(new DeleteAdvanced(state.deleteDueAtMillis(), setup.now(), early.reason()))
        .thenRun(s -> context.getSelf().tell(ExecuteDelete.INSTANCE));
  }

  private Effect<FileEvent, FileState> onRecheckFinished(FileState state, RecheckFinished finished) {
    DeleteRecheck.Result r = finished.result();
    boolean ok = r.outcome() == RecheckOutcome.OK;
    DeleteRechecked rechecked = new DeleteRechecked(ok, r.outcome(), r.remoteSha256(), r.message());
    if (ok) {
      return Effect().persist(List.of(rechecked, new MovingToTrash(finished.trashPath())))
          .thenRun(s -> startTrashMove(Path.of(finished.trashPath()), r.local()));
    }
    busy = false;
    return Effect().persist(rechecked).thenRun(s -> {
      context.getLog().error("[{}] NOT deleted: recheck before delete failed: {}{}", file.relativePath(), r.message(),
          s.status() == Status.DISCOVERED ? "; the file is transferred again" : "");
      report(s, 0, r.message());
    }).thenStop();
  }

  private Effect<FileEvent, FileState> onRecheckFailed(FileState state, RecheckFailed failed) {
    context.getLog().warn("[{}] delete postponed, the copies could not be rechecked: {}", file.relativePath(),
        failed.error().getMessage());
    return postponeDelete(state, failed.error().getMessage(), failed.error().kind());
  }

  /** Nothing journaled: the file stays due and asks to be woken after the initial retry delay. */
  private Effect<FileEvent, FileState> postponeDelete(FileState state, String message, ErrorKind kind) {
    busy = false;
    supervisor.tell(new Report(file, state.status(), setup.now() + setup.retry().initial().toMillis(), 0, message,
        kind));
    return Effect().stop();
  }

  private void startTrashMove(Path trashPath, LocalIdentity rechecked) {
    Path source = setup.sourceOf(file);
    context.pipeToSelf(blocking(() -> {
      Trash.moveChecked(source, trashPath, rechecked);
      return trashPath.toString();
    }), (path, error) -> path != null ? new Trashed(path, false) : new TrashFailed(String.valueOf(Blocking.cause(error))));
  }

  private Effect<FileEvent, FileState> onTrashed(FileState state, Trashed trashed) {
    busy = false;
    return Effect().persist(new SourceDeleted("trash", trashed.trashPath())).thenRun(s -> {
      context.getLog().info("[{}] local copy {} trash {}", file.relativePath(),
          trashed.recovered() ? "was found (moved before a crash) in the" : "moved to", trashed.trashPath());
      report(s, 0, null);
    }).thenStop();
  }

  private Effect<FileEvent, FileState> onTrashFailed(FileState state, TrashFailed failed) {
    context.getLog().error("[{}] could not move the local copy to the trash {}: {}; check that folder's "
        + "permissions and free space. Retrying later.", file.relativePath(), setup.trash().dir(), failed.message());
    return postponeDelete(state, failed.message(), null);
  }

  // --- operator ---

  private Effect<FileEvent, FileState> onRelease(FileState state, Release release) {
    if (busy) {
      // a copy, recheck or purge is under way: it goes on, this entity keeps running to finish it
      release.replyTo().tell(new ReleaseOutcome(file.relativePath(), false, "it is being worked on"));
      return Effect().none();
    }
    // a superseded file costs one stat of its source, on the actor: an operator's rare command
    String whyNot = Releases.whyNot(state, setup.sourceOf(file));
    if (whyNot != null) {
      release.replyTo().tell(new ReleaseOutcome(file.relativePath(), false, whyNot));
      return rest(state);
    }
    return Effect().persist(new Released(release.reason(), release.by(), state.status())).thenRun(s -> {
      context.getLog().info("[{}] released by {} ({}): it was {} ({}); transferred again", file.relativePath(),
          release.by(), release.reason(), state.status(), state.lastError());
      release.replyTo().tell(new ReleaseOutcome(file.relativePath(), true, "released; it was " + state.status()));
      report(s, 0, null);
    }).thenStop();
  }

  // --- retention ---

  private Effect<FileEvent, FileState> onPurgeRemote(FileState state, PurgeRemote purge) {
    boolean delivered = state.status() == Status.DELETED && state.remotePath() != null;
    boolean foreign = state.status() == Status.NEW && purge.remotePath() != null;
    if (busy || !(delivered || foreign)) {
      return rest(state); // only copies whose local file is gone (or was never ours) are ever purged
    }
    busy = true;
    Purged purged = delivered ? new Purged(state.remotePath(), state.bytes(), purge.reason())
        : new Purged(purge.remotePath(), purge.bytes(), purge.reason());
    context.pipeToSelf(blocking(() -> {
      TargetPaths.requireRegularFile(setup.target(), purged.remotePath()); // never a link, never through one
      setup.target().delete(purged.remotePath());
      return purged;
    }), (done, error) -> done != null ? done : new PurgeFailed(classified(error)));
    return Effect().none();
  }

  private Effect<FileEvent, FileState> onPurged(FileState state, Purged purged) {
    busy = false;
    return Effect().persist(new RemoteCopyPurged(purged.remotePath(), purged.bytes(), purged.reason())).thenRun(s -> {
      context.getLog().info("[{}] target copy {} removed by retention: {}", file.relativePath(), purged.remotePath(),
          purged.reason());
      report(s, 0, null);
    }).thenStop();
  }

  private Effect<FileEvent, FileState> onPurgeFailed(FileState state, PurgeFailed failed) {
    busy = false;
    context.getLog().warn("[{}] retention did not remove the target copy: {}", file.relativePath(),
        failed.error().getMessage());
    return rest(state);
  }

  // --- helpers ---

  private Effect<FileEvent, FileState> rest(FileState state) {
    report(state, 0, null);
    return Effect().stop();
  }

  private void report(FileState state, long bytesSent, String message) {
    report(state, bytesSent, message, null);
  }

  private void report(FileState state, long bytesSent, String message, ErrorKind errorKind) {
    Long wakeAt = switch (state.status()) {
      case DISCOVERED -> state.retryAtMillis() == null ? setup.now() : state.retryAtMillis();
      case PENDING_DELETE -> state.deleteDueAtMillis();
      default -> null;
    };
    supervisor.tell(new Report(file, state.status(), wakeAt, bytesSent, message, errorKind));
  }

  private <T> CompletableFuture<T> blocking(Blocking.Work<T> work) {
    return Blocking.supply(setup.blocking(), work);
  }

  /** Anything the target did not classify (a bug, a runtime error of a library) is retried. */
  private TargetException classified(Throwable error) {
    Throwable cause = Blocking.cause(error);
    return cause instanceof TargetException te ? te
        : new TargetException(ErrorKind.TRANSIENT, file.relativePath() + ": unexpected " + cause, cause);
  }
}
