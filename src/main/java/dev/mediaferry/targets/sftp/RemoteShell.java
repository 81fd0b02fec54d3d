package dev.mediaferry.targets.sftp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import dev.mediaferry.targets.Space;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.ConnectionException;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.transport.TransportException;

/**
 * One long-lived shell on the NAS that answers SHA-256 and free-space questions, so many
 * small files do not each pay for a new exec channel (~150 ms on OpenSSH). The script is a
 * constant; paths never enter a command line: each goes on stdin with every byte written as
 * an octal escape (so quotes, $(...), newlines and leading dashes are plain data), and the
 * script turns it back with printf %b. Not thread-safe: one per pooled connection.
 *
 * <p>Every reply has a deadline (idle-timeout): a NAS that stops answering drops the whole
 * connection instead of hanging the caller. Hashing a large file takes longer than that, so
 * while it runs the script says WAIT every second; the deadline is for silence, not for work.
 */
final class RemoteShell implements AutoCloseable {
  // no single quotes inside: it is wrapped in sh -c '...'
  private static final String SCRIPT = String.join("\n",
      // both print "<64 hex> <name>"; the Java side keeps the hash (one process per file, not two)
      "if command -v openssl >/dev/null 2>&1; then h() { openssl dgst -sha256 -r; };",
      "else h() { sha256sum; }; fi",
      "echo READY",
      "while IFS= read -r line; do",
      "  op=${line%% *}; arg=${line#* }",
      // P carries a count of MiB blocks before the path: "P 812 \0057..."
      "  if [ \"$op\" = P ]; then n=${arg%% *}; arg=${arg#* }; fi",
      "  p=$(printf \"%bX\" \"$arg\"); p=${p%X}",
      "  case $op in",
      "    H) if [ -f \"$p\" ] && [ -r \"$p\" ]; then",
      "         (while sleep 1; do echo WAIT; done) & t=$!",
      "         r=$(h < \"$p\"); s=$?",
      "         kill $t 2>/dev/null; wait $t 2>/dev/null",
      "         if [ $s -eq 0 ]; then echo \"OK $r\"; else echo \"ERR hash failed\"; fi",
      "       else echo \"ERR not a readable file\"; fi ;;",
      "    Q) if [ -f \"$p\" ] && [ -r \"$p\" ]; then",
      "         if r=$(h < \"$p\"); then echo \"OK $r\"; else echo \"ERR hash failed\"; fi",
      "       else echo \"ERR not a readable file\"; fi ;;",
      "    P) case $n in *[!0-9]*|\"\") echo \"ERR bad length\" ;; *)",
      "         if [ -f \"$p\" ] && [ -r \"$p\" ]; then",
      "           (while sleep 1; do echo WAIT; done) & t=$!",
      "           r=$(dd if=\"$p\" bs=1048576 count=$n 2>/dev/null | h); s=$?",
      "           kill $t 2>/dev/null; wait $t 2>/dev/null",
      "           if [ $s -eq 0 ]; then echo \"OK $r\"; else echo \"ERR hash failed\"; fi",
      "         else echo \"ERR not a readable file\"; fi ;; esac ;;",
      "    D) r=$(df -Pk \"$p\" 2>/dev/null | tail -n 1 | awk \"{print \\$4, \\$2}\");",
      "       if [ -n \"$r\" ]; then echo \"OK $r\"; else echo \"ERR df failed\"; fi ;;",
      "    *) echo \"ERR unknown request\" ;;",
      "  esac",
      "done");
  private static final String STILL_WORKING = "WAIT";
  private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "nas-shell-deadlines");
    t.setDaemon(true);
    return t;
  });

  /** The script the NAS runs, for tests that run it under a local sh. */
  static String script() {
    return SCRIPT;
  }

  /** The account clearly has no shell to run the script (refused, or its shell is not POSIX). */
  static final class NoShell extends IOException {
    NoShell(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final SSHClient ssh;
  private final Session session;
  private final Session.Command command;
  private final OutputStream requests;
  private final BufferedReader replies;
  private final Duration deadline;
  private volatile boolean timedOut;

  private RemoteShell(SSHClient ssh, Session session, Session.Command command, Duration deadline) {
    this.ssh = ssh;
    this.session = session;
    this.command = command;
    this.deadline = deadline;
    this.requests = command.getOutputStream();
    this.replies = new BufferedReader(new InputStreamReader(command.getInputStream(), StandardCharsets.US_ASCII));
  }

  /**
   * Starts the shell. Throws NoShell when the account clearly has none (the session or exec
   * is refused, or the first line is not READY, on a connection that still works); any other
   * IOException is the connection failing, which says nothing about the account.
   */
  static RemoteShell start(SSHClient ssh, Duration deadline) throws IOException {
    Session session;
    try {
      session = ssh.startSession();
    } catch (ConnectionException e) {
      throw ssh.isConnected() ? new NoShell("the NAS refused a session (" + e.getMessage() + ")", e) : e;
    }
    try {
      Session.Command command;
      try {
        command = session.exec("sh -c '" + SCRIPT + "'");
      } catch (ConnectionException e) {
        throw ssh.isConnected() ? new NoShell("the NAS refused to run a command (" + e.getMessage() + ")", e) : e;
      }
      RemoteShell shell = new RemoteShell(ssh, session, command, deadline);
      String ready = shell.readLine();
      if (!"READY".equals(ready)) {
        if (!ssh.isConnected()) {
          throw new IOException("the connection closed while the NAS shell started");
        }
        throw new NoShell("the NAS account has no usable POSIX shell (got " + ready + ")", null);
      }
      return shell;
    } catch (IOException | RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /** SHA-256 (hex) of the file at the absolute path; null when the NAS cannot read it. */
  String sha256(String absolutePath) throws IOException {
    return sha256(absolutePath, false);
  }

  /**
   * quick: the file is known to be small, so the NAS hashes it without the WAIT ticker (a
   * subshell and a sleep process fewer per file); a large one keeps it, or the reply deadline
   * would end a long hash.
   */
  String sha256(String absolutePath, boolean quick) throws IOException {
    String reply = ask(quick ? "Q" : "H", absolutePath);
    String hash = reply.startsWith("OK ") && reply.length() >= 3 + 64 ? reply.substring(3, 3 + 64) : null;
    return hash != null && hash.matches("[0-9a-f]{64}") ? hash : null;
  }

  /** SHA-256 (hex) of the first mebibytes MiB of the file; null when the NAS cannot read it. */
  String sha256OfPrefix(String absolutePath, long mebibytes) throws IOException {
    String reply = ask("P " + mebibytes, absolutePath);
    String hash = reply.startsWith("OK ") && reply.length() >= 3 + 64 ? reply.substring(3, 3 + 64) : null;
    return hash != null && hash.matches("[0-9a-f]{64}") ? hash : null;
  }

  /** Free and total bytes of the filesystem holding the path; null when df fails there. */
  Space space(String absolutePath) throws IOException {
    String reply = ask("D", absolutePath);
    if (!reply.startsWith("OK ")) {
      return null;
    }
    String[] kib = reply.substring(3).trim().split("\\s+");
    return new Space(Long.parseLong(kib[0]) * 1024, Long.parseLong(kib[1]) * 1024);
  }

  private String ask(String op, String absolutePath) throws IOException {
    requests.write((op + " " + octalEscaped(absolutePath) + "\n").getBytes(StandardCharsets.US_ASCII));
    requests.flush();
    String reply;
    do {
      reply = readLine();
    } while (STILL_WORKING.equals(reply));
    if (reply == null) {
      throw new IOException("the NAS shell closed unexpectedly");
    }
    return reply;
  }

  /** The next line, or the connection dropped when none comes within the deadline. */
  private String readLine() throws IOException {
    ScheduledFuture<?> giveUp = DEADLINES.schedule(this::dropConnection, deadline.toMillis(), TimeUnit.MILLISECONDS);
    try {
      return replies.readLine();
    } catch (IOException e) {
      if (timedOut) {
        throw new IOException("the NAS shell gave no answer within " + deadline.toSeconds()
            + "s (mediaferry.target.sftp.idle-timeout); the connection was dropped", e);
      }
      throw e;
    } finally {
      giveUp.cancel(false);
    }
  }

  /** Killing the transport wakes the blocked reader with an error; a polite close could wait forever too. */
  private void dropConnection() {
    timedOut = true;
    ssh.getTransport().die(new TransportException("no answer from the NAS shell within " + deadline));
  }

  /** Every byte of the UTF-8 path as \0ooo, which printf %b decodes. */
  static String octalEscaped(String path) {
    StringBuilder out = new StringBuilder();
    for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
      out.append("\\0").append(String.format("%03o", b & 0xff));
    }
    return out.toString();
  }

  @Override
  public void close() {
    try {
      command.close();
      session.close();
    } catch (IOException ignored) {
      // the connection is being dropped anyway
    }
  }
}
