package dev.mediaferry.testing;

import dev.mediaferry.config.Settings;
import dev.mediaferry.daemon.Daemon;
import dev.mediaferry.deletion.DeleteRecheck;
import dev.mediaferry.file.FileEvent;
import dev.mediaferry.file.FileInfo;
import dev.mediaferry.file.RecheckOutcome;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.transfer.FileTransfer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/**
 * Writes a journal of N finished files (six events each: discovered → deleted) straight
 * into SQLite, serialized exactly as the journal plugin does, with times spread over the
 * past year: for the audit and start-up benchmarks of big histories.
 *   java -cp ... dev.mediaferry.testing.SyntheticJournal HOME FILES
 */
public final class SyntheticJournal {
  private SyntheticJournal() {}

  public static void main(String[] args) throws Exception {
    Settings settings = TestSettings.under(Path.of(args[0]), Map.of());
    long start = System.nanoTime();
    write(settings, Integer.parseInt(args[1]));
    System.out.printf("wrote %s files to %s in %.1f s%n", args[1], settings.journalFile(),
        (System.nanoTime() - start) / 1e9);
  }

  public static void write(Settings settings, int files) throws Exception {
    JournalDatabase.ensureSchema(settings.journalFile());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "synthetic", Daemon.pekkoConfig(settings));
    try (Connection c = DriverManager.getConnection(JournalDatabase.url(settings.journalFile()))) {
      Serialization serialization = SerializationExtension.get(system.classicSystem());
      c.setAutoCommit(false);
      long now = System.currentTimeMillis();
      long yearMillis = 365L * 24 * 3600 * 1000;
      try (PreparedStatement event = c.prepareStatement("INSERT INTO event_journal (deleted, persistence_id, "
              + "sequence_number, writer, write_timestamp, adapter_manifest, event_payload, event_ser_id, "
              + "event_ser_manifest) VALUES (0, ?, ?, 'synthetic', ?, '', ?, ?, ?)", Statement.RETURN_GENERATED_KEYS);
           PreparedStatement tag = c.prepareStatement("INSERT INTO event_tag (event_id, tag) VALUES (?, 'file')")) {
        for (int i = 0; i < files; i++) {
          long t = now - yearMillis + (yearMillis * i / files);
          FileInfo file = FileInfo.of("flight-" + (i / 500) + "/DJI_" + i + ".MP4", 50_000_000L + i, t - 60_000);
          String sha = String.format("%064x", i);
          String remote = "2025/01/01/DJI_" + i + ".MP4";
          List<FileEvent> events = List.of(
              new FileEvent.Discovered(file.relativePath(), file.size(), file.mtimeMillis(), "/media"),
              new FileEvent.TransferStarted(1, "file:/nas", remote, ".tmp"),
              new FileEvent.Verified(remote, sha, file.size(), file.size(), 1200),
              new FileEvent.DeleteScheduled(t + 3_601_200),
              new FileEvent.DeleteRechecked(true, RecheckOutcome.OK, sha, "ok"),
              new FileEvent.SourceDeleted("trash", "/trash/" + file.relativePath()));
          long[] times = {t, t, t + 1200, t + 1200, t + 3_601_700, t + 3_601_800};
          for (int seq = 0; seq < events.size(); seq++) {
            Serializer serializer = serialization.findSerializerFor(events.get(seq));
            event.setString(1, FileTransfer.persistenceId(file.fileId()).id());
            event.setLong(2, seq + 1);
            event.setLong(3, times[seq]);
            event.setBytes(4, serializer.toBinary(events.get(seq)));
            event.setInt(5, serializer.identifier());
            event.setString(6, Serializers.manifestFor(serializer, events.get(seq)));
            event.executeUpdate();
            try (ResultSet key = event.getGeneratedKeys()) {
              key.next();
              tag.setLong(1, key.getLong(1));
              tag.executeUpdate();
            }
          }
          if (i % 5000 == 4999) {
            c.commit();
          }
        }
      }
      c.commit();
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
    }
  }
}
