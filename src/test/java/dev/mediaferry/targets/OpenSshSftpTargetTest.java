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
    dev.mediaferry.deletion.Trash.deleteTree(base.resolve("2026"));

    target.mkdirs("2026/01/02"); // known: no round trip, so the folder is still gone
    org.junit.jupiter.api.Assertions.assertThrows(TargetException.class,
        () -> target.upload(src, "2026/01/02/b.mp4", Target.Progress.NONE, Target.CancelSignal.NEVER));
    target.mkdirs("2026/01/02"); // the failure made it forget: made again
    target.upload(src, "2026/01/02/b.mp4", Target.Progress.NONE, Target.CancelSignal.NEVER);

    org.junit.jupiter.api.Assertions.assertEquals(dev.mediaferry.testing.TestFiles.sha256(src),
        dev.mediaferry.testing.TestFiles.sha256(base.resolve("2026/01/02/b.mp4")));
  }

  /**
   * A shutdown stops a file's bytes part-way through the NAS's python3 (or its exec channel):
   * that conversation cannot go on, so the next operations on the connection start a new one.
   */
  @org.junit.jupiter.api.Test
  void anUploadCancelledMidStreamLeavesTheConnectionsUsableForTheNextFiles() throws Exception {
    Path big = dev.mediaferry.testing.TestFiles.write(work.resolve("src/cancelled.mp4"), 40 << 20, 7);
    java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
    target.mkdirs("c");

    org.junit.jupiter.api.Assertions.assertThrows(Target.Cancelled.class,
        () -> target.uploadHashed(big, "c/cancelled.mp4", sent::set, () -> sent.get() > 0));

    for (int i = 0; i < 4; i++) { // more than the pool's connections: each of them is used again
      Path next = dev.mediaferry.testing.TestFiles.write(work.resolve("src/next" + i + ".mp4"), 40 << 20, 10 + i);
      String sha = dev.mediaferry.testing.TestFiles.sha256(next);
      var upload = target.uploadHashed(next, "c/next" + i + ".mp4", Target.Progress.NONE, Target.CancelSignal.NEVER);
      org.junit.jupiter.api.Assertions.assertTrue(upload.isPresent());
      org.junit.jupiter.api.Assertions.assertEquals(sha, upload.get().storedSha256());
      org.junit.jupiter.api.Assertions.assertEquals(sha, dev.mediaferry.testing.TestFiles.sha256(
          base.resolve("c/next" + i + ".mp4")));
      org.junit.jupiter.api.Assertions.assertEquals(sha, target.sha256("c/next" + i + ".mp4"));
    }
  }

  private static String tail(String log) {
    return String.join("\n", log.lines().filter(l -> l.contains("durable.mp4") && !l.contains(" write ")).toList());
  }

  @Override
  boolean hashesAsItWrites(Path src) throws java.io.IOException {
    return true;
  }

  @Override
  Target open(Path base) throws Exception {
    ssh.server().grant(work);
    return SftpTarget.open(ssh.server().url(base), SftpSettings.of(ssh.server().identityFile(), ssh.server().knownHosts()));
  }
}
