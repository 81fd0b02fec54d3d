package dev.mediaferry.storage;

import dev.mediaferry.concurrent.Blocking;
import dev.mediaferry.concurrent.WallClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Runs {@link LeftoverTemps} on a timer: the temp files of uploads whose generation ended
 * while the target was unreachable are removed once it answers again. One sweep at a time
 * (a hung NAS must not collect a queue of them); never while the wall clock is unset.
 */
public final class LeftoverTempSweep {
  /** The first sweep waits until start-up's own work (taking up attempts) is done. */
  public static final Duration FIRST_AFTER = Duration.ofMinutes(1);
  public static final Duration EVERY = Duration.ofHours(1);

  public sealed interface Command {}

  private enum Tick implements Command { INSTANCE }

  private record Done(LeftoverTemps.Swept swept, String error) implements Command {}

  public static Behavior<Command> create(LeftoverTemps leftovers, Executor blocking, Clock clock, Duration firstAfter,
      Duration every) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, firstAfter, every);
      return new LeftoverTempSweep(context, leftovers, blocking, clock, every).idle();
    }));
  }

  private final ActorContext<Command> context;
  private final LeftoverTemps leftovers;
  private final Executor blocking;
  private final Clock clock;
  private final Duration every;

  private LeftoverTempSweep(ActorContext<Command> context, LeftoverTemps leftovers, Executor blocking, Clock clock,
      Duration every) {
    this.every = every;
    this.context = context;
    this.leftovers = leftovers;
    this.blocking = blocking;
    this.clock = clock;
  }

  private Behavior<Command> idle() {
    return Behaviors.receive(Command.class)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessage(Done.class, this::onDone)
        .build();
  }

  private Behavior<Command> sweeping() {
    return Behaviors.receive(Command.class)
        .onMessageEquals(Tick.INSTANCE, Behaviors::same)
        .onMessage(Done.class, this::onDone)
        .build();
  }

  private Behavior<Command> onTick() {
    Instant now = clock.instant();
    if (!WallClock.isSet(now.toEpochMilli())) {
      context.getLog().warn("leftover temp files not swept: {}", WallClock.notSet(now.toEpochMilli()));
      return Behaviors.same();
    }
    context.pipeToSelf(Blocking.supply(blocking, () -> leftovers.sweep(now)),
        (swept, error) -> new Done(swept, error == null ? null : String.valueOf(Blocking.cause(error))));
    return sweeping();
  }

  private Behavior<Command> onDone(Done done) {
    if (done.error() != null) {
      context.getLog().warn("leftover temp files not swept: {}", done.error());
    } else if (done.swept().error() != null) {
      context.getLog().warn("leftover temp files: sweep stopped after {} files, {} removed: {}; the next sweep "
          + "(in {}) tries again", done.swept().looked(), done.swept().removed().size(), done.swept().error(), every);
    }
    return idle();
  }
}
