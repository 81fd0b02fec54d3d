package dev.mediaferry.targets.sftp;

import dev.mediaferry.config.Settings;
import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.targets.RemoteStat;
import dev.mediaferry.targets.Sha256;
import dev.mediaferry.targets.Space;
import dev.mediaferry.targets.Target;
import dev.mediaferry.targets.TargetException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.schmizz.sshj.sftp.FileAttributes;
import net.schmizz.sshj.sftp.FileMode;
import net.schmizz.sshj.sftp.OpenMode;
import net.schmizz.sshj.sftp.RemoteFile;
import net.schmizz.sshj.sftp.RemoteResourceInfo;
import net.schmizz.sshj.sftp.Response;
import net.schmizz.sshj.sftp.SFTPException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A NAS reached over SSH (sshj): files written over SFTP, hashed on the NAS through a
 * long-lived shell (or read back over SFTP when the account has no shell), host keys always
 * checked against known_hosts. Connections are pooled; a failed one is dropped.
 */
public final class SftpTarget implements Target {
  private static final Logger LOG = LoggerFactory.getLogger(SftpTarget.class);
  private static final int READ_AHEAD = 32;
  /**
   * Smaller files are hashed on the NAS in well under a second even by a slow CPU (64 MiB at
   * 100 MB/s: 0.7 s), so the reply needs no keep-alive before the idle deadline.
   */
  static final long QUICK_HASH_MAX = 64L << 20;
  /**
   * Without python3 on the NAS, files this large go by an exec channel of their own (hashed
   * by the NAS as it writes: no second read); smaller ones avoid that channel (~150 ms on
   * OpenSSH) and go over SFTP.
   */
  static final long EXEC_MIN_SIZE = 32 << 20;

  private final SftpEndpoint endpoint;
  private final Settings.Sftp settings;
  private final SshConnectionPool pool;
  private final SftpWriter writer;
  private final ExecWriter execWriter;
  /** Folders made (or found) on the NAS this run; forgotten on any failure. */
  private final Set<String> knownDirs = ConcurrentHashMap.newKeySet();
  /** auto mode: set once a NAS turned out to have no shell, so later connections do not try. */
  private volatile boolean noShell;

  private SftpTarget(SftpEndpoint endpoint, Settings.Sftp settings) {
    this.endpoint = endpoint;
    this.settings = settings;
    // a borrower waits at most for one connect and two silent calls of another user
    SshLogin login = new SshLogin(endpoint, settings);
    this.pool = new SshConnectionPool(settings.connections(),
        settings.connectTimeout().plus(settings.idleTimeout().multipliedBy(2)), login::connect);
    this.writer = new SftpWriter(endpoint);
    this.execWriter = new ExecWriter(settings.idleTimeout());
  }

  /**
   * Opens the target and tries it once, so a wrong URL, key or host key fails at start. A
   * NAS that is merely unreachable now is not an error: files wait and are retried.
   */
  public static SftpTarget open(String url, Settings.Sftp settings) throws TargetException {
    SftpEndpoint endpoint;
    try {
      endpoint = SftpEndpoint.parse(url);
    } catch (IllegalArgumentException e) {
      throw new TargetException(ErrorKind.PERMANENT, e.getMessage());
    }
    SftpTarget target = new SftpTarget(endpoint, settings);
    try {
      target.mkdirs("");
    } catch (TargetException e) {
      if (e.kind() == ErrorKind.PERMANENT) {
        target.close();
        throw e;
      }
      LOG.warn("{} is not reachable now ({}); transfers wait and are retried", endpoint, e.getMessage());
    }
    return target;
  }

  @Override
  public String describe() {
    return endpoint.toString();
  }

  private interface SftpWork<T> {
    T run(SshConnection connection, String remotePath) throws IOException;
  }

  /** Runs work on a pooled connection; classifies failures; drops connections that broke. */
  private <T> T withConnection(String action, String path, SftpWork<T> work) throws TargetException {
    SshConnection connection = pool.borrow();
    boolean broken = true;
    try {
      T result = work.run(connection, endpoint.resolve(path));
      broken = false;
      return result;
    } catch (TargetException e) {
      broken = false;
      knownDirs.clear();
      throw e;
    } catch (IOException | RuntimeException e) {
      broken = !(e instanceof SFTPException sftp) || sftp.getStatusCode() == Response.StatusCode.UNKNOWN;
      knownDirs.clear(); // a folder removed on the NAS shows up as a failure: it is made again next time
      throw classify(action, path, e, connection, broken);
    } finally {
      pool.release(connection, broken);
    }
  }

  // --- operations ---

  @Override
  public String upload(Path source, String path, Progress progress, CancelSignal cancel) throws TargetException {
    return withConnection("upload to", path, (c, remote) -> writer.write(c, source, remote, progress, cancel));
  }

  /**
   * Through the connection's python3 on the NAS, any size; without one, files of
   * EXEC_MIN_SIZE or more over an exec channel into tee | openssl. Empty (nothing written)
   * otherwise, and for an account without a shell: the file goes over SFTP.
   */
  @Override
  public Optional<HashedUpload> uploadHashed(Path source, String path, Progress progress, CancelSignal cancel)
      throws TargetException {
    return withConnection("upload to", path, (c, remote) -> {
      RemoteShell shell = shellOrNull(c);
      if (shell == null) {
        return Optional.empty();
      }
      if (shell.writesFiles()) {
        return Optional.of(shell.write(source, remote, progress, cancel));
      }
      return Files.size(source) >= EXEC_MIN_SIZE
          ? Optional.of(execWriter.write(c.ssh, source, remote, progress, cancel)) : Optional.empty();
    });
  }

  @Override
  public void uploadFrom(Path source, String path, long offset, Progress progress, CancelSignal cancel)
      throws TargetException {
    withConnection("resume upload to", path, (c, remote) -> writer.write(c, source, remote, offset, progress, cancel));
  }

  /** Hashed by the NAS shell, whole mebibytes only; empty without a shell (the upload starts over). */
  @Override
  public Optional<String> sha256OfPrefix(String path, long length) throws TargetException {
    if (length % (1 << 20) != 0) {
      return Optional.empty();
    }
    return withConnection("hash the start of", path, (c, remote) -> {
      RemoteShell shell = shellOrNull(c);
      return shell == null ? Optional.empty() : Optional.ofNullable(shell.sha256OfPrefix(remote, length >> 20));
    });
  }

  @Override
  public String sha256(String path) throws TargetException {
    return sha256(path, UNKNOWN_SIZE);
  }

  /** A file under QUICK_HASH_MAX is hashed without the shell's keep-alive ticker (two processes fewer). */
  @Override
  public String sha256(String path, long size) throws TargetException {
    return withConnection("hash", path, (c, remote) -> {
      RemoteShell shell = shellOrNull(c);
      if (shell == null) {
        return readBack(c, remote);
      }
      String sha = shell.sha256(remote, size >= 0 && size < QUICK_HASH_MAX);
      if (sha == null) {
        throw new TargetException(ErrorKind.TRANSIENT, "the NAS " + endpoint.host() + " could not hash " + remote
            + " (missing or unreadable)");
      }
      return sha;
    });
  }

  /** The NAS shell, or null when verification is by readback. */
  private RemoteShell shellOrNull(SshConnection c) throws IOException {
    if (settings.verify() == Settings.Verify.READBACK || noShell) {
      return null;
    }
    try {
      return c.shell();
    } catch (RemoteShell.NoShell e) {
      // a refusal seen just as the connection breaks can look like one: an SFTP round trip tells them apart
      c.sftp.canonicalize("/");
      if (settings.verify() == Settings.Verify.REMOTE_HASH) {
        throw new TargetException(ErrorKind.PERMANENT, "verify = remote-hash, but " + endpoint.user() + "@"
            + endpoint.host() + " has no shell to hash with (" + e.getMessage()
            + "); set mediaferry.target.sftp.verify = readback", e);
      }
      noShell = true;
      LOG.warn("{} has no usable shell ({}): files are verified by reading them back over SFTP, which costs a "
          + "second transfer; give the account a shell with openssl or sha256sum to verify on the NAS",
          endpoint, e.getMessage());
      return null;
    }
  }

  private static String readBack(SshConnection c, String remote) throws IOException {
    try (RemoteFile file = c.sftp.open(remote, EnumSet.of(OpenMode.READ));
         InputStream in = file.new ReadAheadRemoteFileInputStream(READ_AHEAD)) {
      return Sha256.of(in);
    }
  }

  @Override
  public Optional<RemoteStat> stat(String path) throws TargetException {
    return withConnection("stat", path, (c, remote) -> {
      FileAttributes attrs;
      try {
        attrs = c.sftp.lstat(remote); // a link is reported as a link, never followed
      } catch (SFTPException e) {
        if (e.getStatusCode() == Response.StatusCode.NO_SUCH_FILE) {
          return Optional.empty();
        }
        throw e;
      }
      return Optional.of(new RemoteStat(attrs.getSize(), attrs.getMtime() * 1000, kindOf(attrs.getType())));
    });
  }

  private static RemoteStat.Kind kindOf(FileMode.Type type) {
    return switch (type) {
      case REGULAR -> RemoteStat.Kind.FILE;
      case DIRECTORY -> RemoteStat.Kind.DIRECTORY;
      case SYMLINK -> RemoteStat.Kind.LINK;
      default -> RemoteStat.Kind.OTHER;
    };
  }

  @Override
  public void renameNoReplace(String from, String to) throws TargetException {
    withConnection("rename", to, (c, remoteTo) -> {
      String remoteFrom = endpoint.resolve(from);
      try {
        // SFTP v3 rename never replaces: it fails when the destination exists
        c.sftp.rename(remoteFrom, remoteTo);
      } catch (SFTPException e) {
        if (c.sftp.statExistence(remoteTo) != null) {
          throw new TargetException.DestinationExists(endpoint.host() + ":" + remoteTo);
        }
        throw e;
      }
      return null;
    });
  }

  @Override
  public void delete(String path) throws TargetException {
    withConnection("delete", path, (c, remote) -> {
      try {
        c.sftp.rm(remote);
      } catch (SFTPException e) {
        if (e.getStatusCode() != Response.StatusCode.NO_SUCH_FILE) {
          throw e;
        }
      }
      return null;
    });
  }

  /** Made once per folder (the day folders), not once per file; any failure forgets them all. */
  @Override
  public void mkdirs(String dir) throws TargetException {
    if (knownDirs.contains(dir)) {
      return;
    }
    withConnection("create folder", dir, (c, remote) -> {
      try {
        c.sftp.mkdirs(remote);
      } catch (SFTPException e) {
        FileAttributes attrs = c.sftp.statExistence(remote); // another transfer may have made it meanwhile
        if (attrs == null || attrs.getType() != FileMode.Type.DIRECTORY) {
          throw e;
        }
      }
      return null;
    });
    knownDirs.add(dir);
  }

  @Override
  public Optional<Space> space(String dir) throws TargetException {
    return withConnection("read free space of", dir, (c, remote) -> space(c, remote));
  }

  /** Asked of df through the NAS shell: empty without one (readback), or where df fails. */
  private Optional<Space> space(SshConnection c, String remote) throws IOException {
    RemoteShell shell = shellOrNull(c);
    return Optional.ofNullable(shell == null ? null : shell.space(remote));
  }

  @Override
  public List<String> list(String dir) throws TargetException {
    return withConnection("list", dir, (c, remote) -> {
      try {
        return c.sftp.ls(remote).stream().map(RemoteResourceInfo::getName).toList();
      } catch (SFTPException e) {
        if (e.getStatusCode() == Response.StatusCode.NO_SUCH_FILE) {
          return List.of();
        }
        throw e;
      }
    });
  }

  @Override
  public void close() {
    pool.close();
  }

  // --- errors, classified once, by status code (login errors: SshLogin) ---

  private TargetException classify(String action, String path, Throwable e, SshConnection c, boolean broken) {
    String where = endpoint.host() + ":" + endpoint.resolve(path);
    if (e instanceof SFTPException s) {
      switch (s.getStatusCode()) {
        case PERMISSION_DENIED:
          return new TargetException(ErrorKind.PERMANENT, "permission denied: cannot " + action + " " + where
              + "; give " + endpoint.user() + " write access to " + endpoint.basePath() + " on the NAS", e);
        case FAILURE:
          if (!broken && looksFull(c, endpoint.resolve(path))) {
            return new TargetException(ErrorKind.TARGET_FULL, "target full: cannot " + action + " " + where
                + "; free space on the NAS volume holding " + endpoint.basePath(), e);
          }
          break;
        default:
          break;
      }
    }
    return new TargetException(ErrorKind.TRANSIENT, "cannot " + action + " " + where + ": " + e
        + (broken ? " (connection dropped; retrying on a new one)" : ""), e);
  }

  /** SFTP reports a full disk as a plain FAILURE: ask df whether that is what happened. */
  private boolean looksFull(SshConnection c, String remote) {
    try {
      String parent = remote.contains("/") ? remote.substring(0, Math.max(1, remote.lastIndexOf('/'))) : remote;
      return space(c, parent).map(space -> space.freeBytes() < 1024 * 1024).orElse(false);
    } catch (IOException | RuntimeException unknown) {
      return false;
    }
  }
}
