package dev.mediaferry.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.config.Settings;
import dev.mediaferry.discovery.SourceScan;
import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.file.FileEvent;
import dev.mediaferry.file.FileInfo;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.targets.LocalTarget;
import dev.mediaferry.targets.RemoteLayout;
import dev.mediaferry.testing.Cli;
import dev.mediaferry.testing.FaultyTarget;
import dev.mediaferry.testing.JournalContents;
import dev.mediaferry.testing.OpenSshServer;
import dev.mediaferry.testing.TestFiles;
import dev.mediaferry.testing.TestSettings;
import dev.mediaferry.testing.Tmpfs;
import dev.mediaferry.transfer.RunSummary;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad inputs an edge box meets (docs/reliability.md has the whole table): each is answered with
 * an error that names the file or key and what to do, or is stepped around, and nothing is lost.
 */
class BadInputsTest {
  @TempDir Path root;

  private String config(String body) throws Exception {
    Files.createDirectories(root.resolve("media"));
    return Cli.configFile(root, "mediaferry {\n home = \"" + root + "\"\n source { dir = \"" + root + "/media\", "
        + "stable-for = 0s }\n storage.min-free = 0\n delete.delay = 0s\n" + body + "\n}\n");
  }

  @Test
  void aMalformedConfigIsExitTwoNamingTheFileAndTheLine() throws Exception {
    String conf = Cli.configFile(root, "mediaferry {\n  home = \"" + root + "\"\n  source {\n    dir = \"x\"\n");

    Cli.Result result = Cli.run(root, "run", "--once", "--config", conf);

    assertEquals(2, result.exitCode(), result.stderr());
    assertTrue(result.stderr().contains(Path.of(conf).getFileName().toString()) && result.stderr().contains(": 5:"),
        "the file and its line: " + result.stderr());
  }

  @Test
  void aTargetPathThatIsAFileIsExitTwoNamingItAndWhatToPointAt() throws Exception {
    Path notAFolder = Files.writeString(root.resolve("nas"), "a file where the share should be");
    String conf = config(" target.url = \"file:" + notAFolder + "\"");

    Cli.Result result = Cli.run(root, "run", "--once", "--config", conf);

    assertEquals(2, result.exitCode(), result.stderr());
    assertTrue(result.stderr().contains(notAFolder + " is a file, not a folder")
        && result.stderr().contains("mediaferry.target.url"), result.stderr());
  }

  @Test
  void aCorruptJournalIsExitTwoSayingWhatToDoAndIsLeftAsItWas() throws Exception {
    String conf = config(" target.url = \"file:" + root + "/nas\"");
    Path journal = Files.createDirectories(root.resolve("var/state")).resolve("journal.db");
    byte[] garbage = new byte[64 * 1024];
    new java.util.Random(1).nextBytes(garbage);
    Files.write(journal, garbage);
    TestFiles.write(root.resolve("media/a.jpg"), 1000, 1);

    Cli.Result result = Cli.run(root, "run", "--once", "--config", conf);

    assertEquals(2, result.exitCode(), result.stderr());
    assertTrue(result.stderr().contains(journal + " is not a readable SQLite database")
        && result.stderr().contains("db backup"), result.stderr());
    assertFalse(result.stderr().contains("\tat "), "a message, not a stack trace: " + result.stderr());
    assertArrayEquals(garbage, Files.readAllBytes(journal), "the journal is left as it was");
    assertTrue(Files.exists(root.resolve("media/a.jpg")));
  }

  @Test
  void aReadOnlyStateFolderIsRefusedAtStartAndAFullOneToo() throws Exception {
    String conf = config(" target.url = \"file:" + root + "/nas\"\n state-dir = \"" + root + "/state\"");
    TestFiles.write(root.resolve("media/a.jpg"), 1000, 1);
    try (Tmpfs state = Tmpfs.mount(root.resolve("state"), "2m")) {
      JournalDatabase.ensureSchema(state.dir().resolve("journal.db")); // a journal from an earlier run
      OpenSshServer.run("mount", "-o", "remount,ro", state.dir().toString());

      Cli.Result readOnly = Cli.run(root, "run", "--once", "--config", conf);

      assertEquals(2, readOnly.exitCode(), readOnly.stderr());
      assertTrue(readOnly.stderr().contains("Read-only file system")
          && readOnly.stderr().contains("must be a folder the mediaferry user can write"), readOnly.stderr());

      OpenSshServer.run("mount", "-o", "remount,rw", state.dir().toString());
      Path filler = state.dir().resolve("filler");
      OpenSshServer.run("sh", "-c", "cat /dev/zero > " + filler + " 2>/dev/null || true");

      Cli.Result full = Cli.run(root, "run", "--once", "--config", conf);

      assertTrue(full.exitCode() != 0, "a full state disk is not a successful run: " + full.stdout());
      assertTrue(full.stderr().contains("full") || full.stderr().contains("space"), full.stderr());
      assertTrue(Files.exists(root.resolve("media/a.jpg")), "nothing deleted without a journal to say so");

      Files.delete(filler);
      Cli.Result freed = Cli.run(root, "run", "--once", "--config", conf);

      assertEquals(0, freed.exitCode(), freed.stderr());
      assertFalse(Files.exists(root.resolve("media/a.jpg")), "offloaded once there is room: " + freed.stdout());
    }
  }

  @Test
  void anUnreadableSourceFileIsQuarantinedNamingItAndTheRestArrives() throws Exception {
    String conf = config(" target.url = \"file:" + root + "/nas\"");
    Path locked = TestFiles.write(root.resolve("media/locked.jpg"), 5000, 1);
    TestFiles.write(root.resolve("media/ok.jpg"), 5000, 2);
    Files.setPosixFilePermissions(locked, java.util.Set.of());
    // root reads any file: the daemon runs without that power, as the mediaferry user would
    List<String> asAUser = OpenSshServer.isRoot() ? List.of("setpriv", "--inh-caps=-dac_override,-dac_read_search",
        "--bounding-set=-dac_override,-dac_read_search", "--") : List.of();

    Cli.Result result = Cli.runThrough(root, asAUser, "run", "--once", "--config", conf);

    assertEquals(1, result.exitCode(), result.stdout());
    assertTrue(result.stdout().contains("1 verified") && result.stdout().contains("1 failed"), result.stdout());
    String log = result.stdout() + result.stderr();
    assertTrue(log.contains("cannot read source file " + locked) && log.contains("read access"), log);
    assertTrue(Files.exists(locked), "the unreadable file stays where it is");
  }

  @Test
  void fifosDevicesAndLinkLoopsInTheSourceAreSteppedAroundAndTheRestArrives() throws Exception {
    Settings settings = TestSettings.under(root, Map.of());
    Path media = Files.createDirectories(settings.source().dir());
    TestFiles.write(media.resolve("a.jpg"), 5000, 1);
    OpenSshServer.run("mkfifo", media.resolve("a-fifo").toString()); // opening it would block for ever
    if (OpenSshServer.isRoot()) {
      OpenSshServer.run("mknod", media.resolve("a-device").toString(), "c", "1", "3"); // /dev/null's numbers
    }
    Files.createDirectories(media.resolve("loop"));
    Files.createSymbolicLink(media.resolve("loop/self"), media.resolve("loop"));
    Files.createSymbolicLink(media.resolve("ping"), media.resolve("pong"));
    Files.createSymbolicLink(media.resolve("pong"), media.resolve("ping"));

    RunSummary summary = DaemonEndToEndTest.runOnce(settings, new LocalTarget(TestSettings.nas(settings)));

    assertEquals(1, summary.verified());
    assertEquals(0, summary.failed());
    assertEquals(1, TestFiles.listFiles(TestSettings.nas(settings)).size(), "only the photo on the NAS");
    assertTrue(Files.exists(media.resolve("a-fifo")), "the fifo is left alone");
  }

  @Test
  void aZeroByteFileArrivesVerifiedAndGoesToTheTrash() throws Exception {
    Settings settings = TestSettings.under(root, Map.of("mediaferry.target.layout", "{path}"));
    Path empty = Files.createDirectories(settings.source().dir()).resolve("empty.jpg");
    Files.write(empty, new byte[0]);

    RunSummary summary = DaemonEndToEndTest.runOnce(settings, new LocalTarget(TestSettings.nas(settings)));

    assertEquals(1, summary.verified());
    assertEquals(1, summary.deleted());
    assertEquals(0, Files.size(TestSettings.nas(settings).resolve("empty.jpg")));
    assertFalse(Files.exists(empty));
  }

  @Test
  void aSourceDeletedMidTransferEndsSupersededWithNothingLeftOnTheTargetAndNoQuarantine() throws Exception {
    Settings settings = TestSettings.under(root, Map.of("mediaferry.target.layout", "{path}"));
    Path source = TestFiles.write(settings.source().dir().resolve("gone.mp4"), 3_000_000, 1);
    FaultyTarget target = new FaultyTarget(new LocalTarget(TestSettings.nas(settings)));
    target.duringNextUpload = () -> source.toFile().delete(); // the operator moved it away mid-upload

    RunSummary summary = DaemonEndToEndTest.runOnce(settings, target);

    assertEquals(0, summary.verified());
    assertEquals(List.of(), TestFiles.listFiles(TestSettings.nas(settings)), "no copy, no temp on the target");
    List<Object> events = JournalContents.read(settings).values().iterator().next();
    assertTrue(events.stream().anyMatch(e -> e instanceof FileEvent.TransferFailed f
        && f.kind() == ErrorKind.SOURCE_CHANGED && f.retryAtMillis() == null), events.toString());
  }

  @Test
  void aTenThousandFileFolderIsOffloadedInOneRun() throws Exception {
    Settings settings = TestSettings.under(root, Map.of("mediaferry.delete.after-sync", false,
        "mediaferry.target.layout", "{path}", "mediaferry.transfer.max-concurrent", 4));
    Path folder = Files.createDirectories(settings.source().dir().resolve("DCIM/100MEDIA"));
    for (int i = 0; i < 10_000; i++) {
      Files.write(folder.resolve(String.format("DJI_%05d.JPG", i)), new byte[] {(byte) i, (byte) (i >> 8)});
    }
    long started = System.nanoTime();

    RunSummary summary = DaemonEndToEndTest.runOnce(settings, new LocalTarget(TestSettings.nas(settings)));

    System.out.printf("10,000-file folder: %.1f s%n", (System.nanoTime() - started) / 1e9);
    assertEquals(10_000, summary.verified());
    assertEquals(10_000, TestFiles.listFiles(TestSettings.nas(settings).resolve("DCIM/100MEDIA")).size());
  }

  /** The scan of a 100,000-file backlog, measured (docs/reliability.md): it lists every file, in bounded time. */
  @Test
  void aHundredThousandFileBacklogIsListedByOneScanAndItsCostIsMeasured() throws Exception {
    Path media = Files.createDirectories(root.resolve("media"));
    for (int d = 0; d < 100; d++) {
      Path day = Files.createDirectories(media.resolve(String.format("flight-%03d", d)));
      for (int i = 0; i < 1000; i++) {
        Files.createFile(day.resolve(String.format("DJI_%04d.JPG", i)));
      }
    }
    SourceScan scan = new SourceScan(media, List.of());
    var threads = ManagementFactory.getThreadMXBean();
    scan.run(); // the first pass warms the code; the daemon scans every scan-interval, the same work each time
    long cpu = threads.getCurrentThreadCpuTime();
    long wall = System.nanoTime();

    List<FileInfo> listed = scan.run();

    double cpuMs = (threads.getCurrentThreadCpuTime() - cpu) / 1e6;
    System.out.printf("100,000-file backlog: one scan %.0f ms CPU, %.0f ms wall%n", cpuMs,
        (System.nanoTime() - wall) / 1e6);
    assertEquals(100_000, listed.size());
    assertTrue(listed.stream().noneMatch(f -> RemoteLayout.isTempName(f.relativePath())));
  }
}
