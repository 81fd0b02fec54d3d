package dev.mediaferry.transfer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mediaferry.config.Settings;
import dev.mediaferry.deletion.Trash;
import dev.mediaferry.file.FileEvent;
import dev.mediaferry.file.FileInfo;
import dev.mediaferry.journal.FileIndex;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.observe.AlertManager;
import dev.mediaferry.targets.LocalTarget;
import dev.mediaferry.targets.RemoteLayout;
import dev.mediaferry.testing.ManualClock;
import dev.mediaferry.testing.TestFiles;
import dev.mediaferry.testing.TestKits;
import dev.mediaferry.testing.TestSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supervisor's own delete timers (one hop to the file, no scheduler in between), on
 * ManualTime with a manual clock moved in step: nothing is deleted early, each delete runs at
 * its time, and a critically full dock brings every waiting delete forward with the reason.
 */
@ExtendWith(LogCapturingExtension.class)
class TransferSupervisorDeleteTest {
  static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config()
      .withFallback(TestKits.inMemoryJournal()));
  static final ManualTime time = ManualTime.get(testKit.system());
  static final PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());
  static final Executor blocking = Executors.newCachedThreadPool();

  @TempDir Path root;
  Settings settings;
  ManualClock clock;
  FileIndex index;

  @BeforeEach
  void setUp() throws Exception {
    journal.clearAll();
    settings = TestSettings.under(root, Map.of());
    clock = new ManualClock(Instant.parse("2026-11-23T00:00:00Z"));
    JournalDatabase.ensureSchema(settings.journalFile());
    index = FileIndex.open(settings.journalFile());
  }

  @AfterEach
  void closeIndex() {
    index.close();
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  @Test
  void eachDeleteRunsAtItsTimeAndNotAMinuteBefore() throws Exception {
    FileInfo a = verifiedAndDueIn("a.mp4", Duration.ofMinutes(60));
    FileInfo b = verifiedAndDueIn("b.mp4", Duration.ofMinutes(90));
    start(a, b);

    passes(Duration.ofMinutes(59));
    stillHere(a, b);
    passes(Duration.ofMinutes(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> deleted(a));
    stillHere(b);
    passes(Duration.ofMinutes(29));
    stillHere(b);
    passes(Duration.ofMinutes(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> deleted(b));
  }

  @Test
  void aCriticallyFullDockBringsEveryWaitingDeleteForwardWithTheReason() throws Exception {
    FileInfo x = verifiedAndDueIn("x.mp4", Duration.ofHours(1));
    FileInfo y = verifiedAndDueIn("y.mp4", Duration.ofHours(2));
    ActorRef<TransferSupervisor.Command> supervisor = start(x, y);

    supervisor.tell(new TransferSupervisor.DockCritical("dock disk full"));

    await().atMost(Duration.ofSeconds(10)).until(() -> deleted(x) && deleted(y));
    for (FileInfo file : List.of(x, y)) {
      FileEvent.DeleteAdvanced advanced = (FileEvent.DeleteAdvanced) events(file).get(4);
      assertEquals("dock disk full", advanced.reason());
    }
    int before = events(x).size() + events(y).size();
    passes(Duration.ofHours(3)); // their timers are gone: nothing runs again
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
        .until(() -> events(x).size() + events(y).size() == before);
  }

  /** A source file whose journal (and file index) say: verified, copy on the target, delete due after delay. */
  private FileInfo verifiedAndDueIn(String name, Duration delay) throws Exception {
    Path source = TestFiles.write(settings.source().dir().resolve(name), 10_000, name.hashCode());
    FileInfo file = FileInfo.of(name, 10_000, Files.getLastModifiedTime(source).toMillis());
    String remote = "2026/11/23/" + name;
    Files.createDirectories(TestSettings.nas(settings).resolve("2026/11/23"));
    Files.copy(source, TestSettings.nas(settings).resolve(remote));
    List<FileEvent> history = List.of(
        new FileEvent.Discovered(name, file.size(), file.mtimeMillis(), "src"),
        new FileEvent.TransferStarted(1, "file:nas", remote, remote + ".tmp"),
        new FileEvent.Verified(remote, TestFiles.sha256(source), file.size(), file.size(), 1),
        new FileEvent.DeleteScheduled(clock.millis() + delay.toMillis()));
    journal.persistForRecovery(FileEvent.persistenceId(file.fileId()), List.copyOf(history));
    List<FileIndex.Change> changes = new ArrayList<>();
    for (int i = 0; i < history.size(); i++) {
      changes.add(new FileIndex.Change(file.fileId(), i + 1, clock.millis(), history.get(i)));
    }
    index.apply(changes, index.offset() + history.size()); // as the projection would have
    return file;
  }

  /** The supervisor, which finds the waiting deletes in the file index at start and sets their timers. */
  private ActorRef<TransferSupervisor.Command> start(FileInfo... files) {
    TransferSetup setup = new TransferSetup(settings.source().dir(), new LocalTarget(TestSettings.nas(settings)),
        new RemoteLayout(settings.target().layout(), ZoneOffset.UTC), new RetryPolicy(Duration.ofSeconds(5),
            Duration.ofMinutes(5), 3), true, Duration.ofHours(1), new Trash(settings.delete().trashDir(),
            ZoneOffset.UTC), blocking, new ShutdownSignal(), clock);
    return LoggingTestKit.info(files.length + " verified files wait for their delete time").expect(testKit.system(),
        () -> testKit.spawn(TransferSupervisor.create(setup, settings, index,
            testKit.<AlertManager.Command>createTestProbe().ref())));
  }

  private void passes(Duration duration) {
    clock.advance(duration);
    time.timePasses(duration);
  }

  private void stillHere(FileInfo... files) {
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> {
      for (FileInfo file : files) {
        if (!Files.exists(settings.source().dir().resolve(file.relativePath())) || events(file).size() != 4) {
          return false;
        }
      }
      return true;
    });
  }

  private boolean deleted(FileInfo file) {
    List<Object> events = events(file);
    return !Files.exists(settings.source().dir().resolve(file.relativePath()))
        && events.get(events.size() - 1) instanceof FileEvent.SourceDeleted;
  }

  private List<Object> events(FileInfo file) {
    return journal.persistedInStorage(FileEvent.persistenceId(file.fileId()));
  }
}
