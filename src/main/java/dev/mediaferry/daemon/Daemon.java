package dev.mediaferry.daemon;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.mediaferry.config.Bandwidth;
import dev.mediaferry.config.Settings;
import dev.mediaferry.deletion.TrashPurge;
import dev.mediaferry.discovery.DirectoryScanner;
import dev.mediaferry.discovery.SourceScan;
import dev.mediaferry.dock.DockPoller;
import dev.mediaferry.dock.DockStatusProjection;
import dev.mediaferry.dock.DockTable;
import dev.mediaferry.http.DaemonView;
import dev.mediaferry.http.OperatorEndpoints;
import dev.mediaferry.journal.FileIndex;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.journal.JournalProjection;
import dev.mediaferry.journal.Projection;
import dev.mediaferry.logship.LogShipper;
import dev.mediaferry.logship.Shipper;
import dev.mediaferry.observe.AlertManager;
import dev.mediaferry.observe.AlertSink;
import dev.mediaferry.observe.LogSink;
import dev.mediaferry.observe.LogshipFigures;
import dev.mediaferry.observe.Metrics;
import dev.mediaferry.observe.StateChangeLog;
import dev.mediaferry.observe.Telemetry;
import dev.mediaferry.observe.WebhookSink;
import dev.mediaferry.storage.LeftoverTempSweep;
import dev.mediaferry.storage.LeftoverTemps;
import dev.mediaferry.storage.StorageGuard;
import dev.mediaferry.targets.Target;
import dev.mediaferry.targets.TargetIdentity;
import dev.mediaferry.targets.ThrottledTarget;
import dev.mediaferry.targets.all.Targets;
import dev.mediaferry.transfer.RunSummary;
import dev.mediaferry.transfer.ShutdownSignal;
import dev.mediaferry.transfer.TransferSetup;
import dev.mediaferry.transfer.TransferSupervisor;
import java.io.IOException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.UniqueKillSwitch;

/**
 * The actor system of one daemon: scanner → supervisor (→ file transfers), storage guard,
 * trash purge, and the graceful shutdown that drains transfers in flight. The caller holds
 * the instance lock and has prepared the journal.
 */
public final class Daemon {
  /** Time copies get, after the grace period, to notice the cancel and remove their temp files. */
  private static final Duration ABANDON_WAIT = Duration.ofSeconds(10);

  /** How long stop() waits for the closing of the target (a NAS may not take the goodbye), journal and endpoints. */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

  private final ActorSystem<?> system;
  private final CompletableFuture<RunSummary> onceSummary;
  private final CompletableFuture<Done> closed;

  private Daemon(ActorSystem<?> system, CompletableFuture<RunSummary> onceSummary, CompletableFuture<Done> closed) {
    this.system = system;
    this.onceSummary = onceSummary;
    this.closed = closed;
  }

  /** Starts the daemon; with once, it takes the files present now and completes summary(). */
  public static Daemon start(Settings settings, Target unguarded, boolean once) throws IOException {
    return start(settings, CompletableFuture.completedFuture(unguarded), once);
  }

  /**
   * The same, with the target still being opened (the SSH connection and login take ~0.5 s
   * of a --once run): the actor system, the journal and the file index start meanwhile, and
   * no actor that moves, journals or deletes files starts before the target is open. When
   * opening fails, nothing of the daemon starts; the caller reports the failure and stops it.
   */
  public static Daemon start(Settings settings, CompletableFuture<Target> opening, boolean once) throws IOException {
    CompletableFuture<RunSummary> summary = new CompletableFuture<>();
    TargetIdentity.Record record = JournalDatabase.targetRecord(settings.journalFile(), settings.target().url());
    CompletableFuture<Target> target = opening.thenApply(unguarded ->
        throttled(TargetIdentity.guard(unguarded, record), settings.transfer().bandwidth()));
    DockTable dock = openDock(settings.legacyDb()); // first: a wrong path fails before anything is open
    FileIndex index = FileIndex.open(settings.journalFile());
    Telemetry telemetry = Telemetry.create();
    DaemonView view = new DaemonView(telemetry, index, new DaemonView.About(version(), System.currentTimeMillis(),
        settings.source().dir().toString(), Targets.describe(settings.target()), settings.journalFile().toString()));
    LogshipPart logship = LogshipPart.open(settings, view.metrics(), index, dock);
    OperatorEndpoints endpoints;
    try {
      endpoints = openEndpoints(settings, view, index, dock);
    } catch (IOException | RuntimeException e) {
      if (logship != null) {
        logship.close(); // its lock too: a port in use (exit 2) must not hold the shipper's journal
      }
      throw e;
    }
    ActorSystem<Starting> system = ActorSystem.create(
        guardian(settings, target, index, dock, telemetry, view, logship, once ? summary : null), "mediaferry",
        once ? onceConfig(settings) : pekkoConfig(settings));
    CompletableFuture<Done> closed = new CompletableFuture<>();
    system.getWhenTerminated().thenRun(() -> {
      try {
        if (logship != null) {
          logship.close();
        }
        if (endpoints != null) {
          endpoints.close();
        }
        target.thenAccept(Target::close); // now, or when an open still under way ends
        index.close();
        if (dock != null) {
          dock.close();
        }
      } finally {
        closed.complete(Done.getInstance());
      }
    });
    return new Daemon(system, summary, closed);
  }

  /** All uploads share mediaferry.transfer.bandwidth (and its windows); no wrapper when nothing limits them. */
  private static Target throttled(Target target, Bandwidth bandwidth) {
    if (!bandwidth.limited()) {
      return target;
    }
    ZoneId zone = ZoneId.systemDefault();
    return new ThrottledTarget(target, () -> bandwidth.at(ZonedDateTime.now(zone)).bytesPerSecond());
  }

  /** Listens before the actors start, so /health answers while the file index catches up. */
  private static OperatorEndpoints openEndpoints(Settings settings, DaemonView view, FileIndex index, DockTable dock)
      throws IOException {
    if (!settings.http().enabled()) {
      return null;
    }
    view.metrics().forDaemon(view.about().version(), view::filesByState);
    try {
      return OperatorEndpoints.start(settings, view);
    } catch (IOException | RuntimeException e) {
      index.close();
      if (dock != null) {
        dock.close();
      }
      throw e;
    }
  }

  /** The build's version from the jar's manifest ("dev" when run from classes). */
  public static String version() {
    String version = Daemon.class.getPackage().getImplementationVersion();
    return version != null ? version : "dev";
  }

  private static DockTable openDock(Settings.LegacyDb legacyDb) throws IOException {
    if (!legacyDb.enabled()) {
      return null;
    }
    try {
      return DockTable.open(legacyDb.path(), legacyDb.busyTimeout(), legacyDb.batchSize());
    } catch (java.sql.SQLException e) {
      throw new Settings.Invalid(e.getMessage()); // a path that is not the dock's database: fix the config
    }
  }

  /** The log shipper beside the file pipeline (when enabled): its journal, its lock, its latest figures. */
  private record LogshipPart(Shipper shipper, InstanceLock lock, AtomicReference<LogshipFigures> latest) {

    static LogshipPart open(Settings settings, Metrics metrics, FileIndex index, DockTable dock) throws IOException {
      if (!settings.logship().enabled()) {
        return null;
      }
      InstanceLock lock = null;
      try {
        lock = InstanceLock.acquire(settings.logshipLockFile());
        Shipper shipper = Shipper.open(settings.logship(), settings.stateDir(), java.time.Clock.systemDefaultZone());
        AtomicReference<LogshipFigures> latest = new AtomicReference<>(LogshipFigures.NONE);
        metrics.logship(latest::get);
        return new LogshipPart(shipper, lock, latest);
      } catch (InstanceLock.HeldElsewhere held) {
        closeAll(null, index, dock);
        throw new Settings.Invalid("the log shipper's journal is in use: " + held.getMessage());
      } catch (IOException | RuntimeException e) {
        closeAll(lock, index, dock);
        throw e;
      }
    }

    void close() {
      shipper.close();
      closeAll(lock, null, null);
    }

    private static void closeAll(InstanceLock lock, FileIndex index, DockTable dock) {
      try {
        if (lock != null) {
          lock.close();
        }
      } catch (IOException e) {
        // the OS releases it with the process
      }
      if (index != null) {
        index.close();
      }
      if (dock != null) {
        dock.close();
      }
    }
  }

  /** The Pekko config the daemon (and journal readers) run on: the journal file from state-dir. */
  public static Config pekkoConfig(Settings settings) {
    Duration phase = settings.shutdownGrace().plus(ABANDON_WAIT).plusSeconds(5);
    return JournalDatabase.pekkoConfig(settings.journalFile(), ConfigFactory.empty()
        .withValue("pekko.coordinated-shutdown.phases.service-requests-done.timeout",
            ConfigValueFactory.fromAnyRef(phase.toMillis() + "ms"))
        .withFallback(settings.raw()));
  }

  /**
   * A --once run polls the journal's tag query every 100 ms instead of every 500 ms: its stop
   * waits for the file index to catch up with the run's last events, and the query's
   * finishing pass waits one poll interval (measured: that stop step 0.57 → 0.15 s). A
   * daemon keeps 500 ms: polling five times as often cost it ~1 % of a core while idle.
   */
  static Config onceConfig(Settings settings) {
    return ConfigFactory.parseString("jdbc-read-journal.refresh-interval = 100ms").withFallback(pekkoConfig(settings));
  }

  /** What the guardian waits for before the daemon's actors start. */
  private sealed interface Starting {}

  /** The file index has caught up with the journal (start-up reads it). */
  private record IndexReady(Long applied, Throwable error) implements Starting {}

  /** The target is open (connected and logged in), or could not be opened. */
  private record TargetOpened(Target target, Throwable error) implements Starting {}

  /** Brings the file index up to date while the target opens, then starts the daemon's actors. */
  private static Behavior<Starting> guardian(Settings settings, CompletableFuture<Target> target, FileIndex index,
      DockTable dock, Telemetry telemetry, DaemonView view, LogshipPart logship, CompletableFuture<RunSummary> once) {
    return Behaviors.setup(context -> {
      Executor blocking = context.getSystem().dispatchers()
          .lookup(DispatcherSelector.fromConfig("mediaferry-blocking-dispatcher"));
      context.pipeToSelf(JournalProjection.catchUp(context.getSystem(), index, blocking), IndexReady::new);
      context.pipeToSelf(target, TargetOpened::new);
      return awaitingStart(null, null, (ready, opened) -> startActors(context, ready, settings, opened.target(),
          index, dock, blocking, telemetry, view, logship, once));
    });
  }

  private interface ActorsStart {
    Behavior<Starting> start(IndexReady ready, TargetOpened opened);
  }

  /** Both in: the actors start. A target that failed to open starts nothing (the caller stops the daemon). */
  private static Behavior<Starting> awaitingStart(IndexReady ready, TargetOpened opened, ActorsStart actors) {
    if (opened != null && opened.error() != null) {
      return Behaviors.empty();
    }
    if (ready != null && opened != null) {
      return actors.start(ready, opened);
    }
    return Behaviors.receive(Starting.class)
        .onMessage(IndexReady.class, r -> awaitingStart(r, opened, actors))
        .onMessage(TargetOpened.class, o -> awaitingStart(ready, o, actors))
        .build();
  }

  private static Behavior<Starting> startActors(ActorContext<Starting> context, IndexReady ready,
      Settings settings, Target target, FileIndex index, DockTable dock, Executor blocking, Telemetry telemetry,
      DaemonView view, LogshipPart logship, CompletableFuture<RunSummary> once) {
    if (ready.error() != null) {
      context.getLog().warn("the file index could not catch up ({}); files are looked up in the journal instead",
          ready.error().toString());
    } else if (ready.applied() > 0) {
      context.getLog().info("file index caught up with {} journal events", ready.applied());
    }
    ShutdownSignal shutdown = new ShutdownSignal();
    TransferSetup setup = TransferSetup.from(settings, target, blocking, shutdown, telemetry);
    ActorRef<AlertManager.Command> alerts = context.spawn(AlertManager.create(settings.alerts().suppressFor(),
        sinks(settings.alerts()), setup.clock(), telemetry.health()), "alerts");
    ActorRef<TransferSupervisor.Command> supervisor =
        context.spawn(TransferSupervisor.create(setup, settings, index, alerts, once != null), "transfers");
    view.supervisorStarted(supervisor, context.getSystem().scheduler());
    context.spawn(StorageGuard.create(target, settings.source().dir(), settings.storage(), supervisor, alerts,
        blocking, index, setup.clock(), telemetry.metrics()), "storage-guard");
    context.spawn(TrashPurge.create(setup.trash(), settings.delete().trashRetention(), Duration.ofHours(1), blocking,
        setup.clock()), "trash-purge");
    context.spawn(LeftoverTempSweep.create(new LeftoverTemps(target, index, setup.layout()), blocking, setup.clock(),
        LeftoverTempSweep.FIRST_AFTER, LeftoverTempSweep.EVERY), "leftover-temp-sweep");
    project(context, "file-index", index, blocking);
    if (settings.log().stateChanges()) {
      project(context, StateChangeLog.NAME, new StateChangeLog(index), blocking);
    }
    ActorRef<RunSummary> summaryRef = once == null ? null : context.spawn(completing(once), "once-summary");
    if (settings.source().scan()) {
      context.spawn(DirectoryScanner.create(
          new SourceScan(settings.source().dir(), settings.source().exclude()), settings.source().stableFor(),
          settings.source().scanInterval(), supervisor, blocking, summaryRef), "scanner");
    }
    if (dock != null) {
      project(context, "dock-status", new DockStatusProjection(dock, index, settings.source().dir()), blocking);
      context.spawn(DockPoller.create(dock, index, settings.source().dir(), settings.legacyDb().pollInterval(),
          supervisor, blocking, settings.source().scan() ? null : summaryRef), "dock-table");
    }
    if (logship != null) {
      context.spawn(LogShipper.create(logship.shipper(), settings.logship(), alerts, blocking, setup.clock(),
          figures -> logship.latest().set(figures.observed())), "logship");
    }
    drainOnShutdown(context, supervisor, shutdown, settings.shutdownGrace());
    context.getLog().info("mediaferry running: {} -> {}, journal {}, Java {}", settings.source().dir(),
        target.describe(), settings.journalFile(), Runtime.version());
    return Behaviors.empty();
  }

  /** Follows the journal into the projection; at shutdown applies what this run journaled last. */
  private static void project(ActorContext<?> context, String name, Projection projection, Executor blocking) {
    UniqueKillSwitch following = JournalProjection.follow(context.getSystem(), projection, blocking);
    CoordinatedShutdown.get(context.getSystem()).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
        "stop-" + name, () -> {
          following.shutdown();
          // so audit, the dock and the next start find it current
          return JournalProjection.catchUp(context.getSystem(), projection, blocking)
              .thenApply(n -> Done.getInstance());
        });
  }

  private static List<AlertSink> sinks(Settings.Alerts alerts) {
    List<AlertSink> sinks = new ArrayList<>(List.of(new LogSink()));
    if (!alerts.webhookUrl().isBlank()) {
      sinks.add(new WebhookSink(alerts.webhookUrl(), alerts.webhookTimeout(), alerts.webhookRetries()));
    }
    return sinks;
  }

  private static Behavior<RunSummary> completing(CompletableFuture<RunSummary> future) {
    return Behaviors.receive((context, summary) -> {
      future.complete(summary);
      return Behaviors.stopped();
    });
  }

  /** Shutdown: no new transfers; in-flight ones get the grace period, then are abandoned. */
  private static void drainOnShutdown(ActorContext<?> context, ActorRef<TransferSupervisor.Command> supervisor,
      ShutdownSignal shutdown, Duration grace) {
    ActorSystem<?> system = context.getSystem();
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "drain-transfers",
        () -> AskPattern.<TransferSupervisor.Command, Done>ask(supervisor, TransferSupervisor.Drain::new, grace,
                system.scheduler())
            .exceptionally(timedOut -> {
              system.log().warn("transfers still running after the {} grace period are abandoned", grace);
              shutdown.cancel();
              awaitQuietly(shutdown);
              return Done.getInstance();
            }));
  }

  private static void awaitQuietly(ShutdownSignal shutdown) {
    try {
      shutdown.awaitCopiesStopped(ABANDON_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public CompletableFuture<RunSummary> summary() {
    return onceSummary;
  }

  public ActorSystem<?> system() {
    return system;
  }

  /**
   * Graceful stop, as on SIGTERM; completes when the system has terminated and the target's
   * connections, the journal and the endpoints are closed (waiting at most CLOSE_WAIT for
   * them). Completing before the connections closed left their reader threads in a socket
   * poll as a --once exited, and HotSpot holds an exit 0.3 s for threads in native code.
   */
  public CompletableFuture<Done> stop() {
    return CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason()).toCompletableFuture()
        .thenCompose(terminated -> closed.copy()
            .completeOnTimeout(Done.getInstance(), CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS));
  }
}
