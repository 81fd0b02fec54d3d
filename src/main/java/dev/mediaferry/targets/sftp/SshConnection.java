package dev.mediaferry.targets.sftp;

import java.io.IOException;
import java.time.Duration;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.sftp.SFTPClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One pooled SSH connection: its SFTP session and, once needed, its NAS shell. */
final class SshConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SshConnection.class);
  final SSHClient ssh;
  final SFTPClient sftp;
  private final Duration deadline;
  private final boolean python;
  private RemoteShell shell;

  SshConnection(SSHClient ssh, SFTPClient sftp, Duration deadline) {
    this(ssh, sftp, deadline, true);
  }

  /** python: whether a python3 on the NAS may answer (mediaferry.target.sftp.nas-python). */
  SshConnection(SSHClient ssh, SFTPClient sftp, Duration deadline, boolean python) {
    this.ssh = ssh;
    this.sftp = sftp;
    this.deadline = deadline;
    this.python = python;
  }

  /** The shell, started when first needed, and again after a file's bytes stopped part-way through it. */
  RemoteShell shell() throws IOException {
    if (shell != null && !shell.inStep()) {
      shell.close(); // its python3 sees the end of its input and stops; the partial temp file stays
      shell = null;
    }
    if (shell == null) {
      shell = RemoteShell.start(ssh, deadline, python);
      LOG.debug("the NAS answers hash and space requests with {}", shell.answerer());
    }
    return shell;
  }

  boolean usable() {
    return ssh.isConnected() && ssh.isAuthenticated();
  }

  @Override
  public void close() {
    if (shell != null) {
      shell.close();
    }
    try {
      sftp.close();
    } catch (IOException | RuntimeException ignored) {
      // closing a broken connection
    }
    try {
      ssh.disconnect();
    } catch (IOException | RuntimeException ignored) {
      // closing a broken connection
    }
  }
}
