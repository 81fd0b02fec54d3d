package dev.mediaferry.journal;

import dev.mediaferry.concurrent.Blocking;
import dev.mediaferry.file.FileEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Feeds a {@link Projection} (the {@link FileIndex}, the dock's status table) from the
 * journal's "file"-tagged events, in batches, each batch applied with its offset: after a
 * crash it resumes from the last stored offset. A failed batch restarts the stream from
 * there, with backoff.
 */
public final class JournalProjection {
  private static final int BATCH = 500;

  private JournalProjection() {}

  /** Catches up from the stored offset, then follows new events until the switch is pulled. */
  public static UniqueKillSwitch follow(ActorSystem<?> system, Projection projection, Executor blocking) {
    JdbcReadJournal journal = journal(system);
    // the stored offset is read on the blocking executor, never on a stream or actor thread
    Source<Long, NotUsed> restarting = RestartSource.withBackoff(
        RestartSettings.create(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2),
        () -> Source.completionStageSource(Blocking.supply(blocking,
            () -> batches(journal.eventsByTag(FileEvent.TAG, Offset.sequence(projection.offset())), projection, blocking))));
    return restarting.viaMat(KillSwitches.single(), Keep.right()).to(Sink.ignore()).run(system);
  }

  /**
   * Applies every event already journaled and not yet indexed; completes with how many. The
   * journal's tag query only returns events its sequence tracking has confirmed (it lags by
   * a fraction of a second), so a pass that leaves the index behind is repeated a few times.
   */
  public static CompletionStage<Long> catchUp(ActorSystem<?> system, Projection projection, Executor blocking) {
    return catchUp(system, projection, blocking, 0L, 10);
  }

  private static CompletionStage<Long> catchUp(ActorSystem<?> system, Projection projection, Executor blocking,
      long appliedSoFar, int passesLeft) {
    // null: current (or out of passes); otherwise the offset to read from
    CompletableFuture<Offset> from = Blocking.supply(blocking,
        () -> projection.isCurrent() || passesLeft == 0 ? null : Offset.sequence(projection.offset()));
    return from.thenCompose(offset -> offset == null ? CompletableFuture.completedFuture(appliedSoFar)
        : batches(journal(system).currentEventsByTag(FileEvent.TAG, offset), projection, blocking)
            .runWith(Sink.fold(0L, Long::sum), system)
            .thenCompose(applied -> CompletableFuture.supplyAsync(() -> applied,
                    CompletableFuture.delayedExecutor(applied == 0 ? 300 : 0, TimeUnit.MILLISECONDS))
                .thenCompose(n -> catchUp(system, projection, blocking, appliedSoFar + n, passesLeft - 1))));
  }

  private static JdbcReadJournal journal(ActorSystem<?> system) {
    return PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
  }

  private static Source<Long, NotUsed> batches(Source<EventEnvelope, NotUsed> events, Projection projection,
      Executor blocking) {
    return events
        .groupedWithin(BATCH, Duration.ofMillis(200))
        .mapAsync(1, batch -> CompletableFuture.supplyAsync(() -> store(projection, batch), blocking));
  }

  private static long store(Projection projection, List<EventEnvelope> batch) {
    List<FileIndex.Change> changes = batch.stream()
        .filter(e -> e.event() instanceof FileEvent)
        .map(e -> new FileIndex.Change(FileIndex.fileIdOf(e.persistenceId()), e.sequenceNr(), e.timestamp(),
            (FileEvent) e.event()))
        .toList();
    long last = ((Sequence) batch.get(batch.size() - 1).offset()).value();
    try {
      projection.apply(changes, last);
      return changes.size();
    } catch (Exception e) {
      throw new CompletionException(e);
    }
  }
}
