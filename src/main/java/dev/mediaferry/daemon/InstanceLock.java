package dev.mediaferry.daemon;

import dev.mediaferry.config.Settings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One daemon per state folder: an OS file lock on a file that holds the holder's PID. The
 * OS drops the lock when the process dies, even by kill -9, so a stale file never blocks.
 */
public final class InstanceLock implements AutoCloseable {

  /** Another process holds the lock; the CLI exits 3 with this message. */
  public static final class HeldElsewhere extends Exception {
    public HeldElsewhere(String message) {
      super(message);
    }
  }

  private final FileChannel channel;
  private final FileLock lock;

  private InstanceLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  public static InstanceLock acquire(Path file) throws IOException, HeldElsewhere {
    FileChannel channel;
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw unwritable(file, e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException sameProcess) {
      lock = null;
    }
    if (lock == null) {
      String holder = Files.readString(file, StandardCharsets.UTF_8).trim();
      channel.close();
      throw new HeldElsewhere("another mediaferry (PID " + (holder.isEmpty() ? "unknown" : holder)
          + ") is running on this state folder (lock " + file + "); stop it first, or give this one its own "
          + "mediaferry.state-dir");
    }
    try {
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
      channel.force(true);
    } catch (IOException e) {
      channel.close();
      throw unwritable(file, e);
    }
    return new InstanceLock(channel, lock);
  }

  /** A read-only or full state folder, said as what to do (Main prints it and exits 2). */
  private static Settings.Invalid unwritable(Path file, IOException e) {
    return new Settings.Invalid("cannot write the lock file " + file + " (" + e.getMessage() + "): mediaferry.state-dir "
        + file.toAbsolutePath().getParent() + " must be a folder the mediaferry user can write, on a disk with free "
        + "space");
  }

  @Override
  public void close() throws IOException {
    lock.release();
    channel.close();
  }
}
