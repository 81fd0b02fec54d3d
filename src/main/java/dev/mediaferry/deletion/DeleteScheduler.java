package dev.mediaferry.deletion;

import dev.mediaferry.concurrent.Blocking;
import dev.mediaferry.concurrent.WallClock;
import dev.mediaferry.transfer.FileInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Holds one timer per verified file waiting for its delete time, and tells the owner when
 * a delete is due; the delete itself (recheck, trash) is the file's own work. A second
 * timer purges trash folders past their retention.
 */
public final class DeleteScheduler {

  public sealed interface Command {}

  /** Schedule (or reschedule) the delete of a file at dueAt. */
  public record Schedule(FileInfo file, long dueAtMillis) implements Command {}

  /** Bring every scheduled delete forward (the dock's disk is critically full). */
  public record AllDueNow(String reason) implements Command {}

  /** Sent to the owner when a file's delete is due; earlyReason is set when it was brought forward. */
  public record DeleteDue(FileInfo file, String earlyReason) {}

  private record Due(FileInfo file) implements Command {}

  private enum PurgeTick implements Command { INSTANCE }

  private record Purged(List<String> folders, String error) implements Command {}

  public static Behavior<Command> create(ActorRef<DeleteDue> owner, Trash trash, Duration retention,
      Duration purgeEvery, Executor blocking, Clock clock) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(PurgeTick.INSTANCE, Duration.ZERO, purgeEvery);
      return new DeleteScheduler(context, timers, owner, trash, retention, blocking, clock).behavior();
    }));
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ActorRef<DeleteDue> owner;
  private final Trash trash;
  private final Duration retention;
  private final Executor blocking;
  private final Clock clock;
  /** Files with a delete timer, so they can be brought forward. */
  private final java.util.Map<String, FileInfo> scheduled = new java.util.HashMap<>();

  private DeleteScheduler(ActorContext<Command> context, TimerScheduler<Command> timers, ActorRef<DeleteDue> owner,
      Trash trash, Duration retention, Executor blocking, Clock clock) {
    this.context = context;
    this.timers = timers;
    this.owner = owner;
    this.trash = trash;
    this.retention = retention;
    this.blocking = blocking;
    this.clock = clock;
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Schedule.class, this::onSchedule)
        .onMessage(Due.class, due -> {
          scheduled.remove(due.file().fileId());
          owner.tell(new DeleteDue(due.file(), null));
          return Behaviors.same();
        })
        .onMessage(AllDueNow.class, this::onAllDueNow)
        .onMessageEquals(PurgeTick.INSTANCE, this::onPurgeTick)
        .onMessage(Purged.class, this::onPurged)
        .build();
  }

  private Behavior<Command> onSchedule(Schedule schedule) {
    long delay = Math.max(0, schedule.dueAtMillis() - clock.millis());
    // keyed by file, so a reschedule replaces the earlier timer
    timers.startSingleTimer(schedule.file().fileId(), new Due(schedule.file()), Duration.ofMillis(delay));
    scheduled.put(schedule.file().fileId(), schedule.file());
    return Behaviors.same();
  }

  private Behavior<Command> onAllDueNow(AllDueNow now) {
    if (!scheduled.isEmpty()) {
      context.getLog().warn("{} deletes brought forward: {}", scheduled.size(), now.reason());
    }
    scheduled.values().forEach(file -> {
      timers.cancel(file.fileId());
      owner.tell(new DeleteDue(file, now.reason()));
    });
    scheduled.clear();
    return Behaviors.same();
  }

  private Behavior<Command> onPurgeTick() {
    Instant now = clock.instant();
    if (!WallClock.isSet(now.toEpochMilli())) {
      context.getLog().warn("trash not purged: {}", WallClock.notSet(now.toEpochMilli()));
      return Behaviors.same();
    }
    context.pipeToSelf(Blocking.supply(blocking, () -> trash.purge(retention, now).stream().map(Object::toString)
            .toList()),
        (folders, error) -> new Purged(folders == null ? List.of() : folders,
            error == null ? null : String.valueOf(Blocking.cause(error))));
    return Behaviors.same();
  }

  private Behavior<Command> onPurged(Purged purged) {
    purged.folders().forEach(f -> context.getLog().info("trash folder {} purged (older than {})", f, retention));
    if (purged.error() != null) {
      context.getLog().error("trash purge failed: {}; check the permissions of the trash folder", purged.error());
    }
    return Behaviors.same();
  }
}
