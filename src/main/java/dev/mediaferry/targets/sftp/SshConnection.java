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
  private RemoteShell shell;

  SshConnection(SSHClient ssh, SFTPClient sftp, Duration deadline) {
    this.ssh = ssh;
    this.sftp = sftp;
    this.deadline = deadline;
  }

  RemoteShell shell() throws IOException {
    if (shell == null) {
      shell = RemoteShell.start(ssh, deadline);
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
