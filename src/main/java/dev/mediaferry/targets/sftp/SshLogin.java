package dev.mediaferry.targets.sftp;

import dev.mediaferry.config.Settings;
import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.targets.TargetException;
import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import net.schmizz.keepalive.KeepAlive;
import net.schmizz.keepalive.KeepAliveRunner;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.DisconnectReason;
import net.schmizz.sshj.sftp.SFTPClient;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;

/**
 * Opens one SSH connection to the NAS: host key checked against known_hosts, keepalives and
 * deadlines set, logged in with the configured key or password, SFTP started. A failure is
 * classified here, where it is known whether the login was refused or cut by the network.
 */
final class SshLogin {
  /** Unanswered keepalives (sent every idle-timeout / 4) before a connection is declared dead. */
  private static final int KEEPALIVE_MISSES = 4;

  private final SftpEndpoint endpoint;
  private final Settings.Sftp settings;
  private final File knownHostsFile;

  SshLogin(SftpEndpoint endpoint, Settings.Sftp settings) {
    this.endpoint = endpoint;
    this.settings = settings;
    this.knownHostsFile = settings.knownHosts().isEmpty()
        ? new File(System.getProperty("user.home"), ".ssh/known_hosts") : new File(settings.knownHosts());
  }

  SshConnection connect() throws TargetException {
    KnownHostsVerifier verifier;
    try {
      verifier = new KnownHostsVerifier(knownHostsFile, settings.hostKeyPolicy() == Settings.HostKeyPolicy.ACCEPT_NEW);
    } catch (IOException e) {
      throw new TargetException(ErrorKind.PERMANENT, "cannot read known_hosts " + knownHostsFile + ": " + e, e);
    }
    SSHClient ssh = new SSHClient(SshSecurity.config());
    try {
      ssh.addHostKeyVerifier(verifier);
      ssh.setConnectTimeout((int) settings.connectTimeout().toMillis());
      ssh.connect(endpoint.host(), endpoint.port());
      KeepAlive keepAlive = ssh.getConnection().getKeepAlive();
      keepAlive.setKeepAliveInterval((int) Math.max(1, settings.idleTimeout().toSeconds() / KEEPALIVE_MISSES));
      if (keepAlive instanceof KeepAliveRunner runner) {
        runner.setMaxAliveCount(KEEPALIVE_MISSES);
      }
      ssh.getConnection().setTimeoutMs((int) settings.idleTimeout().toMillis());
      authenticate(ssh);
      SFTPClient sftp = ssh.newSFTPClient();
      sftp.getSFTPEngine().setTimeoutMs((int) settings.idleTimeout().toMillis());
      return new SshConnection(ssh, sftp, settings.idleTimeout(), settings.nasPython() != Settings.NasPython.OFF);
    } catch (IOException | RuntimeException e) {
      boolean transportBroke = e instanceof UserAuthException ? closesSoon(ssh) : !ssh.isConnected();
      closeQuietly(ssh);
      throw classify("connect to", "", e, verifier, transportBroke);
    }
  }

  private void authenticate(SSHClient ssh) throws IOException {
    if (!settings.password().isEmpty()) {
      ssh.authPassword(endpoint.user(), settings.password());
    } else if (!settings.identityFile().isEmpty()) {
      if (!Files.isReadable(Path.of(settings.identityFile()))) {
        throw new UserAuthException("identity file " + settings.identityFile() + " is missing or unreadable");
      }
      ssh.authPublickey(endpoint.user(), ssh.loadKeys(settings.identityFile()));
    } else {
      ssh.authPublickey(endpoint.user());
    }
  }

  /**
   * A refusal leaves the connection open (OpenSSH waits for the next key); a login cut by the
   * network closes it, but the refusal-like answer can arrive a moment before the close does.
   */
  private static boolean closesSoon(SSHClient ssh) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
    while (ssh.isConnected() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return !ssh.isConnected();
  }

  private static void closeQuietly(SSHClient ssh) {
    try {
      ssh.close();
    } catch (IOException | RuntimeException ignored) {
      // already failing
    }
  }

  private TargetException classify(String action, String path, Throwable e, KnownHostsVerifier verifier,
      boolean transportBroke) {
    String where = endpoint.user() + "@" + endpoint.host() + ":" + endpoint.port();
    if (e instanceof TransportException t && t.getDisconnectReason() == DisconnectReason.HOST_KEY_NOT_VERIFIABLE) {
      String why = verifier.refusal() != null ? verifier.refusal() : "host key of " + where + " not verifiable";
      return new TargetException(ErrorKind.PERMANENT, why, e);
    }
    if (e instanceof UserAuthException && transportBroke) {
      // sshj reports a login cut short by the network as "exhausted authentication methods" too
      return new TargetException(ErrorKind.TRANSIENT, "the connection to " + where + " broke during login ("
          + e.getMessage() + "); retrying", e);
    }
    if (e instanceof UserAuthException) {
      String fix = !settings.password().isEmpty()
          ? "check mediaferry.target.sftp.password (better: a key, target.sftp.identity-file)"
          : "add the public key of " + (settings.identityFile().isEmpty() ? "~/.ssh/id_*" : settings.identityFile())
              + " to ~" + endpoint.user() + "/.ssh/authorized_keys on the NAS";
      return new TargetException(ErrorKind.PERMANENT, "authentication as " + where + " failed (" + e.getMessage()
          + "): " + fix, e);
    }
    if (e instanceof ConnectException) {
      return new TargetException(ErrorKind.TRANSIENT, "cannot connect to " + where + " (" + e.getMessage()
          + "): is the NAS up and sshd listening on port " + endpoint.port() + "?", e);
    }
    return new TargetException(ErrorKind.TRANSIENT, "cannot " + action + " " + where + " " + path + ": " + e, e);
  }
}
