package dev.mediaferry.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * Another process that holds a write lock on an SQLite file for a while, as a dock tool or
 * an operator's sqlite3 session would: args are the database, the milliseconds to hold and
 * a marker file written once the lock is taken.
 */
public final class JournalLockHolder {
  private JournalLockHolder() {}

  public static void main(String[] args) throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + args[0]);
         Statement statement = connection.createStatement()) {
      statement.execute("BEGIN EXCLUSIVE");
      Files.writeString(Path.of(args[2]), "locked");
      Thread.sleep(Long.parseLong(args[1])); // holding the lock is this process's whole job
      statement.execute("ROLLBACK");
    }
  }

  /** Starts the holder in its own JVM and returns once it holds the lock. */
  public static Process hold(Path db, long millis, Path workDir) throws Exception {
    Path marker = workDir.resolve("locked-" + System.nanoTime());
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), JournalLockHolder.class.getName(), db.toString(),
        String.valueOf(millis), marker.toString()).inheritIO().start();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> Files.exists(marker));
    return process;
  }
}
