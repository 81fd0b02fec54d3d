package dev.mediaferry.testing;

import dev.mediaferry.config.Settings;
import dev.mediaferry.daemon.Daemon;
import dev.mediaferry.file.FileEvent;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.transfer.FileTransfer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * Writes crafted FileTransfer events into a real SQLite journal, tagged as the daemon tags
 * them: how the audit tests build journals that break an invariant on purpose.
 */
public final class JournalWriter implements AutoCloseable {
  private record Append(List<FileEvent> events, ActorRef<Done> replyTo) {}

  private static final class Writer extends EventSourcedBehavior<Append, FileEvent, Integer> {
    Writer(String fileId) {
      super(FileTransfer.persistenceId(fileId));
    }

    @Override
    public Integer emptyState() {
      return 0;
    }

    @Override
    public Set<String> tagsFor(FileEvent event) {
      return Set.of(dev.mediaferry.file.FileEvent.TAG);
    }

    @Override
    public CommandHandler<Append, FileEvent, Integer> commandHandler() {
      return newCommandHandlerBuilder().forAnyState()
          .onCommand(Append.class, (state, append) -> Effect().persist(append.events())
              .thenReply(append.replyTo(), s -> Done.getInstance()))
          .build();
    }

    @Override
    public EventHandler<Integer, FileEvent> eventHandler() {
      return newEventHandlerBuilder().forAnyState().onAnyEvent((state, event) -> state + 1);
    }
  }

  private final ActorTestKit testKit;

  public JournalWriter(Settings settings) throws Exception {
    JournalDatabase.ensureSchema(settings.journalFile());
    testKit = ActorTestKit.create("journal-writer", Daemon.pekkoConfig(settings));
  }

  public void append(String fileId, FileEvent... events) {
    TestProbe<Done> done = testKit.createTestProbe();
    testKit.<Append>spawn(org.apache.pekko.actor.typed.javadsl.Behaviors.setup(c -> new Writer(fileId)))
        .tell(new Append(List.of(events), done.ref()));
    done.receiveMessage(Duration.ofSeconds(30));
  }

  @Override
  public void close() {
    testKit.shutdownTestKit();
  }

}
