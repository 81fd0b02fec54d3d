package dev.mediaferry.targets.sftp;

import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.targets.TargetException;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A few SSH connections reused across files. A connection that failed is closed, never
 * handed out again (Spring Integration's CachingSessionFactory does the same).
 */
final class SshConnectionPool implements AutoCloseable {

  interface Opener {
    SshConnection open() throws TargetException;
  }

  private final ConcurrentLinkedDeque<SshConnection> idle = new ConcurrentLinkedDeque<>();
  private final Semaphore permits;
  private final Opener opener;
  private final int size;
  private final Duration maxWait;
  private volatile boolean closed;

  /**
   * maxWait bounds the wait for a free connection: every call on a connection has its own
   * deadline, so one held longer than that is a sign of trouble, not of work to wait for.
   */
  SshConnectionPool(int size, Duration maxWait, Opener opener) {
    this.permits = new Semaphore(size, true);
    this.size = size;
    this.maxWait = maxWait;
    this.opener = opener;
  }

  SshConnection borrow() throws TargetException {
    try {
      if (!permits.tryAcquire(maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new TargetException(ErrorKind.TRANSIENT, "no SSH connection came free within " + maxWait.toSeconds()
            + "s (all " + size + " in use); retrying later. If transfers wait for connections often, raise "
            + "mediaferry.target.sftp.connections above mediaferry.transfer.max-concurrent");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TargetException(ErrorKind.TRANSIENT, "interrupted while waiting for an SSH connection");
    }
    try {
      for (SshConnection c; (c = idle.pollFirst()) != null; ) {
        if (c.usable()) {
          return c;
        }
        c.close();
      }
      return opener.open();
    } catch (TargetException | RuntimeException e) {
      permits.release();
      throw e;
    }
  }

  void release(SshConnection connection, boolean broken) {
    if (broken) {
      // closing politely waits for a peer that may never answer (a stalled link): not on the caller's time
      Thread closer = new Thread(connection::close, "ssh-close-broken");
      closer.setDaemon(true);
      closer.start();
    } else if (closed || !connection.usable()) {
      connection.close();
    } else {
      idle.addFirst(connection);
    }
    permits.release();
  }

  @Override
  public void close() {
    closed = true;
    for (SshConnection c; (c = idle.pollFirst()) != null; ) {
      c.close();
    }
  }
}
