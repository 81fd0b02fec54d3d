package dev.mediaferry.journal;

import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;

/** Reads journaled events through the Pekko persistence query API (the same path audit takes). */
public final class JournalReader {
  private final ActorSystem<?> system;
  private final JdbcReadJournal journal;

  public JournalReader(ActorSystem<?> system) {
    this.system = system;
    this.journal = PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
  }

  public CompletionStage<List<String>> persistenceIds() {
    return journal.currentPersistenceIds().runWith(Sink.seq(), system);
  }

  public CompletionStage<List<EventEnvelope>> events(String persistenceId) {
    return journal.currentEventsByPersistenceId(persistenceId, 0, Long.MAX_VALUE).runWith(Sink.seq(), system);
  }
}
