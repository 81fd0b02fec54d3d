package dev.mediaferry.targets.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.config.Settings;
import dev.mediaferry.daemon.Daemon;
import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.file.FileEvent;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.targets.Target;
import dev.mediaferry.targets.TargetException;
import dev.mediaferry.testing.JournalContents;
import dev.mediaferry.testing.OpenSshExtension;
import dev.mediaferry.testing.OpenSshServer;
import dev.mediaferry.testing.SftpSettings;
import dev.mediaferry.testing.TestFiles;
import dev.mediaferry.testing.TestSettings;
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

/** Host keys, authentication and permissions against the real OpenSSH sshd. */
class SftpSafetyTest {
  @RegisterExtension static final OpenSshExtension ssh = new OpenSshExtension();
  @TempDir Path work;

  private Path nas() throws Exception {
    Path nas = Files.createDirectories(work.resolve("nas"));
    ssh.server().grant(nas);
    return nas;
  }

  @Test
  void unknownHostKeyIsRefusedWithTheLineThatAddsIt() throws Exception {
    Path emptyKnownHosts = Files.writeString(work.resolve("known_hosts"), "");

    TargetException e = assertThrows(TargetException.class, () -> SftpTarget.open(ssh.server().url(nas()),
        SftpSettings.of(ssh.server().identityFile(), emptyKnownHosts)));

    assertEquals(ErrorKind.PERMANENT, e.kind());
    assertTrue(e.getMessage().contains("is not in " + emptyKnownHosts), e.getMessage());
    assertTrue(e.getMessage().contains("ssh-keyscan -p " + ssh.server().port() + " 127.0.0.1"), e.getMessage());
    assertEquals("", Files.readString(emptyKnownHosts), "nothing recorded under the strict policy");
  }

  @Test
  void acceptNewRecordsAnUnknownKeyOnFirstUseAndTrustsItAfter() throws Exception {
    Path knownHosts = Files.writeString(work.resolve("known_hosts"), "");
    Settings.Sftp acceptNew = SftpSettings.of(ssh.server().identityFile(), knownHosts, "accept-new", "auto");

    try (Target target = SftpTarget.open(ssh.server().url(nas()), acceptNew)) {
      assertTrue(target.list("").isEmpty());
    }

    String recorded = Files.readString(knownHosts);
    assertTrue(recorded.startsWith("[127.0.0.1]:" + ssh.server().port() + " ssh-ed25519 "), recorded);
    try (Target strict = SftpTarget.open(ssh.server().url(work), SftpSettings.of(ssh.server().identityFile(), knownHosts))) {
      assertTrue(strict.stat("nas").orElseThrow().directory());
    }
  }

  @Test
  void changedHostKeyIsAlwaysRefusedEvenWithAcceptNew() throws Exception {
    OpenSshServer.run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", work.resolve("other").toString());
    String otherKey = String.join(" ", List.of(Files.readString(work.resolve("other.pub")).split(" ")).subList(0, 2));
    Path knownHosts = Files.writeString(work.resolve("known_hosts"), "[127.0.0.1]:" + ssh.server().port() + " " + otherKey);

    TargetException e = assertThrows(TargetException.class, () -> SftpTarget.open(ssh.server().url(nas()),
        SftpSettings.of(ssh.server().identityFile(), knownHosts, "accept-new", "auto")));

    assertEquals(ErrorKind.PERMANENT, e.kind());
    assertTrue(e.getMessage().contains("CHANGED"), e.getMessage());
    assertTrue(e.getMessage().contains("ssh-keygen -R"), e.getMessage());
  }

  @Test
  void aKeyOfAnotherTypeForAKnownHostIsAChangedKeyEvenWithAcceptNew() throws Exception {
    OpenSshServer.run("ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", work.resolve("recorded").toString());
    String recorded = String.join(" ", List.of(Files.readString(work.resolve("recorded.pub")).split(" ")).subList(0, 2));
    String line = "[127.0.0.1]:" + ssh.server().port() + " " + recorded + "\n";
    Path knownHosts = Files.writeString(work.resolve("known_hosts"), line); // the server offers ed25519

    TargetException e = assertThrows(TargetException.class, () -> SftpTarget.open(ssh.server().url(nas()),
        SftpSettings.of(ssh.server().identityFile(), knownHosts, "accept-new", "auto")));

    assertEquals(ErrorKind.PERMANENT, e.kind());
    assertTrue(e.getMessage().contains("CHANGED"), e.getMessage());
    assertEquals(line, Files.readString(knownHosts), "nothing recorded beside the known key");
  }

  @Test
  void theStrictRefusalShowsTheFingerprintToCompareNotABlindKeyscan() throws Exception {
    Path emptyKnownHosts = Files.writeString(work.resolve("known_hosts"), "");

    TargetException e = assertThrows(TargetException.class, () -> SftpTarget.open(ssh.server().url(nas()),
        SftpSettings.of(ssh.server().identityFile(), emptyKnownHosts)));

    assertTrue(e.getMessage().contains("SHA256:"), e.getMessage());
    assertTrue(e.getMessage().contains("compare"), e.getMessage());
    assertTrue(e.getMessage().contains("only if they match"), e.getMessage());
  }

  @Test
  void wrongClientKeyIsAPermanentAuthFailure() throws Exception {
    OpenSshServer.run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", work.resolve("stranger").toString());

    TargetException e = assertThrows(TargetException.class, () -> SftpTarget.open(ssh.server().url(nas()),
        SftpSettings.of(work.resolve("stranger"), ssh.server().knownHosts())));

    assertEquals(ErrorKind.PERMANENT, e.kind());
    assertTrue(e.getMessage().contains("authentication as " + ssh.server().user()), e.getMessage());
  }

  @Test
  void permissionDeniedQuarantinesTheFileWithTheReason() throws Exception {
    OpenSshServer.requireRoot("a folder the login user cannot write");
    Path nas = nas();
    Files.createDirectories(nas.resolve("2025"));
    Settings settings = TestSettings.under(work.resolve("daemon"), Map.of(
        "mediaferry.target.url", ssh.server().url(nas)));
    TestFiles.write(settings.source().dir().resolve("denied.mp4"), 1000, 1);
    // the day folder's parent belongs to root and is read-only: the login user cannot create 2025/03
    OpenSshServer.run("chown", "root", nas.resolve("2025").toString());
    OpenSshServer.run("chmod", "555", nas.resolve("2025").toString());

    JournalDatabase.ensureSchema(settings.journalFile());
    Target target = SftpTarget.open(settings.target().url(),
        SftpSettings.of(ssh.server().identityFile(), ssh.server().knownHosts()));
    Daemon daemon = Daemon.start(settings, target, true);
    RunSummary summary = daemon.summary().get(60, TimeUnit.SECONDS);
    daemon.stop().get(60, TimeUnit.SECONDS);

    assertEquals(1, summary.failed());
    List<Object> events = JournalContents.read(settings).values().iterator().next();
    FileEvent.TransferFailed failed = (FileEvent.TransferFailed) events.get(events.size() - 1);
    assertEquals(ErrorKind.PERMANENT, failed.kind());
    assertTrue(failed.message().contains("permission denied"), failed.message());
    assertTrue(Files.exists(settings.source().dir().resolve("denied.mp4")), "the source is kept");
  }
}
