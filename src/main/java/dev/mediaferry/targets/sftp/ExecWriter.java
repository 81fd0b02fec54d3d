package dev.mediaferry.targets.sftp;

import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.targets.ChunkCopy;
import dev.mediaferry.targets.Sha256;
import dev.mediaferry.targets.Target.CancelSignal;
import dev.mediaferry.targets.Target.HashedUpload;
import dev.mediaferry.targets.Target.Progress;
import dev.mediaferry.targets.TargetException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;

/**
 * The one-pass verified upload: the file goes over an exec channel into a NAS-side pipeline
 * that creates the temp file exclusively, writes it and hashes the same bytes as they pass
 * (tee | openssl), then fsyncs it and answers the hash, the size written and tee's status.
 * The NAS never reads the file a second time. The script is a constant; the path is its
 * first argument, every byte an octal escape inside single quotes (printf %b decodes it), so
 * nothing of a file name is ever parsed by a shell.
 */
final class ExecWriter {
  // no single quotes inside: it is wrapped in sh -c '...'
  private static final String SCRIPT = String.join("\n",
      "p=$(printf \"%bX\" \"$1\"); p=${p%X}",
      "if command -v openssl >/dev/null 2>&1; then h() { openssl dgst -sha256 -r; };",
      "else h() { sha256sum; }; fi",
      "set -C",
      "( : > \"$p\" ) 2>/dev/null || { cat >/dev/null; echo \"ERR cannot create the file (it exists?)\"; exit 3; }",
      // tee's own exit status comes out on fd 4 beside the hash (the pipeline's status is h's)
      "r=$( { { tee \"$p\" 2>/dev/null; echo \"T$?\" >&4; } | h; } 4>&1 )",
      "t=$(printf \"%s\\n\" \"$r\" | sed -n \"s/^T//p\")",
      "x=$(printf \"%s\\n\" \"$r\" | grep -v \"^T\" | cut -c1-64)",
      "sync \"$p\" 2>/dev/null || sync",
      "s=$(wc -c < \"$p\")",
      "echo \"OK $x $s $t\"");

  private final Duration deadline;

  ExecWriter(Duration deadline) {
    this.deadline = deadline;
  }

  /** The script, for tests that run it under a local sh. */
  static String script() {
    return SCRIPT;
  }

  HashedUpload write(SSHClient ssh, Path source, String remote, Progress progress, CancelSignal cancel)
      throws IOException {
    MessageDigest digest = Sha256.digest();
    try (Session session = ssh.startSession()) {
      Session.Command command = session.exec("sh -c '" + SCRIPT + "' mediaferry-put '"
          + RemoteShell.octalEscaped(remote) + "'");
      try (InputStream in = Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS);
           OutputStream out = command.getOutputStream()) {
        ChunkCopy.copy(in, (buffer, n) -> out.write(buffer, 0, n), 256 * 1024, 0, digest, progress, cancel, remote);
        // sshj's close() sends only what the window takes now before its EOF: flush waits for the rest
        out.flush();
      } // closing stdin sends EOF: the pipeline ends, syncs and answers
      command.join(deadline.toMillis(), TimeUnit.MILLISECONDS);
      String reply = new String(command.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return parse(reply, remote, Sha256.hex(digest));
    }
  }

  private static HashedUpload parse(String reply, String remote, String sent) throws TargetException {
    String[] parts = reply.split("\\s+");
    if (parts.length == 4 && parts[0].equals("OK") && parts[1].matches("[0-9a-f]{64}") && parts[2].matches("[0-9]+")) {
      if (!parts[3].equals("0")) {
        throw new TargetException(ErrorKind.TRANSIENT, "the NAS could not write " + remote + " (tee exit "
            + parts[3] + ": disk full or an I/O error?); retrying");
      }
      return new HashedUpload(sent, parts[1], Long.parseLong(parts[2]));
    }
    throw new TargetException(ErrorKind.TRANSIENT, "the NAS answered the upload of " + remote + " with \""
        + reply + "\"; retrying");
  }
}
