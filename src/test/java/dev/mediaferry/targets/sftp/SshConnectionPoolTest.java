package dev.mediaferry.targets.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.targets.TargetException;
import java.time.Duration;
import net.schmizz.sshj.SSHClient;
import org.junit.jupiter.api.Test;

/** Borrowing a connection waits a bounded time (issue 8, item 11). */
class SshConnectionPoolTest {

  @Test
  void borrowingWhileEveryConnectionIsHeldGivesUpAfterTheWaitWithATransientError() throws Exception {
    try (SshConnectionPool pool = new SshConnectionPool(1, Duration.ofMillis(300),
        () -> new SshConnection(new SSHClient(), null, Duration.ofSeconds(1)))) {
      SshConnection held = pool.borrow(); // by a call whose NAS stopped answering

      TargetException waited = assertTimeoutPreemptively(Duration.ofSeconds(10),
          () -> assertThrows(TargetException.class, pool::borrow));

      assertEquals(ErrorKind.TRANSIENT, waited.kind());
      assertTrue(waited.getMessage().contains("mediaferry.target.sftp.connections"), waited.getMessage());
      pool.release(held, true);
    }
  }
}
