package dev.mediaferry.targets;

import dev.mediaferry.targets.sftp.SftpTarget;
import dev.mediaferry.testing.OpenSshExtension;
import dev.mediaferry.testing.SftpSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SftpTarget against the real OpenSSH sshd on 127.0.0.1. */
class OpenSshSftpTargetTest extends TargetContractTest {
  @RegisterExtension static final OpenSshExtension ssh = new OpenSshExtension();

  @org.junit.jupiter.api.Test
  void uploadsAreFsyncedOnTheNasBeforeTheyCount() throws Exception {
    Path src = dev.mediaferry.testing.TestFiles.write(work.resolve("src/durable.mp4"), 300_000, 5);

    target.upload(src, "durable.mp4", Target.Progress.NONE, Target.CancelSignal.NEVER);

    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
        org.junit.jupiter.api.Assertions.assertTrue(ssh.server().log().contains("fsync \"" + base.resolve("durable.mp4")),
            "the SFTP server was asked to fsync the upload (fsync@openssh.com); its log: " + tail(ssh.server().log())));
  }

  /** Folders are made once per run; one removed on the NAS behind its back costs one failure, then is made again. */
  @org.junit.jupiter.api.Test
  void aFolderRemovedOnTheNasIsMadeAgainAfterTheFailureItCauses() throws Exception {
    Path src = dev.mediaferry.testing.TestFiles.write(work.resolve("src/day.mp4"), 10_000, 6);
    target.mkdirs("2026/01/02");
    target.upload(src, "2026/01/02/a.mp4", Target.Progress.NONE, Target.CancelSignal.NEVER);
    try (var files = java.nio.file.Files.walk(base.resolve("2026"))) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }

    target.mkdirs("2026/01/02"); // known: no round trip, so the folder is still gone
    org.junit.jupiter.api.Assertions.assertThrows(TargetException.class,
        () -> target.upload(src, "2026/01/02/b.mp4", Target.Progress.NONE, Target.CancelSignal.NEVER));
    target.mkdirs("2026/01/02"); // the failure made it forget: made again
    target.upload(src, "2026/01/02/b.mp4", Target.Progress.NONE, Target.CancelSignal.NEVER);

    org.junit.jupiter.api.Assertions.assertEquals(dev.mediaferry.testing.TestFiles.sha256(src),
        dev.mediaferry.testing.TestFiles.sha256(base.resolve("2026/01/02/b.mp4")));
  }

  private static String tail(String log) {
    return String.join("\n", log.lines().filter(l -> l.contains("durable.mp4") && !l.contains(" write ")).toList());
  }

  @Override
  boolean hashesAsItWrites() {
    return true;
  }

  @Override
  Target open(Path base) throws Exception {
    ssh.server().grant(work);
    return SftpTarget.open(ssh.server().url(base), SftpSettings.of(ssh.server().identityFile(), ssh.server().knownHosts()));
  }
}
