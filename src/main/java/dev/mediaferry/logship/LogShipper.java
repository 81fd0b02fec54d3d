package dev.mediaferry.logship;

import dev.mediaferry.concurrent.Blocking;
import dev.mediaferry.config.Settings;
import dev.mediaferry.observe.Alert;
import dev.mediaferry.observe.AlertManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The log shipper in the daemon: every poll-interval one cycle of the {@link Shipper} on the
 * blocking executor (never two at once). A failed upload waits with exponential backoff and
 * jitter (or the server's Retry-After), with no limit on attempts; a refused key stops uploads
 * (reading goes on until the queue is full) with a critical alert, and is tried again every
 * retry.max, so a key fixed in its file is picked up without a restart.
 */
public final class LogShipper {
  static final String DELIVERY_FAILING = "logship-delivery-failing";
  static final String REFUSED = "logship-refused";
  static final String QUEUE_FULL = "logship-queue-full";
  /** Consecutive failed uploads before the warning: one lost answer is not worth an alert. */
  private static final int FAILURES_BEFORE_ALERT = 3;

  public sealed interface Command {}

  private enum Tick implements Command { INSTANCE }

  private record Cycled(Shipper.Cycle cycle, Throwable error) implements Command {}

  public static Behavior<Command> create(Shipper shipper, Settings.Logship settings,
      ActorRef<AlertManager.Command> alerts, Executor blocking, Clock clock, Consumer<Shipper.Figures> figures) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ZERO, settings.pollInterval());
      return new LogShipper(context, shipper, settings, alerts, blocking, clock, figures).idle();
    }));
  }

  private final ActorContext<Command> context;
  private final Shipper shipper;
  private final Settings.Logship settings;
  private final ActorRef<AlertManager.Command> alerts;
  private final Executor blocking;
  private final Clock clock;
  private final Consumer<Shipper.Figures> figures;
  private Instant uploadAfter = Instant.MIN;
  private int failures;
  private String lastError;

  private LogShipper(ActorContext<Command> context, Shipper shipper, Settings.Logship settings,
      ActorRef<AlertManager.Command> alerts, Executor blocking, Clock clock, Consumer<Shipper.Figures> figures) {
    this.context = context;
    this.shipper = shipper;
    this.settings = settings;
    this.alerts = alerts;
    this.blocking = blocking;
    this.clock = clock;
    this.figures = figures;
  }

  private Behavior<Command> idle() {
    return Behaviors.receive(Command.class)
        .onMessageEquals(Tick.INSTANCE, this::startCycle)
        .onMessage(Cycled.class, this::onCycled)
        .build();
  }

  /** A cycle runs: ticks meanwhile are dropped (a hanging server never piles up cycles). */
  private Behavior<Command> cycling() {
    return Behaviors.receive(Command.class)
        .onMessageEquals(Tick.INSTANCE, Behaviors::same)
        .onMessage(Cycled.class, this::onCycled)
        .build();
  }

  private Behavior<Command> startCycle() {
    boolean upload = !clock.instant().isBefore(uploadAfter);
    context.pipeToSelf(Blocking.supply(blocking, () -> shipper.cycle(upload, false)), Cycled::new);
    return cycling();
  }

  private Behavior<Command> onCycled(Cycled cycled) {
    if (cycled.error() != null) {
      String error = String.valueOf(Blocking.cause(cycled.error()));
      if (!error.equals(lastError)) {
        context.getLog().error("log shipper: {} (journal {}); tried again every {}", error, shipper.journalFile(),
            settings.pollInterval());
      }
      lastError = error;
      return idle();
    }
    lastError = null;
    Shipper.Cycle cycle = cycled.cycle();
    figures.accept(cycle.figures());
    onQueue(cycle.queueFull());
    if (!cycle.uploaded()) {
      return idle(); // waiting for the retry: says nothing about the endpoint
    }
    if (cycle.failure() == null) {
      delivered();
      if (cycle.linesRead() > 0 || cycle.batchesSent() > 0) {
        context.getSelf().tell(Tick.INSTANCE); // more may be waiting: go on now, not at the next tick
      }
    } else if (cycle.failure() instanceof BatchSender.Refused refused) {
      refused(refused);
    } else if (cycle.failure() instanceof BatchSender.RetryLater retry) {
      retryLater(retry);
    }
    return idle();
  }

  private void delivered() {
    if (failures > 0) {
      context.getLog().info("log shipper: uploads to {} work again", settings.endpoint());
      alerts.tell(new AlertManager.Clear(DELIVERY_FAILING, "log shipper uploads work again"));
      alerts.tell(new AlertManager.Clear(REFUSED, "the log shipper's endpoint takes its batches again"));
    }
    failures = 0;
  }

  private void refused(BatchSender.Refused refused) {
    failures++;
    uploadAfter = clock.instant().plus(settings.retryMax());
    context.getLog().error("log shipper: {}; uploads paused, tried again in {}", refused.why(), settings.retryMax());
    alerts.tell(new AlertManager.Raise(REFUSED, Alert.Severity.CRITICAL, "log shipper: " + refused.why()));
  }

  private void retryLater(BatchSender.RetryLater retry) {
    failures++;
    Duration wait = retry.retryAfter() != null ? retry.retryAfter() : backoff(failures);
    uploadAfter = clock.instant().plus(wait);
    context.getLog().warn("log shipper: {}; upload retried in {} s (attempt {})", retry.why(), wait.toSeconds(),
        failures + 1);
    if (failures >= FAILURES_BEFORE_ALERT) {
      alerts.tell(new AlertManager.Raise(DELIVERY_FAILING, Alert.Severity.WARNING, "log shipper: " + failures
          + " uploads in a row failed, the last: " + retry.why() + "; lines wait in the journal, nothing is dropped"));
    }
  }

  private void onQueue(boolean full) {
    if (full) {
      alerts.tell(new AlertManager.Raise(QUEUE_FULL, Alert.Severity.WARNING, "log shipper: "
          + settings.queueMaxItems() + " items wait to be uploaded (queue.max-items); reading paused until they are"));
    } else {
      alerts.tell(new AlertManager.Clear(QUEUE_FULL, "log shipper: reading goes on"));
    }
  }

  /** initial doubled per failure up to max, with full jitter in its upper half. */
  Duration backoff(int attempt) {
    return backoff(settings.retryInitial(), settings.retryMax(), attempt);
  }

  public static Duration backoff(Duration initial, Duration max, int attempt) {
    long ceiling = Math.min(max.toMillis(), initial.toMillis() << Math.min(attempt - 1, 30));
    return Duration.ofMillis(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
  }
}
