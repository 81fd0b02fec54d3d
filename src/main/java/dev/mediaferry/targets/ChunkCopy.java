package dev.mediaferry.targets;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * The loop every upload shares: read a chunk, stop when cancelled, hash it (when asked),
 * hand it to the target, report the bytes so far. Only where the chunk goes differs.
 */
public final class ChunkCopy {
  private ChunkCopy() {}

  /** Where a chunk goes: a local file, an SFTP handle, a NAS pipeline's stdin. */
  public interface Sink {
    void write(byte[] buffer, int length) throws IOException;
  }

  /**
   * Copies what is left of in to out; startAt is the count of bytes already on the target
   * (progress counts from it), digest is updated with every byte copied (null: not hashed).
   * Returns the bytes on the target at the end.
   */
  public static long copy(InputStream in, Sink out, int bufferSize, long startAt, MessageDigest digest,
      Target.Progress progress, Target.CancelSignal cancel, String path) throws IOException {
    byte[] buffer = new byte[bufferSize];
    long done = startAt;
    for (int n; (n = in.readNBytes(buffer, 0, buffer.length)) > 0; ) {
      if (cancel.cancelled()) {
        throw new Target.Cancelled(path);
      }
      if (digest != null) {
        digest.update(buffer, 0, n);
      }
      out.write(buffer, n);
      done += n;
      progress.sent(done);
    }
    return done;
  }
}
