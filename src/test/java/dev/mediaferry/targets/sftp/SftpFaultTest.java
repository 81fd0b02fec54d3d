package dev.mediaferry.targets.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.config.Settings;
import dev.mediaferry.daemon.Daemon;
import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.file.FileEvent;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.targets.RemoteLayout;
import dev.mediaferry.targets.SafeCopy;
import dev.mediaferry.targets.Target;
import dev.mediaferry.targets.TargetException;
import dev.mediaferry.testing.JournalContents;
import dev.mediaferry.testing.OpenSshExtension;
import dev.mediaferry.testing.SftpSettings;
import dev.mediaferry.testing.TcpFaultProxy;
import dev.mediaferry.testing.TestFiles;
import dev.mediaferry.testing.TestSettings;
import dev.mediaferry.testing.Tmpfs;
import dev.mediaferry.transfer.FileTransfer;
import dev.mediaferry.transfer.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Network faults and a full disk between mediaferry and the real OpenSSH sshd. */
class SftpFaultTest {
  @RegisterExtension static final OpenSshExtension ssh = new OpenSshExtension();
  @TempDir Path work;

  /** known_hosts naming the proxy's port with the server's key. */
  private Path knownHostsVia(int port) throws Exception {
    String line = Files.readString(ssh.server().knownHosts()).replace(":" + ssh.server().port() + " ", ":" + port + " ");
    return Files.writeString(work.resolve("known_hosts"), line);
  }

  private RunSummary offloadThroughFault(TcpFaultProxy.Fault fault) throws Exception {
    return offloadThroughFault(fault, 8 << 20, 2 << 20);
  }

  /** One file of size bytes through the proxy, which injects the fault after afterBytes of the client's. */
  private RunSummary offloadThroughFault(TcpFaultProxy.Fault fault, long size, long afterBytes) throws Exception {
    Path nas = Files.createDirectories(work.resolve("nas"));
    ssh.server().grant(nas);
    try (TcpFaultProxy proxy = new TcpFaultProxy(ssh.server().port())) {
      Settings settings = TestSettings.under(work.resolve("daemon"), Map.of(
          "mediaferry.target.url", ssh.server().url(nas, proxy.port()), "mediaferry.delete.after-sync", false));
      Path source = TestFiles.write(settings.source().dir().resolve("DJI_0007.MP4"), size, 7);
      Target target = SftpTarget.open(settings.target().url(),
          SftpSettings.of(ssh.server().identityFile(), knownHostsVia(proxy.port())));
      proxy.arm(fault, afterBytes);
      JournalDatabase.ensureSchema(settings.journalFile());
      Daemon daemon = Daemon.start(settings, target, true);
      RunSummary summary = daemon.summary().get(120, TimeUnit.SECONDS);
      daemon.stop().get(60, TimeUnit.SECONDS);

      assertEquals(1, proxy.faultsInjected.get());
      List<Object> events = JournalContents.read(settings).values().iterator().next();
      FileEvent.TransferFailed failed = (FileEvent.TransferFailed) events.stream()
          .filter(e -> e instanceof FileEvent.TransferFailed).findFirst().orElseThrow();
      assertEquals(ErrorKind.TRANSIENT, failed.kind());
      List<Path> stored = TestFiles.listFiles(nas);
      assertEquals(1, stored.size(), "one final file, no temp left: " + stored);
      assertEquals(TestFiles.sha256(source), TestFiles.sha256(stored.get(0)));
      return summary;
    }
  }

  /** 48 MiB goes by the one-pass path (exec channel into tee | openssl on the NAS): cut in mid-stream. */
  @Test
  void aResetInMidStreamOnTheOnePassPathIsRetriedAndVerifies() throws Exception {
    RunSummary summary = offloadThroughFault(TcpFaultProxy.Fault.RESET, 48 << 20, 20 << 20);
    assertEquals(1, summary.verified());
  }

  @Test
  void aStallInMidStreamOnTheOnePassPathIsAbortedByTheIdleTimeoutAndRetried() throws Exception {
    RunSummary summary = offloadThroughFault(TcpFaultProxy.Fault.STALL, 48 << 20, 20 << 20);
    assertEquals(1, summary.verified());
  }

  @Test
  void connectionResetMidUploadIsRetriedOnANewConnection() throws Exception {
    RunSummary summary = offloadThroughFault(TcpFaultProxy.Fault.RESET);
    assertEquals(1, summary.verified());
  }

  @Test
  void stalledConnectionIsAbortedByTheIdleTimeoutAndRetried() throws Exception {
    RunSummary summary = offloadThroughFault(TcpFaultProxy.Fault.STALL);
    assertEquals(1, summary.verified());
  }

  @Test
  void aNasShellThatStopsAnsweringIsGivenUpAfterTheIdleTimeoutAndTheNextCallWorks() throws Exception {
    Path nas = Files.createDirectories(work.resolve("nas"));
    ssh.server().grant(nas);
    Path source = TestFiles.write(work.resolve("src/clip.mp4"), 1 << 20, 5);
    try (Target target = SftpTarget.open(ssh.server().url(nas),
        SftpSettings.of(ssh.server().identityFile(), ssh.server().knownHosts()))) { // idle-timeout 4s
      target.upload(source, "clip.mp4", Target.Progress.NONE, Target.CancelSignal.NEVER);
      assertEquals(TestFiles.sha256(source), target.sha256("clip.mp4")); // the NAS shell runs now
      signalNasShells("STOP"); // hung: sshd still answers keepalives, the shell says nothing
      try {
        TargetException silent = assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
            () -> assertThrows(TargetException.class, () -> target.sha256("clip.mp4")));

        assertEquals(ErrorKind.TRANSIENT, silent.kind());
        assertTrue(silent.getMessage().contains("idle-timeout"), silent.getMessage());
        assertEquals(TestFiles.sha256(source), target.sha256("clip.mp4"), "a new connection, a new shell");
      } finally {
        signalNasShells("CONT");
      }
    }
  }

  /** Sends a signal to the NAS shells (their script says READY) and their python3 of the test's login user. */
  private static void signalNasShells(String signal) throws Exception {
    Process pkill = new ProcessBuilder("pkill", "-" + signal, "-u", ssh.server().user(), "-f", "echo READY|sys.version_info")
        .redirectErrorStream(true).start();
    assertTrue(pkill.waitFor(10, TimeUnit.SECONDS));
    assertEquals(0, pkill.exitValue(), "pkill found the NAS shell");
  }

  @Test
  void fullTargetIsClassifiedLeavesNoPartialFileAndSucceedsOnceSpaceIsFreed() throws Exception {
    try (Tmpfs tmpfs = Tmpfs.mount(work.resolve("small"), "4m")) {
      Path small = tmpfs.dir();
      ssh.server().grant(small);
      Path filler = TestFiles.write(small.resolve("filler.bin"), 3 << 20, 1);
      Path source = TestFiles.write(work.resolve("src/clip.mp4"), 2 << 20, 2);
      long mtime = Files.getLastModifiedTime(source).toMillis();
      try (Target target = SftpTarget.open(ssh.server().url(small), SftpSettings.of(ssh.server().identityFile(),
          ssh.server().knownHosts()))) {
        SafeCopy copy = new SafeCopy(target);
        var request = new SafeCopy.Request(source, 2 << 20, mtime, null, "day/clip.mp4",
            RemoteLayout.tempPath("day/clip.mp4", "abcdef0123456789"));

        TargetException full = assertThrows(TargetException.class,
            () -> copy.copy(request, Target.Progress.NONE, Target.CancelSignal.NEVER));

        assertEquals(ErrorKind.TARGET_FULL, full.kind(), full.getMessage());
        assertTrue(full.getMessage().contains("free space"), full.getMessage());
        assertEquals(List.of(), target.list("day"), "no partial file left");

        Files.delete(filler);
        SafeCopy.Result done = copy.copy(request, Target.Progress.NONE, Target.CancelSignal.NEVER);
        assertEquals(TestFiles.sha256(source), done.sha256());
        assertEquals(List.of("clip.mp4"), target.list("day"));
      }
    }
  }
}
