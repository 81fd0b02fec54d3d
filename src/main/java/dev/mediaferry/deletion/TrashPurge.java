package dev.mediaferry.deletion;

import dev.mediaferry.concurrent.Blocking;
import dev.mediaferry.concurrent.WallClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Empties, on a timer, the trash folders older than mediaferry.delete.trash-retention: the
 * last step of a local copy's life (the file's own entity moved it there after the recheck).
 * Never while the wall clock is unset: every folder would look either new or ancient.
 */
public final class TrashPurge {

  public sealed interface Command {}

  private enum PurgeTick implements Command { INSTANCE }

  private record Purged(List<String> folders, String error) implements Command {}

  public static Behavior<Command> create(Trash trash, Duration retention, Duration purgeEvery, Executor blocking,
      Clock clock) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(PurgeTick.INSTANCE, Duration.ZERO, purgeEvery);
      return new TrashPurge(context, trash, retention, blocking, clock).behavior();
    }));
  }

  private final ActorContext<Command> context;
  private final Trash trash;
  private final Duration retention;
  private final Executor blocking;
  private final Clock clock;

  private TrashPurge(ActorContext<Command> context, Trash trash, Duration retention, Executor blocking, Clock clock) {
    this.context = context;
    this.trash = trash;
    this.retention = retention;
    this.blocking = blocking;
    this.clock = clock;
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessageEquals(PurgeTick.INSTANCE, this::onPurgeTick)
        .onMessage(Purged.class, this::onPurged)
        .build();
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
