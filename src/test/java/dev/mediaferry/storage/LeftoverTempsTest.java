package dev.mediaferry.storage;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.file.FileEvent;
import dev.mediaferry.file.FileInfo;
import dev.mediaferry.journal.FileIndex;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.targets.ForwardingTarget;
import dev.mediaferry.targets.LocalTarget;
import dev.mediaferry.targets.RemoteLayout;
import dev.mediaferry.targets.RemoteStat;
import dev.mediaferry.targets.Target;
import dev.mediaferry.targets.TargetException;
import dev.mediaferry.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The temp files a failed upload could not remove (the target was unreachable), found
 * through the file index and removed once nothing will come back for them; on a real folder
 * target and a real SQLite file index.
 */
class LeftoverTempsTest {
  static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
  static final RemoteLayout LAYOUT = new RemoteLayout("{yyyy}/{MM}/{dd}/{name}", ZoneOffset.UTC);
  static final ActorTestKit testKit = ActorTestKit.create();

  @TempDir Path dir;
  FileIndex index;
  LocalTarget target;
  long seq;

  @BeforeEach
  void open() throws Exception {
    JournalDatabase.ensureSchema(dir.resolve("journal.db"));
    index = FileIndex.open(dir.resolve("journal.db"));
    target = new LocalTarget(dir.resolve("nas"));
  }

  @AfterEach
  void close() {
    index.close();
  }

  @AfterAll
  static void stopKit() {
    testKit.shutdownTestKit();
  }

  /** A file whose last attempt started (and left its temp file on the target) and, unless null, ended so. */
  private Path journaled(String name, ErrorKind ending, Duration endedAgo) throws Exception {
    FileInfo file = FileInfo.of(name, 1000, NOW.minus(Duration.ofDays(1)).toEpochMilli());
    String finalPath = LAYOUT.finalPath(file.relativePath(), file.mtimeMillis());
    String temp = RemoteLayout.tempPath(finalPath, file.fileId());
    long at = NOW.minus(endedAgo).toEpochMilli();
    List<FileEvent> events = new ArrayList<>(List.of(
        new FileEvent.Discovered(file.relativePath(), file.size(), file.mtimeMillis(), "/src"),
        new FileEvent.TransferStarted(1, target.describe(), finalPath, temp)));
    if (ending != null) {
      events.add(new FileEvent.TransferFailed(1, ending, "cut", null));
    }
    record(file.fileId(), at, events);
    return TestFiles.write(dir.resolve("nas").resolve(temp), 500, name.hashCode());
  }

  private void record(String fileId, long at, List<FileEvent> events) throws Exception {
    List<FileIndex.Change> changes = new ArrayList<>();
    for (FileEvent event : events) {
      changes.add(new FileIndex.Change(fileId, ++seq, at, event));
    }
    index.apply(changes, seq);
  }

  @Test
  void removesOnlyTheTempsOfFilesThatEndedLongEnoughAgoAndNeverAFinalCopy() throws Exception {
    Path superseded = journaled("superseded.mp4", ErrorKind.SOURCE_CHANGED, Duration.ofHours(1));
    Path justSuperseded = journaled("just-superseded.mp4", ErrorKind.SOURCE_CHANGED, Duration.ofMinutes(2));
    Path inFlight = journaled("in-flight.mp4", null, Duration.ofHours(3));
    Path quarantinedOld = journaled("quarantined-old.mp4", ErrorKind.PERMANENT, Duration.ofDays(8));
    Path quarantinedRecent = journaled("quarantined-recent.mp4", ErrorKind.PERMANENT, Duration.ofDays(2));
    Path finalCopy = TestFiles.write(superseded.resolveSibling("superseded.mp4"), 1000, 7);

    LeftoverTemps.Swept swept = new LeftoverTemps(target, index, LAYOUT).sweep(NOW);

    assertEquals(null, swept.error());
    assertEquals(2, swept.removed().size(), swept.toString());
    assertFalse(Files.exists(superseded), "a superseded file's temp: nothing comes back for it");
    assertFalse(Files.exists(quarantinedOld), "a file quarantined for over a week");
    assertTrue(Files.exists(justSuperseded), "too recent: its own cleanup may still be running");
    assertTrue(Files.exists(inFlight), "an attempt in progress owns its temp file");
    assertTrue(Files.exists(quarantinedRecent), "a retry within the week continues from it");
    assertTrue(Files.exists(finalCopy), "final copies are never touched");
  }

  @Test
  void aTargetUnreachableDuringTheSweepLeavesTheTempForTheNextSweep() throws Exception {
    Path temp = journaled("cut.mp4", ErrorKind.SOURCE_CHANGED, Duration.ofHours(1));
    AtomicBoolean down = new AtomicBoolean(true);
    LeftoverTemps leftovers = new LeftoverTemps(new Unreachable(target, down), index, LAYOUT);

    LeftoverTemps.Swept first = leftovers.sweep(NOW);
    assertNotNull(first.error());
    assertTrue(Files.exists(temp));

    down.set(false);
    LeftoverTemps.Swept second = leftovers.sweep(NOW);
    assertEquals(null, second.error());
    assertEquals(1, second.removed().size());
    assertFalse(Files.exists(temp));
  }

  @Test
  void aTempThatCannotBeRemovedDoesNotStopTheSweepForTheOthers() throws Exception {
    Path stuck = journaled("a-stuck.mp4", ErrorKind.SOURCE_CHANGED, Duration.ofHours(2));
    Path other = journaled("b-other.mp4", ErrorKind.SOURCE_CHANGED, Duration.ofHours(1));
    Target denying = new ForwardingTarget(target) {
      @Override
      public void delete(String path) throws TargetException {
        if (path.contains("a-stuck")) {
          throw new TargetException(ErrorKind.PERMANENT, "permission denied: " + path);
        }
        real.delete(path);
      }
    };

    LeftoverTemps.Swept swept = new LeftoverTemps(denying, index, LAYOUT).sweep(NOW);

    assertEquals(null, swept.error());
    assertTrue(Files.exists(stuck));
    assertFalse(Files.exists(other));
  }

  @Test
  void aFileTakenUpAgainWhileTheSweepLooksIsLeftAlone() throws Exception {
    Path temp = journaled("retried.mp4", ErrorKind.PERMANENT, Duration.ofDays(8));
    FileInfo file = FileInfo.of("retried.mp4", 1000, NOW.minus(Duration.ofDays(1)).toEpochMilli());
    // an operator's retry lands between the sweep's listing and its delete: a new attempt owns the temp now
    Target retriedMeanwhile = new ForwardingTarget(target) {
      @Override
      public Optional<RemoteStat> stat(String path) throws TargetException {
        try {
          record(file.fileId(), NOW.toEpochMilli(), List.of(new FileEvent.Released("operator retry", "test", dev.mediaferry.file.FileState.Status.QUARANTINED)));
        } catch (Exception e) {
          throw new AssertionError(e);
        }
        return real.stat(path);
      }
    };

    LeftoverTemps.Swept swept = new LeftoverTemps(retriedMeanwhile, index, LAYOUT).sweep(NOW);

    assertEquals(List.of(), swept.removed());
    assertTrue(Files.exists(temp));
  }

  @Test
  void aFileThatEndsAgainAfterARetryIsLookedAtAgain() throws Exception {
    Path temp = journaled("again.mp4", ErrorKind.PERMANENT, Duration.ofDays(8));
    Files.delete(temp); // its own cleanup worked that time
    LeftoverTemps leftovers = new LeftoverTemps(target, index, LAYOUT);
    assertEquals(List.of(), leftovers.sweep(NOW).removed());
    // retried by the operator, superseded this time, with the NAS gone during the cleanup
    FileInfo file = FileInfo.of("again.mp4", 1000, NOW.minus(Duration.ofDays(1)).toEpochMilli());
    String finalPath = LAYOUT.finalPath(file.relativePath(), file.mtimeMillis());
    record(file.fileId(), NOW.minus(Duration.ofMinutes(30)).toEpochMilli(), List.of(
        new FileEvent.Released("operator retry", "test", dev.mediaferry.file.FileState.Status.QUARANTINED),
        new FileEvent.TransferStarted(2, target.describe(), finalPath, RemoteLayout.tempPath(finalPath, file.fileId())),
        new FileEvent.TransferFailed(2, ErrorKind.SOURCE_CHANGED, "changed", null)));
    TestFiles.write(temp, 500, 3);

    assertEquals(1, leftovers.sweep(NOW).removed().size());
    assertFalse(Files.exists(temp));
  }

  @Test
  void theDaemonsSweepRemovesALeftoverOnItsTimer() throws Exception {
    Path temp = journaled("swept.mp4", ErrorKind.SOURCE_CHANGED, Duration.ofHours(1));
    testKit.spawn(LeftoverTempSweep.create(new LeftoverTemps(target, index, LAYOUT),
        Executors.newSingleThreadExecutor(), Clock.fixed(NOW, ZoneOffset.UTC), Duration.ZERO, Duration.ofMillis(50)));

    await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(temp));
  }

  /** The NAS gone: every call fails as a dropped connection does, until it is back. */
  static final class Unreachable extends ForwardingTarget {
    private final AtomicBoolean down;

    Unreachable(Target real, AtomicBoolean down) {
      super(real);
      this.down = down;
    }

    @Override
    public Optional<RemoteStat> stat(String path) throws TargetException {
      if (down.get()) {
        throw new TargetException(ErrorKind.TRANSIENT, describe() + ": connection refused");
      }
      return real.stat(path);
    }

    @Override
    public void delete(String path) throws TargetException {
      if (down.get()) {
        throw new TargetException(ErrorKind.TRANSIENT, describe() + ": connection refused");
      }
      real.delete(path);
    }
  }
}
