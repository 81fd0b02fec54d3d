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
