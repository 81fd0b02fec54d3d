package dev.mediaferry.targets.sftp;

import dev.mediaferry.targets.ChunkCopy;
import dev.mediaferry.targets.Sha256;
import dev.mediaferry.targets.Target.CancelSignal;
import dev.mediaferry.targets.Target.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.sftp.OpenMode;
import net.schmizz.sshj.sftp.RemoteFile;
import net.schmizz.sshj.sftp.SFTPEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one file over SFTP: created exclusively (never over an existing one), written with
 * up to 32 writes in flight while the bytes sent are hashed, and fsynced on the NAS before
 * the copy counts.
 */
final class SftpWriter {
  private static final Logger LOG = LoggerFactory.getLogger(SftpWriter.class);
  private static final int UNCONFIRMED_WRITES = 32;

  private final SftpEndpoint endpoint;
  private volatile boolean warnedNoFsync;

  SftpWriter(SftpEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  /** Returns the SHA-256 (hex) of the bytes sent. */
  String write(SshConnection c, Path source, String remote, Progress progress, CancelSignal cancel)
      throws IOException {
    return write(c, source, remote, 0, progress, cancel);
  }

  /**
   * From offset on: offset 0 creates the file exclusively; a larger one continues the existing
   * file (a resumed upload), whose first offset bytes stay. Returns the SHA-256 of the bytes sent.
   */
  String write(SshConnection c, Path source, String remote, long offset, Progress progress, CancelSignal cancel)
      throws IOException {
    MessageDigest digest = Sha256.digest();
    EnumSet<OpenMode> mode = offset == 0 ? EnumSet.of(OpenMode.WRITE, OpenMode.CREAT, OpenMode.EXCL)
        : EnumSet.of(OpenMode.WRITE);
    try (InputStream in = Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS);
         RemoteFile file = c.sftp.open(remote, mode);
         OutputStream out = file.new RemoteFileOutputStream(offset, UNCONFIRMED_WRITES)) {
      in.skipNBytes(offset);
      int chunk = c.sftp.getSFTPEngine().getSubsystem().getRemoteMaxPacketSize() - file.getOutgoingPacketOverhead();
      long sent = ChunkCopy.copy(in, (buffer, n) -> out.write(buffer, 0, n), Math.min(chunk, 255 * 1024), offset,
          digest, progress, cancel, remote);
      out.flush(); // every write acknowledged before the sync
      if (offset > 0 && file.length() > sent) {
        file.setLength(sent); // a longer leftover beyond the source's end
      }
      fsync(c, file);
    }
    return Sha256.hex(digest);
  }

  /**
   * On stable storage before the copy counts: fsync@openssh.com on the open handle when the
   * server offers it (OpenSSH does). A server without it is named once in the log: its
   * copies are verified but may still sit in the NAS's write cache.
   */
  private void fsync(SshConnection c, RemoteFile file) throws IOException {
    SFTPEngine engine = c.sftp.getSFTPEngine();
    if (!engine.supportsServerExtension("fsync", "openssh.com")) {
      if (!warnedNoFsync) {
        warnedNoFsync = true;
        LOG.warn("{} offers no fsync@openssh.com: uploads are verified by hash but cannot be forced to the NAS's "
            + "disk before the local copy is deleted; keep mediaferry.delete.delay long enough for the NAS to "
            + "write its cache", endpoint);
      }
      return;
    }
    engine.request(engine.newExtendedRequest("fsync@openssh.com").putString(handleOf(file)))
        .retrieve(engine.getTimeoutMs(), TimeUnit.MILLISECONDS)
        .ensureStatusPacketIsOK();
  }

  /** sshj keeps a file's SFTP handle protected and offers no fsync of its own. */
  private static byte[] handleOf(RemoteFile file) throws IOException {
    try {
      java.lang.reflect.Field handle = net.schmizz.sshj.sftp.RemoteResource.class.getDeclaredField("handle");
      handle.setAccessible(true);
      return (byte[]) handle.get(file);
    } catch (ReflectiveOperationException e) {
      throw new IOException("cannot reach the SFTP handle to fsync it (sshj changed?): " + e, e);
    }
  }
}
