package dev.mediaferry.transfer;

import dev.mediaferry.file.FileInfo;
import dev.mediaferry.file.FileState;
import dev.mediaferry.file.FileState.Status;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * When the supervisor next wakes each file: at once (queued in the {@link Workload}), at its
 * retry time, at its delete time, or never (at rest). A file waiting for a time has its own
 * timer, keyed by its id, so a reschedule replaces it; the books say which wait it is.
 */
final class WakeUps {
  private final TimerScheduler<TransferSupervisor.Command> timers;
  private final Workload work;
  private final LongSupplier now;
  private final boolean deleteAfterSync;

  WakeUps(TimerScheduler<TransferSupervisor.Command> timers, Workload work, LongSupplier now,
      boolean deleteAfterSync) {
    this.timers = timers;
    this.work = work;
    this.now = now;
    this.deleteAfterSync = deleteAfterSync;
  }

  /** A found file, by what the index knows of it (null: nothing): unknown or unfinished ones are transferred. */
  void found(FileInfo file, FileState state) {
    switch (state == null ? Status.NEW : state.status()) {
      case NEW, TRANSFERRING -> work.queue(file);
      case DISCOVERED -> retryAt(file, state.retryAtMillis());
      case VERIFIED -> {
        if (deleteAfterSync) {
          work.queue(file); // the entity schedules its delete
        }
      }
      case PENDING_DELETE -> deleteAt(file, state.deleteDueAtMillis());
      // a scan found a file with the id of a finished one: the entity starts a new generation
      case DELETED, SUPERSEDED, PURGED -> work.queue(file);
      default -> { } // quarantined: at rest until the operator acts
    }
  }

  /** A file whose entity reported where it rests; wakeAt is its retry or delete time. */
  void rested(FileInfo file, Status status, Long wakeAt) {
    timers.cancel(file.fileId());
    switch (status) {
      case DISCOVERED, TRANSFERRING -> retryAt(file, wakeAt);
      case PENDING_DELETE -> deleteAt(file, wakeAt);
      default -> { }
    }
  }

  void retryAt(FileInfo file, Long wakeAt) {
    long delay = wakeAt == null ? 0 : Math.max(0, wakeAt - now.getAsLong());
    work.waitForRetry(file);
    timers.startSingleTimer(file.fileId(), new TransferSupervisor.RetryIsDue(file), Duration.ofMillis(delay));
  }

  /** A delete already due is queued at once; a later one waits on its own timer (a reschedule replaces it). */
  void deleteAt(FileInfo file, long dueAt) {
    long delay = dueAt - now.getAsLong();
    if (delay <= 0) {
      timers.cancel(deleteTimer(file));
      work.deleteDue(file, null);
    } else {
      work.deleteScheduled(file);
      timers.startSingleTimer(deleteTimer(file), new TransferSupervisor.DeleteIsDue(file), Duration.ofMillis(delay));
    }
  }

  /** Every delete waiting for its time is due now, with the reason; returns those brought forward. */
  List<FileInfo> allDeletesNow(String reason) {
    List<FileInfo> brought = work.allDeletesDueNow(reason);
    brought.forEach(file -> timers.cancel(deleteTimer(file)));
    return brought;
  }

  private static String deleteTimer(FileInfo file) {
    return "delete-" + file.fileId();
  }
}
