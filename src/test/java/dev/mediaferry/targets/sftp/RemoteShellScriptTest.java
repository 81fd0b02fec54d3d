package dev.mediaferry.targets.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.testing.OpenSshServer;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NAS script under a local sh: while a hash runs longer than a second it says WAIT, so
 * the reply deadline (idle-timeout) measures silence, not the size of the file. Where python3
 * is on the PATH, a long-lived python3 answers instead, with the same replies.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a NAS side that dies mid-conversation leaves a reply never coming: a failure, not a hang
class RemoteShellScriptTest {
  private static final List<String> SHELL_TOOLS = List.of("sh", "printf", "sleep", "cat", "df", "tail", "awk", "kill",
      "dd", "openssl");
  @TempDir Path dir;
  private Path mounted;

  /** The script running here, after the same handshake the NAS gets. */
  private record LocalShell(Process process, OutputStream in, BufferedReader out, String answerer)
      implements AutoCloseable {
    String ask(String op, String args) throws Exception {
      in.write((op + " " + args + "\n").getBytes(StandardCharsets.US_ASCII));
      in.flush();
      String reply = out.readLine();
      while ("WAIT".equals(reply)) {
        reply = out.readLine();
      }
      return reply;
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private LocalShell start(Path bin) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", RemoteShell.script());
    builder.environment().put("PATH", bin.toString());
    Process process = builder.start();
    OutputStream in = process.getOutputStream();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
    return new LocalShell(process, in, out, RemoteShell.handshake(out::readLine, in));
  }

  /** A PATH of the shell's tools, with python3 or without it. */
  private Path bin(String name, boolean python3) throws Exception {
    Path bin = Files.createDirectories(dir.resolve(name));
    List<String> tools = new ArrayList<>(SHELL_TOOLS);
    if (python3) {
      tools.add("python3");
    }
    for (String tool : tools) {
      Path real = Path.of("/usr/bin", tool);
      Files.createSymbolicLink(bin.resolve(tool), Files.exists(real) ? real : Path.of("/bin", tool));
    }
    return bin;
  }

  private static Path script(Path bin, String name, String body) throws Exception {
    Path script = Files.writeString(bin.resolve(name), "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  @Test
  void aSlowHashIsAnnouncedWithWaitLinesUntilItsAnswer() throws Exception {
    Path bin = bin("bin", false);
    Files.delete(bin.resolve("openssl"));
    // no openssl on this PATH: the script falls back to sha256sum, here one that takes 3 s
    script(bin, "sha256sum", "sleep 3\nexec /usr/bin/sha256sum");
    Path file = TestFiles.write(dir.resolve("clip.mp4"), 4096, 9);

    try (LocalShell shell = start(bin)) {
      assertEquals("sh", shell.answerer());
      shell.in().write(("H " + RemoteShell.octalEscaped(file.toString()) + "\n").getBytes(StandardCharsets.US_ASCII));
      shell.in().flush();
      List<String> waits = new ArrayList<>();
      String reply = shell.out().readLine();
      for (; "WAIT".equals(reply); reply = shell.out().readLine()) {
        waits.add(reply);
      }

      assertTrue(waits.size() >= 2, "a 3 s hash says WAIT each second: " + waits);
      assertTrue(reply.startsWith("OK " + TestFiles.sha256(file)), reply);
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aQuickHashAnswersForAnyNameAndRefusesWhatItCannotRead(boolean python3) throws Exception {
    Path file = TestFiles.write(dir.resolve("it's $(touch pwned) -n\nclip.mp4"), 100_000, 3);
    try (LocalShell shell = start(bin("bin", python3))) {
      assertEquals(python3 ? "python3" : "sh", shell.answerer());
      assertTrue(shell.ask("Q", RemoteShell.octalEscaped(file.toString())).startsWith("OK " + TestFiles.sha256(file)));
      assertEquals("ERR not a readable file", shell.ask("Q", RemoteShell.octalEscaped(dir.resolve("missing").toString())));
      assertEquals("ERR not a readable file", shell.ask("H", RemoteShell.octalEscaped(dir.toString())));
      assertTrue(Files.notExists(dir.resolve("pwned")) && Files.notExists(Path.of("pwned")), "the name ran");
    }
  }

  /** python3 must give the replies the shell gives: the Java side parses only one protocol. */
  @Test
  void python3AndTheShellGiveTheSameReplies() throws Exception {
    Path file = TestFiles.write(dir.resolve("clip with spaces.mp4"), 3 * 1024 * 1024 + 17, 5);
    String path = RemoteShell.octalEscaped(file.toString());
    try (LocalShell python = start(bin("with-python", true)); LocalShell shell = start(bin("without", false))) {
      assertEquals("python3", python.answerer());
      assertEquals("sh", shell.answerer());
      for (String[] request : new String[][] {{"Q", path}, {"H", path}, {"P", "2 " + path}, {"P", "9 " + path},
          {"P", "x " + path}, {"X", path}}) {
        String expected = shell.ask(request[0], request[1]);
        String actual = python.ask(request[0], request[1]);
        // the shell's hash line goes on with openssl's " *stdin"; the Java side reads the first 67 characters
        assertEquals(expected.substring(0, Math.min(expected.length(), 67)), actual, String.join(" ", request));
      }
      assertTrue(python.ask("P", "2 " + path).startsWith("OK " + TestFiles.sha256OfPrefix(file, 2 << 20)));

      String[] df = shell.ask("D", path).split(" ");
      String[] statvfs = python.ask("D", path).split(" ");
      assertEquals("OK", statvfs[0]);
      assertEquals(df[2], statvfs[2], "total KiB");
      assertTrue(Math.abs(Long.parseLong(df[1]) - Long.parseLong(statvfs[1])) < 256 * 1024, "free KiB, give or take "
          + "what the machine wrote meanwhile: df " + df[1] + ", statvfs " + statvfs[1]);
      assertEquals("ERR df failed", python.ask("D", RemoteShell.octalEscaped(dir.resolve("missing").toString())));
    }
  }

  @Test
  void aLongHashByPython3IsAnnouncedWithWaitLines() throws Exception {
    Path sparse = dir.resolve("sparse.mp4");
    try (var file = new java.io.RandomAccessFile(sparse.toFile(), "rw")) {
      file.setLength(6L << 30); // 6 GiB of zeros, hashed by python3 in a few seconds
    }
    try (LocalShell shell = start(bin("bin", true))) {
      shell.in().write(("P 3072 " + RemoteShell.octalEscaped(sparse.toString()) + "\n")
          .getBytes(StandardCharsets.US_ASCII));
      shell.in().flush();
      String reply = shell.out().readLine();
      int waits = 0;
      for (; "WAIT".equals(reply); reply = shell.out().readLine()) {
        waits++;
      }
      assertTrue(reply.startsWith("OK "), reply);
      assertEquals(TestFiles.sha256OfZeros(3L << 30), reply.substring(3));
      assertTrue(waits >= 1, "3 GiB take longer than a second to hash: WAIT lines " + waits);
    }
  }

  @Test
  void aPython3ThatCannotStartOrFailsOnTheProgramLeavesTheShellToAnswer() throws Exception {
    Path file = TestFiles.write(dir.resolve("clip.mp4"), 100_000, 4);
    Path cannotStart = bin("cannot-start", false);
    script(cannotStart, "python3", "exit 1");
    Path failsOnProgram = bin("fails-on-program", false);
    script(failsOnProgram, "python3", "echo 3\nread program\nexit 1");

    for (Path bin : List.of(cannotStart, failsOnProgram)) {
      try (LocalShell shell = start(bin)) {
        assertEquals("sh", shell.answerer(), bin.toString());
        assertTrue(shell.ask("Q", RemoteShell.octalEscaped(file.toString())).startsWith("OK " + TestFiles.sha256(file)),
            bin.toString());
      }
    }
  }

  /** W: the file created exclusively, exactly its bytes taken, hashed as written; a cut leaves the partial file. */
  @Test
  void python3WritesAFileFromTheConversationAndAnswersWhatItStored() throws Exception {
    byte[] bytes = java.nio.file.Files.readAllBytes(TestFiles.write(dir.resolve("clip.mp4"), 300_000, 6));
    Path stored = dir.resolve("it's $(touch pwned)\n.mp4.mftmp");
    try (LocalShell shell = start(bin("bin", true))) {
      assertEquals("GO", shell.ask("W " + bytes.length, RemoteShell.octalEscaped(stored.toString())));
      shell.in().write(bytes);
      shell.in().flush();
      String sha = TestFiles.sha256(dir.resolve("clip.mp4"));
      assertEquals("OK " + sha + " " + bytes.length, shell.out().readLine());
      assertEquals(sha, TestFiles.sha256(stored));

      assertTrue(shell.ask("W 10", RemoteShell.octalEscaped(stored.toString())).startsWith("ERR exists"),
          "never written over, and no bytes are taken after a refusal");
      assertTrue(shell.ask("Q", RemoteShell.octalEscaped(stored.toString())).startsWith("OK " + sha), "still in step");

      Path cut = dir.resolve("cut.mp4.mftmp");
      assertEquals("GO", shell.ask("W " + bytes.length, RemoteShell.octalEscaped(cut.toString())));
      shell.in().write(bytes, 0, 100_000);
      shell.in().close(); // the connection drops part-way
      assertTrue(shell.process().waitFor(10, TimeUnit.SECONDS), "python3 and the shell end with their input");
      assertEquals(100_000, java.nio.file.Files.size(cut), "the partial temp file stays, for a resume or cleanup");
    }
    assertTrue(java.nio.file.Files.notExists(dir.resolve("pwned")), "the name ran");
  }

  /**
   * A file of 64 MiB or more (its fsync announced with WAIT lines) arrives whole and hashed,
   * and a cut part-way leaves exactly what arrived, for a resume.
   */
  @Test
  void python3WritesABigFileAndACutLeavesWhatArrived() throws Exception {
    Path source = TestFiles.write(dir.resolve("flight.mp4"), 72L << 20, 12);
    Path stored = dir.resolve("flight.mp4.mftmp");
    Path cut = dir.resolve("cut.mp4.mftmp");
    try (LocalShell shell = start(bin("bin", true))) {
      assertEquals("python3", shell.answerer());
      assertSentWhole(shell, source, stored);
      assertEquals(TestFiles.sha256(source), TestFiles.sha256(stored));

      sendCut(shell, source, cut, 40 << 20); // cut at 40 MiB of 72
      assertTrue(shell.process().waitFor(20, TimeUnit.SECONDS), "python3 ends with its input");
    }
    assertEquals(40L << 20, Files.size(cut), "the partial temp file holds what arrived, for a resume");
  }
  /**
   * Where the filesystem takes direct writes, python3 writes the upload's whole MiB blocks
   * past the NAS's page cache (O_DIRECT): after the reply only the unaligned tail is in
   * memory. (Through the page cache all 3 MiB would be.)
   */
  @Test
  void python3WritesWholeBlocksPastThePageCacheAndOnlyTheTailThroughIt() throws Exception {
    Path source = TestFiles.write(dir.resolve("photo.jpg"), (3 << 20) + 1000, 14);
    Path stored = dir.resolve("photo.jpg.mftmp");
    try (LocalShell shell = start(bin("bin", true))) {
      assertSentWhole(shell, source, stored);
    }
    long resident = residentBytes(stored); // before anything here reads the file
    assertTrue(resident <= 4096, "only the 1000-byte tail went through the page cache: " + resident + " bytes there");
    assertEquals(TestFiles.sha256(source), TestFiles.sha256(stored));
  }

  /**
   * python3 widens the pipe it reads uploads from to 1 MiB (Linux's default limit for any
   * user), so that while it writes a block to the disk the sender's next block still moves.
   * Read through /proc from the pipe itself; the 64 KiB default would fail this.
   */
  @Test
  void python3ReadsUploadsThroughAOneMebibytePipe() throws Exception {
    try (LocalShell shell = start(bin("bin", true))) {
      assertEquals("python3", shell.answerer());
      ProcessHandle python3 = shell.process().descendants()
          .filter(p -> p.info().command().orElse("").contains("python3")).findFirst().orElseThrow();
      Process probe = new ProcessBuilder("python3", "-c", "import fcntl, os, sys;"
          + "print(fcntl.fcntl(os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK), 1032))", // F_GETPIPE_SZ
          "/proc/" + python3.pid() + "/fd/0").redirectErrorStream(true).start();
      String size = new String(probe.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      assertEquals(0, probe.waitFor(), size);
      assertEquals("1048576", size, "bytes the pipe into python3 holds");
    }
  }

  /**
   * A filesystem that refuses direct writes (ramfs here; some FUSE and network mounts) gets
   * the upload through the page cache (a file this big with its disk writes started every
   * 8 MiB): the same replies, and a cut still leaves what arrived.
   */
  @Test
  void python3WritesThroughThePageCacheWhereTheFilesystemRefusesDirectWrites() throws Exception {
    OpenSshServer.requireRoot("mounting a ramfs");
    Path ramfs = Files.createDirectories(dir.resolve("ramfs"));
    OpenSshServer.run("mount", "-t", "ramfs", "ramfs", ramfs.toString());
    mounted = ramfs;
    Path source = TestFiles.write(dir.resolve("clip.mp4"), (72L << 20) + 10, 15);
    Path stored = ramfs.resolve("clip.mp4.mftmp");
    Path cut = ramfs.resolve("cut.mp4.mftmp");
    try (LocalShell shell = start(bin("bin", true))) {
      assertSentWhole(shell, source, stored);
      assertEquals(TestFiles.sha256(source), TestFiles.sha256(stored));

      sendCut(shell, source, cut, 1_500_000); // cut part-way through the second MiB
      assertTrue(shell.process().waitFor(20, TimeUnit.SECONDS), "python3 ends with its input");
    }
    assertEquals(1_500_000, Files.size(cut), "the partial temp file holds what arrived");
  }

  /** After the test, also one that timed out with its thread still stuck. */
  @AfterEach
  void unmount() throws Exception {
    if (mounted != null) {
      OpenSshServer.run("umount", mounted.toString());
    }
  }

  /** W of the whole source to stored: GO, its bytes, and the reply naming its hash and size. */
  private static void assertSentWhole(LocalShell shell, Path source, Path stored) throws Exception {
    assertEquals("GO", shell.ask("W " + Files.size(source), RemoteShell.octalEscaped(stored.toString())));
    Files.copy(source, shell.in());
    shell.in().flush();
    assertEquals("OK " + TestFiles.sha256(source) + " " + Files.size(source), shell.out().readLine());
  }

  /** W of the source to cut, then the connection drops after its first bytes. */
  private static void sendCut(LocalShell shell, Path source, Path cut, int bytes) throws Exception {
    assertEquals("GO", shell.ask("W " + Files.size(source), RemoteShell.octalEscaped(cut.toString())));
    try (var in = Files.newInputStream(source)) {
      shell.in().write(in.readNBytes(bytes));
    }
    shell.in().close();
  }

  /** Bytes of the file in the page cache now (util-linux fincore). */
  private static long residentBytes(Path file) throws Exception {
    Process fincore = new ProcessBuilder("fincore", "--bytes", "--noheadings", "--raw", "--output", "RES",
        file.toString()).redirectErrorStream(true).start();
    String out = new String(fincore.getInputStream().readAllBytes()).trim();
    assertEquals(0, fincore.waitFor(), "fincore: " + out);
    return Long.parseLong(out);
  }
}
