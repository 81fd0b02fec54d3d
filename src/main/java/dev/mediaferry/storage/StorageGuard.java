package dev.mediaferry.storage;

import dev.mediaferry.concurrent.Blocking;
import dev.mediaferry.config.Settings;
import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.file.FileInfo;
import dev.mediaferry.journal.FileIndex;
import dev.mediaferry.observe.Alert;
import dev.mediaferry.observe.AlertManager;
import dev.mediaferry.observe.Metrics;
import dev.mediaferry.targets.Space;
import dev.mediaferry.targets.Target;
import dev.mediaferry.targets.TargetException;
import dev.mediaferry.transfer.TransferSupervisor;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Measures, on a timer, the target's free space (handed to the supervisor, which holds
 * transfers back at the reserve) and the dock's disk (alerts at warn and critical percent).
 */
public final class StorageGuard {

  public sealed interface Command {}

  private enum Check implements Command { INSTANCE }

  /** reachable: the target answered (even if it could not tell its free space or is the wrong one). */
  private record Checked(Space target, String targetError, boolean reachable, Space dock, String dockError,
      String identityProblem) implements Command {}

  private record Planned(List<RetentionPlan.Candidate> chosen, long shortfall, String error) implements Command {}

  public static Behavior<Command> create(Target target, Path sourceDir, Settings.Storage settings,
      ActorRef<TransferSupervisor.Command> supervisor, ActorRef<AlertManager.Command> alerts, Executor blocking,
      FileIndex index, Clock clock, Metrics metrics) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Check.INSTANCE, java.time.Duration.ZERO, settings.checkInterval());
      return new StorageGuard(context, target, sourceDir, settings, supervisor, alerts, blocking, index, clock,
          metrics).behavior();
    }));
  }

  private final ActorContext<Command> context;
  private final Target target;
  private final Path sourceDir;
  private final Settings.Storage settings;
  private final ActorRef<TransferSupervisor.Command> supervisor;
  private final ActorRef<AlertManager.Command> alerts;
  private final Executor blocking;
  private final FileIndex index;
  private final Clock clock;
  private final Metrics metrics;
  /** Files whose purge was asked for and not yet seen done: not chosen twice. */
  private final Set<String> purging = new HashSet<>();
  private String lastTargetError;
  /** The last measurement could not reach the target (not merely: it cannot tell its free space). */
  private boolean unreachable;
  /** A measurement (or a retention plan) is under way: a hung NAS must not get a second one each interval. */
  private boolean measuring;
  private boolean planning;
  private int skippedChecks;

  private StorageGuard(ActorContext<Command> context, Target target, Path sourceDir, Settings.Storage settings,
      ActorRef<TransferSupervisor.Command> supervisor, ActorRef<AlertManager.Command> alerts, Executor blocking,
      FileIndex index, Clock clock, Metrics metrics) {
    this.metrics = metrics;
    this.index = index;
    this.clock = clock;
    this.context = context;
    this.target = target;
    this.sourceDir = sourceDir;
    this.settings = settings;
    this.supervisor = supervisor;
    this.alerts = alerts;
    this.blocking = blocking;
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessageEquals(Check.INSTANCE, this::onCheck)
        .onMessage(Checked.class, this::onChecked)
        .onMessage(Planned.class, this::onPlanned)
        .build();
  }

  private Behavior<Command> onCheck() {
    if (measuring) {
      skippedChecks++;
      if (skippedChecks == 1) {
        context.getLog().warn("the last free-space measurement of {} is still running; no new one starts until it "
            + "ends (each remote call ends at mediaferry.target.sftp.idle-timeout)", target.describe());
      }
      return Behaviors.same();
    }
    measuring = true;
    skippedChecks = 0;
    context.pipeToSelf(CompletableFuture.supplyAsync(this::measure, blocking),
        (checked, error) -> checked != null ? checked : new Checked(null, String.valueOf(error), false, null, null, null));
    return Behaviors.same();
  }

  /** Blocking: the target's identity, df on the NAS (or statvfs locally) and the dock's filesystem. */
  private Checked measure() {
    Space targetSpace = null;
    String targetError = null;
    String identityProblem = null;
    boolean reachable = true;
    try {
      target.checkIdentity(); // an unmounted share's free space would be the dock's own
      targetSpace = target.space("").orElse(null);
      targetError = targetSpace == null ? "the target cannot report its free space (no df on the NAS)" : null;
    } catch (TargetException e) {
      if (e.kind() == ErrorKind.WRONG_TARGET) {
        identityProblem = e.getMessage();
      }
      // refused, timed out, or no login (a changed host key, a rejected key): nothing can be sent
      reachable = e.kind() != ErrorKind.TRANSIENT && e.kind() != ErrorKind.PERMANENT;
      targetError = e.getMessage();
    } catch (IOException e) {
      reachable = false;
      targetError = e.getMessage();
    }
    Space dock = null;
    String dockError = null;
    try {
      FileStore store = Files.getFileStore(sourceDir);
      dock = new Space(store.getUsableSpace(), store.getTotalSpace());
    } catch (IOException e) {
      dockError = e.toString();
    }
    return new Checked(targetSpace, targetError, reachable, dock, dockError, identityProblem);
  }

  private Behavior<Command> onChecked(Checked checked) {
    measuring = false;
    reachability(checked);
    if (checked.identityProblem() != null) {
      // a measured space below says the marker was found: that is what resumes the supervisor
      supervisor.tell(new TransferSupervisor.TargetIdentityChecked(checked.identityProblem()));
    }
    if (checked.target() != null) {
      metrics.targetSpace(checked.target().freeBytes(), checked.target().totalBytes());
      supervisor.tell(new TransferSupervisor.TargetSpace(checked.target()));
      lastTargetError = null;
      long shortfall = Retention.shortfall(checked.target(), settings);
      if (settings.retention().enabled() && shortfall > 0 && !planning) {
        planning = true;
        Instant now = clock.instant();
        context.pipeToSelf(Blocking.supply(blocking, () -> Retention.plan(index, target, settings, shortfall, now)),
            (chosen, error) -> new Planned(chosen == null ? List.of() : chosen, shortfall,
                error == null ? null : String.valueOf(Blocking.cause(error))));
      }
    } else if (!String.valueOf(checked.targetError()).equals(lastTargetError)) {
      supervisor.tell(new TransferSupervisor.TargetSpace(null)); // unknown: the reserve cannot hold files back
      lastTargetError = String.valueOf(checked.targetError());
      context.getLog().warn("free space of {} unknown ({}); the reserve is checked again at the next check",
          target.describe(), checked.targetError());
    }
    if (checked.dock() != null) {
      metrics.dockSpace(checked.dock().freeBytes(), checked.dock().totalBytes());
      dockPressure(checked.dock());
    } else {
      context.getLog().warn("cannot read the dock's disk space at {}: {}", sourceDir, checked.dockError());
    }
    return Behaviors.same();
  }

  /** A critical alert while the target cannot be reached (health: critical), cleared when it answers again. */
  private void reachability(Checked checked) {
    if (!checked.reachable()) {
      unreachable = true;
      alerts.tell(new AlertManager.Raise("target-unreachable", Alert.Severity.CRITICAL, target.describe()
          + " cannot be reached: " + checked.targetError() + "; files wait and are retried (see docs/operations.md, "
          + "NAS unreachable)"));
    } else if (unreachable) {
      unreachable = false;
      alerts.tell(new AlertManager.Clear("target-unreachable", target.describe() + " answers again"));
    }
  }

  /** Asks each chosen file to remove its target copy (the file journals it). */
  private Behavior<Command> onPlanned(Planned planned) {
    planning = false;
    if (planned.error() != null) {
      context.getLog().error("retention could not read the file index: {}", planned.error());
      return Behaviors.same();
    }
    Set<String> chosenIds = new HashSet<>();
    planned.chosen().forEach(c -> chosenIds.add(c.fileId()));
    purging.retainAll(chosenIds); // the others are done (or no longer chosen)
    long bytes = 0;
    for (RetentionPlan.Candidate c : planned.chosen()) {
      bytes += c.bytes();
      if (purging.add(c.fileId())) {
        supervisor.tell(new TransferSupervisor.PurgeRemote(FileInfo.of(c.relativePath(), 0, 0).withId(c.fileId()),
            c.remotePath(), c.bytes(),
            String.format("target %,d bytes below its reserve; delivered %s", planned.shortfall(), c.deliveredAt())));
      }
    }
    if (!planned.chosen().isEmpty()) {
      context.getLog().warn("retention: removing {} delivered files ({} bytes) from {} to restore the reserve",
          planned.chosen().size(), bytes, target.describe());
    } else {
      context.getLog().warn("retention: the target is {} bytes below its reserve and no delivered file is old "
          + "enough (keep-days {}) or matches the include globs", planned.shortfall(), settings.retention().keepDays());
    }
    return Behaviors.same();
  }

  private void dockPressure(Space dock) {
    double used = dock.usedPercent();
    String message = String.format("dock disk holding %s is %.0f%% full (%,d bytes free)", sourceDir, used,
        dock.freeBytes());
    if (used >= settings.criticalPercent()) {
      if (settings.shortenDeleteDelay()) {
        supervisor.tell(new TransferSupervisor.DockCritical(message + " (storage.local.shorten-delete-delay)"));
      }
      alerts.tell(new AlertManager.Raise("dock-disk", Alert.Severity.CRITICAL, message
          + "; new flights may not fit: check that offloading runs and deletes"));
    } else if (used >= settings.warnPercent()) {
      alerts.tell(new AlertManager.Raise("dock-disk", Alert.Severity.WARNING, message));
    } else {
      alerts.tell(new AlertManager.Clear("dock-disk", message));
    }
  }
}
