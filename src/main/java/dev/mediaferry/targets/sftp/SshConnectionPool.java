package dev.mediaferry.targets.sftp;

import dev.mediaferry.targets.ErrorKind;
import dev.mediaferry.targets.TargetException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;

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
  private volatile boolean closed;

  SshConnectionPool(int size, Opener opener) {
    this.permits = new Semaphore(size, true);
    this.opener = opener;
  }

  SshConnection borrow() throws TargetException {
    try {
      permits.acquire();
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
