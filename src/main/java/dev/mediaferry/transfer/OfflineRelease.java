package dev.mediaferry.transfer;

import dev.mediaferry.file.FileEvent;
import dev.mediaferry.file.FileInfo;
import dev.mediaferry.file.FileState;
import java.nio.file.Path;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/**
 * `mediaferry retry` while no daemon runs (the command holds the daemon's lock): recovers one
 * file's journal, journals its {@link FileEvent.Released} when the file may go again, replies
 * and stops. The daemon's next scan then finds the file waiting. A running daemon does the
 * same through the file's own {@link FileTransfer}.
 */
public final class OfflineRelease extends FileJournalEntity<OfflineRelease.Release> {

  /** The one command: release the file, replying the outcome. */
  public record Release(String reason, String by, ActorRef<FileTransfer.ReleaseOutcome> replyTo) {}

  private final FileInfo file;
  private final Path source;

  private OfflineRelease(FileInfo file, Path sourceDir) {
    super(file.fileId());
    this.file = file;
    this.source = sourceDir.resolve(file.relativePath());
  }

  public static Behavior<Release> create(FileInfo file, Path sourceDir) {
    return new OfflineRelease(file, sourceDir);
  }

  @Override
  public CommandHandler<Release, FileEvent, FileState> commandHandler() {
    return newCommandHandlerBuilder().forAnyState().onAnyCommand(this::onRelease);
  }

  private Effect<FileEvent, FileState> onRelease(FileState state, Release release) {
    String whyNot = Releases.whyNot(state, source);
    if (whyNot != null) {
      release.replyTo().tell(new FileTransfer.ReleaseOutcome(file.relativePath(), false, whyNot));
      return Effect().stop();
    }
    return Effect().persist(new FileEvent.Released(release.reason(), release.by(), state.status()))
        .thenRun(s -> release.replyTo().tell(new FileTransfer.ReleaseOutcome(file.relativePath(), true,
            "released; it was " + state.status())))
        .thenStop();
  }
}
