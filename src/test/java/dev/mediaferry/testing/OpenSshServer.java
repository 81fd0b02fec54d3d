package dev.mediaferry.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The real OpenSSH sshd on 127.0.0.1 and a free port, with its own host key, config and
 * client key in a temp folder (scripts/test installs the package). As root, logins go to
 * an unprivileged user, so permission checks are real. Without sshd the test is skipped on
 * a developer's machine and FAILS in CI (CI=true).
 */
public final class OpenSshServer implements AutoCloseable {
  public static final String TEST_USER = "mediaferry-test";
  private static final Path SSHD = Path.of("/usr/sbin/sshd");
  private static final Path SFTP_SERVER = Path.of("/usr/lib/openssh/sftp-server");

  private final Process process;
  private final int port;
  private final Path identityFile;
  private final Path knownHosts;
  private final String user;

  private final Path log;

  private OpenSshServer(Process process, int port, Path identityFile, Path knownHosts, String user, Path log) {
    this.log = log;
    this.process = process;
    this.port = port;
    this.identityFile = identityFile;
    this.knownHosts = knownHosts;
    this.user = user;
  }

  public static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  public static void requireSshd() {
    if (!Files.isExecutable(SSHD)) {
      String why = "OpenSSH sshd is not installed at " + SSHD + "; scripts/test installs it (apt-get install openssh-server)";
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(why);
      }
      Assumptions.abort(why);
    }
  }

  /** For tests that need root (chown, mount): skipped on a developer's machine, FAIL in CI. */
  public static void requireRoot(String why) {
    if (!isRoot()) {
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(why + " needs root, and CI runs as root");
      }
      Assumptions.abort(why + " needs root");
    }
  }

  public static OpenSshServer start(Path dir) throws Exception {
    requireSshd();
    Files.createDirectories(dir);
    String user = isRoot() ? ensureTestUser() : System.getProperty("user.name");
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("host_key").toString());
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("client_key").toString());
    Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys_" + user));
    // sshd reads authorized_keys as the login user: the folder must be open to it
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    int port = freePort();
    Path config = dir.resolve("sshd_config");
    Files.writeString(config, String.join("\n",
        "Port " + port,
        "ListenAddress 127.0.0.1",
        "HostKey " + dir.resolve("host_key"),
        "PidFile " + dir.resolve("sshd.pid"),
        "AuthorizedKeysFile " + dir.resolve("authorized_keys_%u"),
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PubkeyAuthentication yes",
        "StrictModes no",
        "UsePAM no",
        "PermitRootLogin prohibit-password",
        // the SFTP server logs each open, close and fsync to its own file, so tests can see them
        // (a subsystem runs through the login shell, so the redirection works)
        "Subsystem sftp " + SFTP_SERVER + " -e -l VERBOSE 2>>" + dir.resolve("sftp.log"),
        "") );
    if (isRoot()) {
      Files.createDirectories(Path.of("/run/sshd"));
    }
    Files.writeString(dir.resolve("sftp.log"), "");
    Files.setPosixFilePermissions(dir.resolve("sftp.log"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
    run(SSHD.toString(), "-t", "-f", config.toString());
    Process process = new ProcessBuilder(SSHD.toString(), "-D", "-f", config.toString(), "-E",
        dir.resolve("sshd.log").toString()).redirectErrorStream(true).redirectOutput(dir.resolve("sshd.out").toFile())
        .start();
    await().atMost(Duration.ofSeconds(20)).until(() -> canConnect(port));
    String hostKey = Files.readString(dir.resolve("host_key.pub")).trim().split(" ")[0] + " "
        + Files.readString(dir.resolve("host_key.pub")).trim().split(" ")[1];
    Path knownHosts = dir.resolve("known_hosts");
    Files.writeString(knownHosts, "[127.0.0.1]:" + port + " " + hostKey + "\n");
    return new OpenSshServer(process, port, dir.resolve("client_key"), knownHosts, user, dir.resolve("sftp.log"));
  }

  /** Lets the login user write into dir (the NAS folder of a test). */
  public void grant(Path dir) throws Exception {
    if (isRoot()) {
      run("chown", "-R", user, dir.toString());
      // JUnit's temp folders are private to root: let the login user pass through them
      for (Path p = dir.toAbsolutePath().getParent(); p != null && p.getNameCount() > 1; p = p.getParent()) {
        run("chmod", "o+x", p.toString());
      }
    }
  }

  private static String ensureTestUser() throws Exception {
    if (new ProcessBuilder("id", "-u", TEST_USER).start().waitFor() != 0) {
      run("useradd", "--no-create-home", "--home-dir", "/tmp", "--shell", "/bin/sh", TEST_USER);
    }
    // "!" (useradd's default) marks the account locked, and sshd then refuses even keys; "*" only means no password
    run("usermod", "-p", "*", TEST_USER);
    return TEST_USER;
  }

  public static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static boolean canConnect(int port) {
    try (Socket ignored = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** What the SFTP server logged so far (one line per open, close, fsync...). */
  public String log() throws IOException {
    return Files.readString(log);
  }

  public int port() {
    return port;
  }

  public String user() {
    return user;
  }

  public Path identityFile() {
    return identityFile;
  }

  public Path knownHosts() {
    return knownHosts;
  }

  public String url(Path base) {
    return url(base, port);
  }

  /** The URL through another port (a fault proxy in front of this server). */
  public String url(Path base, int viaPort) {
    return "sftp://" + user + "@127.0.0.1:" + viaPort + base.toAbsolutePath();
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
