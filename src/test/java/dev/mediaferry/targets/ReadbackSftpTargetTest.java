package dev.mediaferry.targets;

import dev.mediaferry.targets.sftp.SftpTarget;
import dev.mediaferry.testing.MinaSftpExtension;
import dev.mediaferry.testing.SftpSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The same contract with verify = readback: hashes read back over SFTP, no NAS shell used. */
class ReadbackSftpTargetTest extends TargetContractTest {
  @RegisterExtension static final MinaSftpExtension sftp = new MinaSftpExtension();

  @Override
  Target open(Path base) throws Exception {
    return SftpTarget.open(sftp.server().url(base),
        SftpSettings.of(sftp.server().identityFile(), sftp.server().knownHosts(), "strict", "readback"));
  }

  /** Resuming needs the NAS to hash the temp file's start, which a readback-only account does not do. */
  @Override
  boolean resumes() {
    return false;
  }

  /** Free space needs df on the NAS, which a readback-only account does not run. */
  @Override
  boolean reportsFreeSpace() {
    return false;
  }
}
