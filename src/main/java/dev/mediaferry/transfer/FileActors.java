package dev.mediaferry.transfer;

import dev.mediaferry.file.FileInfo;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * The supervisor's children: one {@link FileTransfer} per file with work, spawned on first
 * use and watched, so one that stops without reporting frees its slot.
 */
final class FileActors {
  private final ActorContext<TransferSupervisor.Command> context;
  private final TransferSetup setup;
  private final ActorRef<FileTransfer.Report> reports;
  private final Map<String, ActorRef<FileTransfer.Command>> running = new HashMap<>();
  private long incarnation;

  FileActors(ActorContext<TransferSupervisor.Command> context, TransferSetup setup,
      ActorRef<FileTransfer.Report> reports) {
    this.context = context;
    this.setup = setup;
    this.reports = reports;
  }

  ActorRef<FileTransfer.Command> of(FileInfo file) {
    return running.computeIfAbsent(file.fileId(), id -> {
      // a fresh name each time: the previous incarnation may still be stopping
      ActorRef<FileTransfer.Command> child =
          context.spawn(FileTransfer.create(file, setup, reports), "file-" + id + "-" + (++incarnation));
      context.watchWith(child, new TransferSupervisor.ChildStopped(file, child));
      return child;
    });
  }

  /** Ids of the files whose entity runs. */
  Set<String> ids() {
    return running.keySet();
  }

  /** The file's entity reported where it rests: it stops, the next work spawns it again. */
  void reported(String fileId) {
    running.remove(fileId);
  }

  /** Whether child was the current entity of the file (then forgotten), not an earlier incarnation. */
  boolean stoppedWithoutReport(String fileId, ActorRef<FileTransfer.Command> child) {
    return running.remove(fileId, child);
  }
}
