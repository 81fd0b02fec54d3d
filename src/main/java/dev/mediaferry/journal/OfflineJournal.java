package dev.mediaferry.journal;

import dev.mediaferry.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The journal opened outside the daemon, for a command (audit, storage, db archive): an actor
 * system on the journal's database (to read events through Pekko's query API), a blocking
 * executor and the file index (opened on first use: audit reads only events, and opening the
 * index writes its tables while the daemon may be writing). Closing stops all three.
 */
public final class OfflineJournal implements AutoCloseable {
  private final Settings settings;
  private final ActorSystem<Void> system;
  private final ExecutorService blocking = Executors.newSingleThreadExecutor();
  private FileIndex index;

  private OfflineJournal(Settings settings, String purpose) {
    this.settings = settings;
    this.system = ActorSystem.create(Behaviors.empty(), "mediaferry-" + purpose,
        JournalDatabase.pekkoConfig(settings.journalFile(), settings.raw()));
  }

  /** Opens an existing journal; a missing one is a configuration error that names the state folder. */
  public static OfflineJournal open(Settings settings, String purpose) throws IOException {
    if (!Files.isRegularFile(settings.journalFile())) {
      throw new Settings.Invalid("no journal at " + settings.journalFile() + " (mediaferry.state-dir); "
          + "give the --config the daemon runs with");
    }
    return new OfflineJournal(settings, purpose);
  }

  public ActorSystem<Void> system() {
    return system;
  }

  /** The file index as it stands (the daemon may be updating it). */
  public synchronized FileIndex index() throws IOException {
    if (index == null) {
      index = FileIndex.open(settings.journalFile());
    }
    return index;
  }

  /** The file index brought up to date with every event journaled so far. */
  public FileIndex indexCaughtUp() throws IOException {
    JournalProjection.catchUp(system, index(), blocking).toCompletableFuture().join();
    return index;
  }

  /** Rebuilds the file index from the whole journal; returns the events applied. Hold the daemon's lock. */
  public long rebuildIndex() throws IOException, java.sql.SQLException {
    index().clear();
    return JournalProjection.catchUp(system, index, blocking).toCompletableFuture().join();
  }

  public Settings settings() {
    return settings;
  }

  @Override
  public void close() {
    blocking.shutdown();
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
    if (index != null) {
      index.close();
    }
  }
}
