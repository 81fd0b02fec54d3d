package dev.mediaferry.targets.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.config.Settings;
import dev.mediaferry.daemon.Daemon;
import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.file.FileEvent;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.targets.Target;
import dev.mediaferry.testing.JournalContents;
import dev.mediaferry.testing.OpenSshExtension;
import dev.mediaferry.testing.SftpSettings;
import dev.mediaferry.testing.TcpFaultProxy;
import dev.mediaferry.testing.TestFiles;
import dev.mediaferry.testing.TestSettings;
import dev.mediaferry.transfer.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A 1 GiB upload to the real OpenSSH sshd, reset by the network at 80 %, continues where it was cut. */
class SftpResumeTest {
  static final long GIB = 1L << 30;

  @RegisterExtension static final OpenSshExtension ssh = new OpenSshExtension();
  @TempDir Path work;

  @Test
  void aGibibyteCutAtEightyPercentSendsLessThanThirtyPercentOnTheRetryAndVerifies() throws Exception {
    Path nas = Files.createDirectories(work.resolve("nas"));
    ssh.server().grant(nas);
    try (TcpFaultProxy proxy = new TcpFaultProxy(ssh.server().port())) {
      Settings settings = TestSettings.under(work.resolve("daemon"), Map.of(
          "mediaferry.target.url", ssh.server().url(nas, proxy.port()), "mediaferry.delete.after-sync", false));
      Path source = TestFiles.write(settings.source().dir().resolve("DJI_0001.MP4"), GIB, 11);
      String knownHosts = Files.readString(ssh.server().knownHosts())
          .replace(":" + ssh.server().port() + " ", ":" + proxy.port() + " ");
      Target target = SftpTarget.open(settings.target().url(),
          SftpSettings.of(ssh.server().identityFile(), Files.writeString(work.resolve("known_hosts"), knownHosts)));
      proxy.arm(TcpFaultProxy.Fault.RESET, GIB * 8 / 10); // the client's bytes through the proxy, SSH included
      JournalDatabase.ensureSchema(settings.journalFile());

      Daemon daemon = Daemon.start(settings, target, true);
      RunSummary summary = daemon.summary().get(300, TimeUnit.SECONDS);
      daemon.stop().get(60, TimeUnit.SECONDS);

      assertEquals(1, proxy.faultsInjected.get());
      assertEquals(1, summary.verified());
      List<Object> events = JournalContents.read(settings).values().iterator().next();
      FileEvent.TransferFailed cut = only(events, FileEvent.TransferFailed.class);
      assertEquals(ErrorKind.TRANSIENT, cut.kind(), cut.message());
      FileEvent.TransferResumed resumed = only(events, FileEvent.TransferResumed.class);
      FileEvent.Verified verified = only(events, FileEvent.Verified.class);
      assertTrue(resumed.bytesSent() < GIB * 3 / 10, "sent on the retry: " + resumed.bytesSent());
      assertEquals(GIB, resumed.bytesKept() + resumed.bytesSent());
      assertEquals(resumed.bytesSent(), verified.bytesSent());
      assertEquals(TestFiles.sha256(source), verified.sha256());
      assertEquals(TestFiles.sha256(source), TestFiles.sha256(nas.resolve(verified.remotePath())));
      assertEquals(1, TestFiles.listFiles(nas).stream().filter(p -> !p.getFileName().toString().startsWith(".mediaferry-target-")).count(),
          "one final file, no temp left");
    }
  }

  private static <T> T only(List<Object> events, Class<T> type) {
    List<T> found = events.stream().filter(type::isInstance).map(type::cast).toList();
    assertEquals(1, found.size(), type.getSimpleName() + " in " + events);
    return found.get(0);
  }
}
