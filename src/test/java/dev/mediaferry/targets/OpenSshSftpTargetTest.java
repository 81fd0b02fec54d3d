package dev.mediaferry.targets;

import dev.mediaferry.targets.sftp.SftpTarget;
import dev.mediaferry.testing.OpenSshExtension;
import dev.mediaferry.testing.SftpSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SftpTarget against the real OpenSSH sshd on 127.0.0.1. */
class OpenSshSftpTargetTest extends TargetContractTest {
  @RegisterExtension static final OpenSshExtension ssh = new OpenSshExtension();

  @Override
  Target open(Path base) throws Exception {
    ssh.server().grant(work);
    return SftpTarget.open(ssh.server().url(base), SftpSettings.of(ssh.server().identityFile(), ssh.server().knownHosts()));
  }
}
