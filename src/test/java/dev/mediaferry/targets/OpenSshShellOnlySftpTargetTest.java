package dev.mediaferry.targets;

import dev.mediaferry.targets.sftp.SftpTarget;
import dev.mediaferry.testing.SftpSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The same contract against the real OpenSSH sshd, with the NAS's python3 left alone
 * (nas-python = off), as on a NAS without one: hashes by the shell and its openssl, big files
 * over an exec channel of their own, small ones over SFTP.
 */
class OpenSshShellOnlySftpTargetTest extends OpenSshSftpTargetTest {
  @Override
  boolean hashesAsItWrites(Path src) throws IOException {
    return Files.size(src) >= 32 << 20; // the exec channel is worth its start-up only for big files
  }

  @Override
  Target open(Path base) throws Exception {
    ssh.server().grant(work);
    return SftpTarget.open(ssh.server().url(base),
        SftpSettings.withoutNasPython(ssh.server().identityFile(), ssh.server().knownHosts()));
  }
}
