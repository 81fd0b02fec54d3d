package dev.mediaferry.targets;

import dev.mediaferry.targets.sftp.SftpTarget;
import dev.mediaferry.testing.MinaSftpExtension;
import dev.mediaferry.testing.SftpSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SftpTarget against Apache MINA SSHD in this process: the fast SFTP tests. */
class MinaSftpTargetTest extends TargetContractTest {
  @RegisterExtension static final MinaSftpExtension sftp = new MinaSftpExtension();

  @Override
  boolean hashesAsItWrites(Path src) {
    return true;
  }

  @Override
  Target open(Path base) throws Exception {
    return SftpTarget.open(sftp.server().url(base),
        SftpSettings.of(sftp.server().identityFile(), sftp.server().knownHosts()));
  }
}
