package dev.mediaferry.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.file.FileInfo;
import dev.mediaferry.testing.TestFiles;
import dev.mediaferry.transfer.TransferSupervisor;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LogCapturingExtension.class)
class DirectoryScannerTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  @TempDir Path source;

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  private TestProbe<TransferSupervisor.Command> scan(Duration stableFor, List<String> excludes) {
    TestProbe<TransferSupervisor.Command> supervisor = testKit.createTestProbe();
    testKit.spawn(DirectoryScanner.create(new SourceScan(source, excludes), stableFor, Duration.ofMillis(50),
        supervisor.ref(), Executors.newSingleThreadExecutor(), null));
    return supervisor;
  }

  private static List<String> paths(TransferSupervisor.Command message) {
    return ((TransferSupervisor.FilesFound) message).files().stream().map(FileInfo::relativePath).toList();
  }

  @Test
  void growingFileIsNotTakenUntilItStops() throws Exception {
    Path growing = source.resolve("DJI_0421.MP4");
    Files.write(growing, new byte[1000]);
    ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
    writer.scheduleAtFixedRate(() -> append(growing), 0, 40, TimeUnit.MILLISECONDS);
    // stable-for is many write intervals long, so a stalled writer thread on a busy CI machine does not fake stability
    TestProbe<TransferSupervisor.Command> supervisor = scan(Duration.ofMillis(1500), List.of());

    // two seconds of scans while it grows: never taken
    long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (System.nanoTime() < until) {
      assertEquals(List.of(), paths(supervisor.receiveMessage(Duration.ofSeconds(5))));
    }
    writer.shutdownNow();
    writer.awaitTermination(5, TimeUnit.SECONDS);
    long finalSize = Files.size(growing);

    List<TransferSupervisor.Command> seen = supervisor.fishForMessage(Duration.ofSeconds(10),
        m -> paths(m).isEmpty() ? FishingOutcomes.continueAndIgnore() : FishingOutcomes.complete());
    FileInfo taken = ((TransferSupervisor.FilesFound) seen.get(seen.size() - 1)).files().get(0);
    assertEquals(finalSize, taken.size());
  }

  private static void append(Path file) {
    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
      out.write(new byte[4096]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void hiddenTempExcludedAndSymlinkedFilesAreSkipped(@TempDir Path outside) throws Exception {
    TestFiles.write(source.resolve("keep/a.mp4"), 10, 1);
    TestFiles.write(source.resolve(".hidden.mp4"), 10, 2);
    TestFiles.write(source.resolve(".cache/b.mp4"), 10, 3);
    TestFiles.write(source.resolve("c.mp4.part"), 10, 4);
    TestFiles.write(source.resolve("tmp/d.mp4"), 10, 5);
    TestFiles.write(source.resolve(".x.mp4.mftmp-abc"), 10, 6);
    Path secret = TestFiles.write(outside.resolve("secret.mp4"), 10, 7);
    Files.createSymbolicLink(source.resolve("link.mp4"), secret);
    Files.createSymbolicLink(source.resolve("linkdir"), outside);

    TestProbe<TransferSupervisor.Command> supervisor = scan(Duration.ZERO, List.of("*.part", "tmp/**"));

    List<String> taken = paths(supervisor.receiveMessage(Duration.ofSeconds(5)));
    assertEquals(List.of("keep/a.mp4"), taken);
    assertTrue(Files.exists(secret));
  }
}
