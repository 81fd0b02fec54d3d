package dev.mediaferry.targets.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.testing.TestFiles;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NAS script under a local sh: while a hash runs longer than a second it says WAIT, so
 * the reply deadline (idle-timeout) measures silence, not the size of the file.
 */
class RemoteShellScriptTest {
  @TempDir Path dir;

  @Test
  void aSlowHashIsAnnouncedWithWaitLinesUntilItsAnswer() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    for (String tool : List.of("sh", "printf", "sleep", "cat", "df", "tail", "awk", "kill")) {
      Path real = Path.of("/usr/bin", tool);
      Files.createSymbolicLink(bin.resolve(tool), Files.exists(real) ? real : Path.of("/bin", tool));
    }
    // no openssl on this PATH: the script falls back to sha256sum, here one that takes 3 s
    Path slow = Files.writeString(bin.resolve("sha256sum"), "#!/bin/sh\nsleep 3\nexec /usr/bin/sha256sum\n");
    Files.setPosixFilePermissions(slow, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path file = TestFiles.write(dir.resolve("clip.mp4"), 4096, 9);

    ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", RemoteShell.script());
    builder.environment().put("PATH", bin.toString());
    Process shell = builder.start();
    try (OutputStream in = shell.getOutputStream();
         BufferedReader out = new BufferedReader(new InputStreamReader(shell.getInputStream(), StandardCharsets.US_ASCII))) {
      assertEquals("READY", out.readLine());
      in.write(("H " + RemoteShell.octalEscaped(file.toString()) + "\n").getBytes(StandardCharsets.US_ASCII));
      in.flush();
      List<String> waits = new ArrayList<>();
      String reply = out.readLine();
      for (; "WAIT".equals(reply); reply = out.readLine()) {
        waits.add(reply);
      }

      assertTrue(waits.size() >= 2, "a 3 s hash says WAIT each second: " + waits);
      assertTrue(reply.startsWith("OK " + TestFiles.sha256(file)), reply);
    } finally {
      shell.destroy();
      shell.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aQuickHashAnswersWithoutTheTickerForAnyNameAndRefusesWhatItCannotRead() throws Exception {
    Path file = TestFiles.write(dir.resolve("it's $(touch pwned) -n\nclip.mp4"), 100_000, 3);
    Process shell = new ProcessBuilder("/bin/sh", "-c", RemoteShell.script()).start();
    try (OutputStream in = shell.getOutputStream();
         BufferedReader out = new BufferedReader(new InputStreamReader(shell.getInputStream(), StandardCharsets.US_ASCII))) {
      assertEquals("READY", out.readLine());
      in.write(("Q " + RemoteShell.octalEscaped(file.toString()) + "\n").getBytes(StandardCharsets.US_ASCII));
      in.write(("Q " + RemoteShell.octalEscaped(dir.resolve("missing").toString()) + "\n")
          .getBytes(StandardCharsets.US_ASCII));
      in.flush();
      String reply = out.readLine();
      assertTrue(reply.startsWith("OK " + TestFiles.sha256(file)), reply);
      assertEquals("ERR not a readable file", out.readLine());
      assertTrue(Files.notExists(dir.resolve("pwned")) && Files.notExists(Path.of("pwned")), "the name ran");
    } finally {
      shell.destroy();
      shell.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
