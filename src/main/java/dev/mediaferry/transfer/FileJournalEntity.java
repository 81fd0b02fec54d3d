package dev.mediaferry.transfer;

import dev.mediaferry.file.FileEvent;
import dev.mediaferry.file.FileState;
import java.util.Set;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * One file's journal as an entity: its persistence id, its tag, its empty state and what its
 * events mean. Everything that writes to a file's journal extends it (the daemon's
 * {@link FileTransfer}; {@link OfflineRelease}, `retry` with no daemon running), so all of them
 * replay the same state and tag every event for the file index, which follows the tag.
 */
abstract class FileJournalEntity<C> extends EventSourcedBehavior<C, FileEvent, FileState> {

  FileJournalEntity(String fileId) {
    super(FileTransfer.persistenceId(fileId));
  }

  @Override
  public final FileState emptyState() {
    return FileState.EMPTY;
  }

  @Override
  public final Set<String> tagsFor(FileEvent event) {
    return Set.of(FileEvent.TAG);
  }

  @Override
  public final EventHandler<FileState, FileEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(FileState::apply);
  }
}
