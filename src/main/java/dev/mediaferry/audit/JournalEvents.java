package dev.mediaferry.audit;

import dev.mediaferry.file.FileEvent;
import dev.mediaferry.journal.FileIndex;
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
    return journal.currentEventsByTag(FileEvent.TAG, Offset.noOffset())
        .filter(e -> e.event() instanceof FileEvent)
        .map(e -> new AuditEvent(((Sequence) e.offset()).value(), FileIndex.fileIdOf(e.persistenceId()),
            e.sequenceNr(), Instant.ofEpochMilli(e.timestamp()), (FileEvent) e.event()))
        .runForeach(consumer::accept, system);
  }
}
