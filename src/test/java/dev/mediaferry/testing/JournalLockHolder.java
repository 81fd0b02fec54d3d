package dev.mediaferry.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * Another process that holds a write lock on an SQLite file, as a dock tool or an operator's
 * sqlite3 session would: args are the database and a marker file written once the lock is
 * taken. The lock is held until the process's stdin closes, so the test decides when.
 */
public final class JournalLockHolder {
  private JournalLockHolder() {}

  public static void main(String[] args) throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + args[0]);
         Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA busy_timeout=60000"); // a busy database: wait for our turn, then hold it
      statement.execute("BEGIN EXCLUSIVE");
      Files.writeString(Path.of(args[1]), "locked");
      while (System.in.read() != -1) {
        // held until the test closes our stdin
      }
      statement.execute("ROLLBACK");
    }
  }

  /** Starts the holder in its own JVM and returns once it holds the lock; release() lets go. */
  public static Process hold(Path db, Path workDir) throws Exception {
    Path marker = workDir.resolve("locked-" + System.nanoTime());
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), JournalLockHolder.class.getName(), db.toString(),
        marker.toString()).redirectError(ProcessBuilder.Redirect.INHERIT)
        .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> Files.exists(marker));
    return process;
  }

  /** Lets go of the lock (closes the holder's stdin) and waits for the holder to end. */
  public static void release(Process holder) throws Exception {
    holder.getOutputStream().close();
    holder.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
  }
}
