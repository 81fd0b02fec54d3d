package dev.mediaferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.config.Settings;
import dev.mediaferry.testing.Cli;
import dev.mediaferry.testing.SyntheticJournal;
import dev.mediaferry.testing.TestSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** db check and db backup on a real journal, through the command line. */
class DbCommandTest {
  @TempDir Path root;

  @Test
  void backupIsAConsistentCopyThatAuditReadsAndCheckSpotsAStaleIndex() throws Exception {
    Settings settings = TestSettings.under(root.resolve("a"), Map.of());
    SyntheticJournal.write(settings, 50);
    String config = Cli.configFile(root, "mediaferry.home = \"" + root.resolve("a") + "\"\n");

    Cli.Result behind = Cli.run(root, "db", "check", "--config", config);
    Cli.Result rebuilt = Cli.run(root, "audit", "--rebuild-index", "--config", config);
    Cli.Result check = Cli.run(root, "db", "check", "--config", config);
    Path copy = root.resolve("b/var/state/journal.db");
    Files.createDirectories(copy.getParent());
    Cli.Result backup = Cli.run(root, "db", "backup", "--to", copy.toString(), "--config", config);
    Cli.Result again = Cli.run(root, "db", "backup", "--to", copy.toString(), "--config", config);
    Cli.Result auditOfCopy = Cli.run(root, "audit", "--verify", "--config",
        Cli.configFile(root, "mediaferry.home = \"" + root.resolve("b") + "\"\n"));

    assertEquals(0, behind.exitCode(), behind.stdout());
    assertTrue(behind.stdout().contains("integrity:   ok"), behind.stdout());
    assertTrue(behind.stdout().contains("file index:  0 files, 300 events behind"), behind.stdout());
    assertTrue(rebuilt.stdout().contains("rebuilt from 300 events"), rebuilt.stdout());
    assertTrue(check.stdout().contains("file index:  50 files, 0 events behind"), check.stdout());
    assertEquals(0, backup.exitCode(), backup.stderr());
    assertTrue(backup.stdout().contains("integrity ok"), backup.stdout());
    assertEquals(2, again.exitCode(), "never overwrites an existing file");
    assertEquals(0, auditOfCopy.exitCode(), auditOfCopy.stdout());
    assertTrue(auditOfCopy.stdout().contains("verified 50 files: no violations"), auditOfCopy.stdout());
  }
}
