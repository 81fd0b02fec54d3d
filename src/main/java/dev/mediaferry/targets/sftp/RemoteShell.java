package dev.mediaferry.targets.sftp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import dev.mediaferry.targets.Space;
import java.nio.charset.StandardCharsets;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;

/**
 * One long-lived shell on the NAS that answers SHA-256 and free-space questions, so many
 * small files do not each pay for a new exec channel (~150 ms on OpenSSH). The script is a
 * constant; paths never enter a command line: each goes on stdin with every byte written as
 * an octal escape (so quotes, $(...), newlines and leading dashes are plain data), and the
 * script turns it back with printf %b. Not thread-safe: one per pooled connection.
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
      "  p=$(printf \"%bX\" \"$arg\"); p=${p%X}",
      "  case $op in",
      "    H) if [ -f \"$p\" ] && [ -r \"$p\" ]; then r=$(h < \"$p\") && echo \"OK $r\" || echo \"ERR hash failed\";",
      "       else echo \"ERR not a readable file\"; fi ;;",
      "    D) r=$(df -Pk \"$p\" 2>/dev/null | tail -n 1 | awk \"{print \\$4, \\$2}\");",
      "       if [ -n \"$r\" ]; then echo \"OK $r\"; else echo \"ERR df failed\"; fi ;;",
      "    *) echo \"ERR unknown request\" ;;",
      "  esac",
      "done");

  private final Session session;
  private final Session.Command command;
  private final OutputStream requests;
  private final BufferedReader replies;

  private RemoteShell(Session session, Session.Command command) {
    this.session = session;
    this.command = command;
    this.requests = command.getOutputStream();
    this.replies = new BufferedReader(new InputStreamReader(command.getInputStream(), StandardCharsets.US_ASCII));
  }

  /** Starts the shell; fails (IOException) when the account has no shell to run it. */
  static RemoteShell start(SSHClient ssh) throws IOException {
    Session session = ssh.startSession();
    try {
      RemoteShell shell = new RemoteShell(session, session.exec("sh -c '" + SCRIPT + "'"));
      String ready = shell.replies.readLine();
      if (!"READY".equals(ready)) {
        throw new IOException("the NAS account has no usable POSIX shell (got " + ready + ")");
      }
      return shell;
    } catch (IOException | RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /** SHA-256 (hex) of the file at the absolute path; null when the NAS cannot read it. */
  String sha256(String absolutePath) throws IOException {
    String reply = ask('H', absolutePath);
    String hash = reply.startsWith("OK ") && reply.length() >= 3 + 64 ? reply.substring(3, 3 + 64) : null;
    return hash != null && hash.matches("[0-9a-f]{64}") ? hash : null;
  }

  /** Free and total bytes of the filesystem holding the path; null when df fails there. */
  Space space(String absolutePath) throws IOException {
    String reply = ask('D', absolutePath);
    if (!reply.startsWith("OK ")) {
      return null;
    }
    String[] kib = reply.substring(3).trim().split("\\s+");
    return new Space(Long.parseLong(kib[0]) * 1024, Long.parseLong(kib[1]) * 1024);
  }

  private String ask(char op, String absolutePath) throws IOException {
    requests.write((op + " " + octalEscaped(absolutePath) + "\n").getBytes(StandardCharsets.US_ASCII));
    requests.flush();
    String reply = replies.readLine();
    if (reply == null) {
      throw new IOException("the NAS shell closed unexpectedly");
    }
    return reply;
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
