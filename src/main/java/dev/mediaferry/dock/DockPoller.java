package dev.mediaferry.dock;

import dev.mediaferry.concurrent.Blocking;
import dev.mediaferry.file.FileInfo;
import dev.mediaferry.journal.FileIndex;
import dev.mediaferry.transfer.RunSummary;
import dev.mediaferry.transfer.TransferSupervisor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Reads the dock's ready rows on a timer (on the blocking executor) and hands the files they
 * name to the supervisor as found in "legacy-db". A row that cannot be taken (file missing,
 * outside the media folder, wrong size or hash) is marked failed with the reason and nothing
 * of it is uploaded. In once mode it reports after its first read that no more will come.
 */
public final class DockPoller {
  /** What Discovered records as the source of files found through the dock's table. */
  public static final String SOURCE = "legacy-db";
  /** Rows read per poll: the oldest first; the rest come at the next polls. */
  private static final int ROWS_PER_POLL = 1_000;

  public sealed interface Command {}

  private enum Tick implements Command { INSTANCE }

  private record Polled(List<ReadyRow.Checked> rows, String error) implements Command {}

  /** once: null for the daemon; for `run --once` without the folder scan, who gets the run's summary. */
  public static Behavior<Command> create(DockTable table, FileIndex index, Path sourceDir, Duration interval,
      ActorRef<TransferSupervisor.Command> supervisor, Executor blocking, ActorRef<RunSummary> once) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ZERO, interval);
      return new DockPoller(context, table, index, sourceDir, supervisor, blocking, once).idle();
    }));
  }

  private final ActorContext<Command> context;
  private final DockTable table;
  private final FileIndex index;
  private final Path sourceDir;
  private final ActorRef<TransferSupervisor.Command> supervisor;
  private final Executor blocking;
  private final ActorRef<RunSummary> once;
  /** Rows accepted at the last poll, by id: unchanged files are not hashed again. */
  private Map<Long, FileInfo> accepted = new HashMap<>();
  private String lastError;

  private DockPoller(ActorContext<Command> context, DockTable table, FileIndex index, Path sourceDir,
      ActorRef<TransferSupervisor.Command> supervisor, Executor blocking, ActorRef<RunSummary> once) {
    this.context = context;
    this.table = table;
    this.index = index;
    this.sourceDir = sourceDir;
    this.supervisor = supervisor;
    this.blocking = blocking;
    this.once = once;
  }

  private Behavior<Command> idle() {
    return Behaviors.receive(Command.class)
        .onMessageEquals(Tick.INSTANCE, this::startPoll)
        .onMessage(Polled.class, this::onPolled)
        .build();
  }

  /** While a poll runs, ticks are dropped: a locked table never piles up polls. */
  private Behavior<Command> polling() {
    return Behaviors.receive(Command.class)
        .onMessageEquals(Tick.INSTANCE, Behaviors::same)
        .onMessage(Polled.class, this::onPolled)
        .build();
  }

  private Behavior<Command> startPoll() {
    Map<Long, FileInfo> before = accepted;
    context.pipeToSelf(Blocking.supply(blocking, () -> poll(before)),
        (polled, error) -> polled != null ? polled : new Polled(List.of(), String.valueOf(Blocking.cause(error))));
    return polling();
  }

  /** Blocking: reads the ready rows, checks each, and marks the refused ones on their row. */
  private Polled poll(Map<Long, FileInfo> before) throws Exception {
    List<ReadyRow.Checked> checked = new ArrayList<>();
    for (DockTable.Row row : table.ready(ROWS_PER_POLL)) {
      ReadyRow.Checked result = ReadyRow.check(row, sourceDir, before.get(row.id()));
      if (result.missing() != null && !index.byPath(result.missing()).isEmpty()) {
        continue; // taken and deleted by us before our status reached the row: the projection writes it
      }
      if (result.refusal() != null) {
        table.refuse(row.id(), result.refusal());
      }
      checked.add(result);
    }
    return new Polled(checked, null);
  }

  private Behavior<Command> onPolled(Polled polled) {
    if (polled.error() != null) {
      if (!polled.error().equals(lastError)) {
        context.getLog().error("cannot read the dock's table in {}: {}", table.file(), polled.error());
      }
      lastError = polled.error();
      return idle();
    }
    lastError = null;
    Map<Long, FileInfo> nowAccepted = new HashMap<>();
    List<FileInfo> files = new ArrayList<>();
    for (ReadyRow.Checked row : polled.rows()) {
      if (row.file() != null) {
        nowAccepted.put(row.row().id(), row.file());
        files.add(row.file());
      } else {
        context.getLog().error("dock row {} ({}) not taken: {}", row.row().id(), row.row().filePath(),
            row.refusal());
      }
    }
    accepted = nowAccepted;
    supervisor.tell(new TransferSupervisor.FilesFound(SOURCE, files));
    if (once != null) {
      context.getLog().info("--once: {} files ready in the dock's table", files.size());
      supervisor.tell(new TransferSupervisor.ScanFinished(once));
      return Behaviors.stopped();
    }
    return idle();
  }
}
