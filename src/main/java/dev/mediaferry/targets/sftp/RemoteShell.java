package dev.mediaferry.targets.sftp;

import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.targets.ChunkCopy;
import dev.mediaferry.targets.Sha256;
import dev.mediaferry.targets.Space;
import dev.mediaferry.targets.Target.CancelSignal;
import dev.mediaferry.targets.Target.HashedUpload;
import dev.mediaferry.targets.Target.Progress;
import dev.mediaferry.targets.TargetException;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
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
 * <p>Where the NAS account has python3 (and nas-python is not off), a long-lived python3
 * answers the same requests instead, with no process per request, and also takes whole files
 * ({@link #write}): the one-pass upload without a channel of its own.
 *
 * <p>Every reply has a deadline (idle-timeout): a NAS that stops answering drops the whole
 * connection instead of hanging the caller. Hashing a large file takes longer than that, so
 * while it runs the script says WAIT every second; the deadline is for silence, not for work.
 */
final class RemoteShell implements AutoCloseable {
  // no single quotes inside: it is wrapped in sh -c '...'
  private static final String SCRIPT = String.join("\n",
      // where the NAS has python3, it answers instead (PYTHON below): no process per request;
      // if it cannot run the program, or dies, this shell takes over on the same stdin
      "if [ \"$1\" != nopython ] && command -v python3 >/dev/null 2>&1; then echo PYTHON;",
      // python3 says its major version (3), then reads its program; one that cannot start says nothing
      "  python3 -c \"import sys;print(sys.version_info[0],flush=True);"
          + "exec(sys.stdin.buffer.readline().decode().replace(chr(1),chr(10)))\"; fi",
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
  /**
   * The same requests and replies as the script, in one long-lived python3: a shell starts
   * two subshells and an openssl per hash (~6 ms of NAS CPU for a 2 MiB file, most of it
   * openssl's start-up); this reads the file in-process (hashlib is OpenSSL's SHA-256).
   * Sent as the first line of stdin (newlines as \x01), so it needs no quoting at all.
   */
  private static final String PYTHON = String.join("\n",
      "import sys, os, hashlib, time, mmap, fcntl, errno",
      // every read lands in this one buffer: a fresh 1 MiB object per read cost the NAS ~1 ms
      // of kernel time per 2 MiB file (a new mapping and its page faults each time); an
      // anonymous mapping, so it is page-aligned, as direct writes need
      "INTO = memoryview(mmap.mmap(-1, 1048576))",
      // the pipe from sshd holds 1 MiB instead of 64 KiB (F_SETPIPE_SZ, Linux's default
      // pipe-max-size): while a block goes to the disk, sshd keeps taking the sender's bytes
      // instead of stalling the whole stream (cold 2 GiB upload: 6.0 -> 5.2 s on the bench box).
      // Only a buffer: where it is refused (not Linux, a lower limit, not a pipe) nothing changes
      "try:",
      "    fcntl.fcntl(0, 1031, 1048576)",
      "except OSError:",
      "    pass",
      "def say(text):",
      "    sys.stdout.write(text + '\\n')",
      "    sys.stdout.flush()",
      "def path_of(arg):",
      "    return bytes(int(arg[i + 2:i + 5], 8) for i in range(0, len(arg), 5))",
      "def readable(p):",
      "    return os.path.isfile(p) and os.access(p, os.R_OK)",
      "def sha256(p, limit):",
      "    h, last = hashlib.sha256(), time.monotonic()",
      "    with open(p, 'rb') as f:",
      "        while limit is None or limit > 0:",
      "            got = f.readinto(INTO if limit is None else INTO[:min(len(INTO), limit)])",
      "            if not got:",
      "                break",
      "            h.update(INTO[:got])",
      "            if limit is not None:",
      "                limit -= got",
      "            if time.monotonic() - last >= 1:",
      "                say('WAIT')",
      "                last = time.monotonic()",
      "    return h.hexdigest()",
      // W <size> <path>: GO (the file is created, exclusively) or ERR; then exactly size bytes
      // arrive, are hashed and written, the file is fsynced, and the reply is OK <sha> <size on disk>
      "def put(size, p):",
      "    try:",
      "        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)",
      "    except OSError as e:",
      "        say(refusal(e))",
      "        return",
      "    say('GO')",
      "    h, left, filled, disk = hashlib.sha256(), size, 0, Disk(fd)",
      "    early, flushed = early_writeback() if size >= 67108864 and not disk.direct else None, 0",
      "    try:",
      "        while left > 0:",
      "            got = sys.stdin.buffer.readinto(INTO[filled:filled + min(len(INTO) - filled, left)])",
      "            if not got:",
      "                disk.write(INTO[:filled])", // cut mid-file: what arrived stays, for a resume or the sender's cleanup
      "                sys.exit(0)",
      "            h.update(INTO[filled:filled + got])",
      "            filled, left = filled + got, left - got",
      "            if filled == len(INTO) or left == 0:",
      "                disk.write(INTO[:filled])",
      "                filled = 0",
      "            if early is not None and size - left - flushed >= 8388608:",
      "                early(fd, flushed, size - left - flushed, 2)", // SYNC_FILE_RANGE_WRITE: start, do not wait
      "                flushed = size - left",
      "        if disk.failed is None:",
      "            try:",
      // a big file's fsync may outlast the reply deadline; a small one's (no thread) cannot
      "                ticking(lambda: os.fsync(fd)) if size >= 67108864 else os.fsync(fd)",
      "            except OSError as e:",
      "                disk.failed = e",
      "        stored = os.fstat(fd).st_size",
      "    finally:",
      "        os.close(fd)",
      "    say(refusal(disk.failed) if disk.failed is not None else 'OK %s %d' % (h.hexdigest(), stored))",
      // The upload's bytes go to the disk past the NAS's page cache (O_DIRECT, whole 1 MiB
      // blocks from the page-aligned buffer), where the filesystem takes it: no copy into
      // memory nobody reads again, and the fsync finds nothing left to write. On the bench box
      // that copy was a quarter of all CPU samples. The unaligned tail, and any filesystem
      // that refuses direct writes (EINVAL), go through the page cache as before.
      "class Disk:",
      "    def __init__(self, fd):",
      "        self.fd, self.failed, self.direct = fd, None, direct(fd, True)",
      "    def write(self, view):",
      "        while self.failed is None and len(view) > 0:",
      "            if self.direct and len(view) % 4096:",
      "                self.direct = direct(self.fd, False)",
      "            try:",
      "                view = view[os.write(self.fd, view):]",
      "            except OSError as e:",
      "                if self.direct and e.errno == errno.EINVAL:",
      "                    self.direct = direct(self.fd, False)",
      "                else:",
      "                    self.failed = e", // the rest is still read, so the conversation stays in step
      "def direct(fd, on):",
      "    try:",
      "        flags = fcntl.fcntl(fd, fcntl.F_GETFL)",
      "        fcntl.fcntl(fd, fcntl.F_SETFL, flags | os.O_DIRECT if on else flags & ~os.O_DIRECT)",
      "        return on",
      "    except (AttributeError, OSError):", // no O_DIRECT here (not Linux), or the filesystem refuses it
      "        return False",
      // a big file's disk writes start every 8 MiB while it arrives (sync_file_range, Linux), so
      // the fsync at the end finds little left to write: 1.0-1.4 s less for 2 GiB on the bench
      // box. Only a start: the fsync still decides, and reports any error. None elsewhere.
      "def early_writeback():",
      "    try:",
      "        import ctypes",
      "        call = ctypes.CDLL(None, use_errno=True).sync_file_range",
      "        call.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]",
      "        return call",
      "    except Exception:",
      "        return None",
      "def ticking(work):",
      "    import threading",
      "    done = threading.Event()",
      "    def tick():",
      "        while not done.wait(1):",
      "            say('WAIT')",
      "    ticker = threading.Thread(target=tick, daemon=True)",
      "    ticker.start()",
      "    try:",
      "        return work()",
      "    finally:",
      "        done.set()",
      "        ticker.join()",
      "def refusal(e):",
      "    kind = {errno.ENOSPC: 'full', errno.EDQUOT: 'full', errno.EACCES: 'denied', errno.EPERM: 'denied',",
      "            errno.EEXIST: 'exists'}.get(e.errno, 'failed')",
      "    return 'ERR %s %s' % (kind, e.strerror)",
      "def answer(op, arg):",
      "    limit = None",
      "    if op == 'P':",
      "        n, _, arg = arg.partition(' ')",
      "        if not n.isdigit():",
      "            return 'ERR bad length'",
      "        limit = int(n) * 1048576",
      "    p = path_of(arg)",
      "    if op in ('H', 'Q', 'P'):",
      "        if not readable(p):",
      "            return 'ERR not a readable file'",
      "        try:",
      "            return 'OK ' + sha256(p, limit)",
      "        except OSError:",
      "            return 'ERR hash failed'",
      "    if op == 'D':",
      "        try:",
      "            v = os.statvfs(p)",
      "        except OSError:",
      "            return 'ERR df failed'",
      "        return 'OK %d %d' % (v.f_bavail * v.f_frsize // 1024, v.f_blocks * v.f_frsize // 1024)",
      "    return 'ERR unknown request'",
      "say('READY python3')",
      "while True:",
      "    line = sys.stdin.buffer.readline()",
      "    if not line:",
      "        break",
      "    op, _, arg = line.rstrip(b'\\n').decode('ascii', 'replace').partition(' ')",
      "    if op == 'W':",
      "        size, _, arg = arg.partition(' ')",
      "        put(int(size), path_of(arg))", // a malformed W cannot be answered in step: python3 ends
      "        continue",
      "    try:",
      "        say(answer(op, arg))",
      "    except Exception as e:",
      "        say('ERR ' + type(e).__name__)",
      "");
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

  /** The first line a NAS with python3 is sent: the program that answers instead of the shell. */
  static String pythonProgramLine() {
    return PYTHON.replace('\n', '\u0001') + "\n";
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
  /** Who answers on the NAS: "python3" or "sh". */
  private String answerer = "sh";
  private boolean inStep = true;

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
    return start(ssh, deadline, true);
  }

  /** python: whether a python3 on the NAS may answer (mediaferry.target.sftp.nas-python). */
  static RemoteShell start(SSHClient ssh, Duration deadline, boolean python) throws IOException {
    Session session;
    try {
      session = ssh.startSession();
    } catch (ConnectionException e) {
      throw ssh.isConnected() ? new NoShell("the NAS refused a session (" + e.getMessage() + ")", e) : e;
    }
    try {
      Session.Command command;
      try {
        command = session.exec("sh -c '" + SCRIPT + "' mediaferry-shell " + (python ? "python" : "nopython"));
      } catch (ConnectionException e) {
        throw ssh.isConnected() ? new NoShell("the NAS refused to run a command (" + e.getMessage() + ")", e) : e;
      }
      RemoteShell shell = new RemoteShell(ssh, session, command, deadline);
      String answerer = handshake(shell::readLine, shell.requests);
      if (answerer == null) {
        if (!ssh.isConnected()) {
          throw new IOException("the connection closed while the NAS shell started");
        }
        throw new NoShell("the NAS account has no usable POSIX shell", null);
      }
      shell.answerer = answerer;
      return shell;
    } catch (IOException | RuntimeException e) {
      session.close();
      throw e;
    }
  }

  interface Lines {
    String next() throws IOException;
  }

  /**
   * The start of the conversation: the shell's READY, or its PYTHON, python3's version line,
   * the program sent, and python3's "READY python3". A python3 that cannot start says no
   * version and the shell says READY instead; one that fails on the program has read it, and
   * the shell says READY too. Returns who answers ("python3" or "sh"); null when the other
   * end is no POSIX shell.
   */
  static String handshake(Lines replies, OutputStream requests) throws IOException {
    String line = replies.next();
    if ("PYTHON".equals(line)) {
      line = replies.next();
      if ("3".equals(line)) {
        requests.write(pythonProgramLine().getBytes(StandardCharsets.US_ASCII));
        requests.flush();
        line = replies.next();
      }
    }
    if ("READY".equals(line)) {
      return "sh";
    }
    return line != null && line.startsWith("READY ") ? line.substring("READY ".length()) : null;
  }

  /** "python3" when the long-lived python3 answers, "sh" when the shell (and one openssl per hash) does. */
  String answerer() {
    return answerer;
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

  /** Whether files can be sent through this conversation: python3 answers, and writes them. */
  boolean writesFiles() {
    return "python3".equals(answerer);
  }

  /** False once a file's bytes stopped part-way: the NAS side still waits for the rest, so this shell is done. */
  boolean inStep() {
    return inStep;
  }

  /**
   * The one-pass upload without a channel of its own: python3 creates the file exclusively,
   * takes exactly the file's bytes from this conversation, hashes and writes them, fsyncs the
   * file and answers the hash and the size it holds. Only where {@link #writesFiles()}.
   */
  HashedUpload write(Path source, String remote, Progress progress, CancelSignal cancel) throws IOException {
    long size = Files.readAttributes(source, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
    String go = ask("W " + size, remote);
    if (!"GO".equals(go)) {
      throw refused(go, remote);
    }
    inStep = false;
    MessageDigest digest = Sha256.digest();
    long sent;
    try (InputStream in = atMost(Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS), size)) {
      sent = ChunkCopy.copy(in, (buffer, n) -> requests.write(buffer, 0, n), 256 * 1024, 0, digest, progress, cancel,
          remote);
    }
    if (sent != size) {
      throw new IOException("source " + source + " shrank from " + size + " to " + sent + " bytes while it was sent");
    }
    requests.flush();
    String reply = awaitReply();
    inStep = true;
    String[] parts = reply.split(" ");
    if (parts.length == 3 && parts[0].equals("OK") && parts[1].matches("[0-9a-f]{64}") && parts[2].matches("[0-9]+")) {
      return new HashedUpload(Sha256.hex(digest), parts[1], Long.parseLong(parts[2]));
    }
    throw refused(reply, remote);
  }

  /** What the NAS's python3 said when it could not create or write the file, as the error it is. */
  private TargetException refused(String reply, String remote) {
    if (reply.startsWith("ERR full")) {
      return new TargetException(ErrorKind.TARGET_FULL, "target full: cannot write " + remote + " on the NAS ("
          + reply.substring(4) + "); free space on the NAS volume");
    }
    if (reply.startsWith("ERR denied")) {
      return new TargetException(ErrorKind.PERMANENT, "permission denied: cannot create " + remote + " on the NAS ("
          + reply.substring(4) + "); give the NAS account write access to that folder");
    }
    return new TargetException(ErrorKind.TRANSIENT, "the NAS answered the upload of " + remote + " with \"" + reply
        + "\"; retrying");
  }

  /** The stream cut off after limit bytes: a file that grew since its size was taken sends no more than announced. */
  private static InputStream atMost(InputStream in, long limit) {
    return new FilterInputStream(in) {
      private long left = limit;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == 1 ? one[0] & 0xff : -1;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        if (left <= 0) {
          return -1;
        }
        int n = super.read(buffer, offset, (int) Math.min(length, left));
        if (n > 0) {
          left -= n;
        }
        return n;
      }
    };
  }

  private String ask(String op, String absolutePath) throws IOException {
    requests.write((op + " " + octalEscaped(absolutePath) + "\n").getBytes(StandardCharsets.US_ASCII));
    requests.flush();
    return awaitReply();
  }

  /** The next reply, past the WAIT lines of work still going on. */
  private String awaitReply() throws IOException {
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
