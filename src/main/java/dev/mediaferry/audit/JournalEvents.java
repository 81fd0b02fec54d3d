package dev.mediaferry.audit;

import dev.mediaferry.journal.FileIndex;
import dev.mediaferry.transfer.FileTransfer;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.Sequence;

/** Every file event in the journal, in journal order, through the Pekko persistence query API. */
public final class JournalEvents {
  private JournalEvents() {}

  public static CompletionStage<Done> forEach(ActorSystem<?> system, Consumer<AuditEvent> consumer) {
    JdbcReadJournal journal =
        PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    return journal.currentEventsByTag(FileTransfer.TAG, Offset.noOffset())
        .filter(e -> e.event() instanceof FileTransfer.Event)
        .map(e -> new AuditEvent(((Sequence) e.offset()).value(), FileIndex.fileIdOf(e.persistenceId()),
            e.sequenceNr(), Instant.ofEpochMilli(e.timestamp()), (FileTransfer.Event) e.event()))
        .runForeach(consumer::accept, system);
  }
}
