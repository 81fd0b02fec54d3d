package dev.mediaferry.discovery;

import dev.mediaferry.concurrent.Blocking;
import dev.mediaferry.file.FileInfo;
import dev.mediaferry.transfer.RunSummary;
import dev.mediaferry.transfer.TransferSupervisor;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Scans the source folder on a timer (on the blocking executor) and hands the stable files
 * to the supervisor. In once mode it takes only the files present at its first scan and,
 * when all of them are stable or gone, tells the supervisor that no more will come.
 */
public final class DirectoryScanner {

  public sealed interface Command {}

  private enum Tick implements Command { INSTANCE }

  private record Scanned(List<FileInfo> files, List<String> unrepresentable, String error) implements Command {}

  /** once: null for the daemon; for `run --once`, who gets the run's summary. */
  public static Behavior<Command> create(SourceScan scan, Duration stableFor, Duration interval,
      ActorRef<TransferSupervisor.Command> supervisor, Executor blocking, ActorRef<RunSummary> once) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ZERO, interval);
      return new DirectoryScanner(context, scan, new Stability(stableFor), supervisor, blocking, once).idle();
    }));
  }

  private final ActorContext<Command> context;
  private final SourceScan scan;
  private final Stability stability;
  private final ActorRef<TransferSupervisor.Command> supervisor;
  private final Executor blocking;
  private final ActorRef<RunSummary> once;
  /** Once mode: the paths present at the first scan. */
  private Set<String> wanted;
  private String lastError;

  private DirectoryScanner(ActorContext<Command> context, SourceScan scan, Stability stability,
      ActorRef<TransferSupervisor.Command> supervisor, Executor blocking, ActorRef<RunSummary> once) {
    this.context = context;
    this.scan = scan;
    this.stability = stability;
    this.supervisor = supervisor;
    this.blocking = blocking;
    this.once = once;
  }

  private Behavior<Command> idle() {
    return Behaviors.receive(Command.class)
        .onMessageEquals(Tick.INSTANCE, this::startScan)
        .onMessage(Scanned.class, this::onScanned)
        .build();
  }

  /** While a scan runs, ticks are dropped: a slow disk never piles up scans. */
  private Behavior<Command> scanning() {
    return Behaviors.receive(Command.class)
        .onMessageEquals(Tick.INSTANCE, Behaviors::same)
        .onMessage(Scanned.class, this::onScanned)
        .build();
  }

  private Behavior<Command> startScan() {
    context.pipeToSelf(Blocking.supply(blocking, () -> new Scanned(scan.run(), scan.unrepresentable(), null)),
        (scanned, error) -> scanned != null ? scanned
            : new Scanned(List.of(), List.of(), Blocking.cause(error).getMessage()));
    return scanning();
  }

  private Behavior<Command> onScanned(Scanned scanned) {
    if (scanned.error() != null) {
      if (!scanned.error().equals(lastError)) {
        context.getLog().error("scan failed: {}", scanned.error());
      }
      lastError = scanned.error();
      return idle();
    }
    lastError = null;
    if (!scanned.unrepresentable().isEmpty()) {
      supervisor.tell(new TransferSupervisor.NamesNotRepresentable(scanned.unrepresentable()));
    }
    List<FileInfo> stable = stability.observe(scanned.files(), System.nanoTime());
    if (once == null) {
      supervisor.tell(new TransferSupervisor.FilesFound(stable));
      return idle();
    }
    return onScannedOnce(scanned.files(), stable);
  }

  private Behavior<Command> onScannedOnce(List<FileInfo> present, List<FileInfo> stable) {
    Set<String> presentNow = new HashSet<>();
    present.forEach(f -> presentNow.add(f.relativePath()));
    if (wanted == null) {
      wanted = presentNow;
      context.getLog().info("--once: {} files in the source folder", wanted.size());
    }
    wanted.retainAll(presentNow); // files that vanished are no longer waited for
    List<FileInfo> taken = stable.stream().filter(f -> wanted.contains(f.relativePath())).toList();
    supervisor.tell(new TransferSupervisor.FilesFound(taken));
    if (taken.size() == wanted.size()) {
      supervisor.tell(new TransferSupervisor.ScanFinished(Objects.requireNonNull(once)));
      return Behaviors.stopped();
    }
    return idle();
  }
}
