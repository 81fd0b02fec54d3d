package dev.mediaferry.chaos;

import dev.mediaferry.dock.DockTable;
import dev.mediaferry.testing.JournalLockHolder;
import dev.mediaferry.testing.OpenSshServer;
import dev.mediaferry.testing.TcpFaultProxy;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * scripts/chaos: the daemon as an operator runs it, offloading a drone dock's files over a real
 * OpenSSH sshd on 127.0.0.1 while it is killed with SIGKILL, its connections are cut and
 * stalled (also mid-login), the NAS-side session processes are killed, the NAS (a tmpfs) fills
 * up and empties, a source file changes while it uploads, and the journal and the dock table
 * are locked by another process for longer than their busy timeouts. Then {@link ChaosCheck}
 * checks the outcome with sha256sum and SQL, not with mediaferry's code.
 *
 * <p>Needs root: it mounts the NAS tmpfs and kills the NAS user's processes.
 */
public final class ChaosRun {
  /**
   * The faults besides kills; each is injected at least once per run. Changing a file while it
   * uploads is not among them: a watcher does it to each large file the scan finds (below).
   */
  enum Fault { CUT, STALL, LOGIN_CUT, LOGIN_STALL, NAS_KILL, FILL, JOURNAL_LOCK, DOCK_LOCK }

  /** journal.db's busy timeout is 10 s (application.conf), the dock's 5 s: each lock outlasts its own. */
  private static final Duration JOURNAL_LOCK_HOLD = Duration.ofSeconds(12);
  private static final Duration DOCK_LOCK_HOLD = Duration.ofSeconds(6);

  /** pauseSeconds: the mean pause between faults; dockPaceMillis: the dock's pause between files. */
  record Options(int kills, int minutes, long seed, ChaosPlan.Sizes sizes, Path work, double pauseSeconds,
                 long dockPaceMillis, String bandwidth) {
    static Options defaults(Path work) {
      return new Options(20, 30, new Random().nextLong() & 0xffffff,
          new ChaosPlan.Sizes(1000, 6, 2, 6 * ChaosPlan.MIB, 100 * ChaosPlan.MIB, 400 * ChaosPlan.MIB), work, 3.0,
          150, "0");
    }
  }

  record Result(Options options, Map<Fault, Integer> injected, int kills, long cuts, long stalls, int modified,
                int exits, Duration took, List<String> violations) {
    String line() {
      return "chaos: files=" + options.sizes().files() + " kills=" + kills + " cuts=" + cuts + " stalls=" + stalls
          + " fills=" + injected.get(Fault.FILL) + " locks="
          + (injected.get(Fault.JOURNAL_LOCK) + injected.get(Fault.DOCK_LOCK)) + " violations=" + violations.size();
    }

    String details() {
      return "chaos: seed=" + options.seed() + " took=" + took.toSeconds() + "s nas-kills="
          + injected.get(Fault.NAS_KILL) + " modified-while-uploading=" + modified
          + " login-faults=" + (injected.get(Fault.LOGIN_CUT) + injected.get(Fault.LOGIN_STALL))
          + " journal-locks=" + injected.get(Fault.JOURNAL_LOCK) + " dock-locks=" + injected.get(Fault.DOCK_LOCK)
          + " daemon-exits=" + exits;
    }
  }

  private final Options options;
  private final Random random;
  private final ChaosPlan plan;
  private final Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
  private final List<String> notes = java.util.Collections.synchronizedList(new ArrayList<>());
  private final Path media;
  private final Path nas;
  private final Path dockDb;
  private final Path config;
  private Process daemon;
  private int daemonStarts;
  private int kills;
  private int exits;
  private volatile int modified;

  private ChaosRun(Options options) {
    this.options = options;
    this.random = new Random(options.seed());
    this.plan = ChaosPlan.draw(options.sizes(), options.seed());
    this.media = options.work().resolve("media");
    this.nas = options.work().resolve("nas");
    this.dockDb = options.work().resolve("dock/media.db");
    this.config = options.work().resolve("chaos.conf");
    for (Fault fault : Fault.values()) {
      injected.put(fault, 0);
    }
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = ChaosOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("chaos: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (options == null) {
      System.out.println(ChaosOptions.HELP);
      return;
    }
    if (!OpenSshServer.isRoot()) {
      System.err.println("chaos: needs root (it mounts a tmpfs for the NAS and kills the NAS user's processes); "
          + "run it as root, as CI does");
      System.exit(2);
    }
    Result result = run(options);
    result.violations().stream().limit(50).forEach(v -> System.out.println("violation: " + v));
    System.out.println(result.details());
    System.out.println(result.line());
    System.exit(result.violations().isEmpty() ? 0 : 1);
  }

  static Result run(Options options) throws Exception {
    return new ChaosRun(options).run();
  }

  private Result run() throws Exception {
    Instant started = Instant.now();
    Path work = options.work();
    clearLeftovers(work);
    Files.createDirectories(work);
    Files.createDirectories(media);
    Files.createDirectories(dockDb.getParent());
    long nasBytes = plan.totalBytes() + plan.totalBytes() / 4 + 512 * ChaosPlan.MIB;
    Files.createDirectories(nas);
    OpenSshServer.run("mount", "-t", "tmpfs", "-o", "size=" + nasBytes, "tmpfs", nas.toString());
    List<String> violations;
    try (OpenSshServer sshd = OpenSshServer.start(work.resolve("ssh"));
         TcpFaultProxy proxy = new TcpFaultProxy(sshd.port())) {
      sshd.grant(nas);
      writeConfig(sshd, proxy);
      DockTable.init(dockDb);
      plan.write(work.resolve("plan.tsv"));
      say("%d files, %.1f GiB, seed %d, NAS tmpfs %.1f GiB", plan.files().size(),
          plan.totalBytes() / (double) ChaosPlan.GIB, options.seed(), nasBytes / (double) ChaosPlan.GIB);
      Process dock = java(ChaosDock.class.getName(), List.of(dockDb.toString(), media.toString(),
          work.resolve("plan.tsv").toString(), manifest().toString(), String.valueOf(options.dockPaceMillis())),
          work.resolve("dock.log"));
      startDaemon();
      java.util.concurrent.atomic.AtomicBoolean stopModifier = new java.util.concurrent.atomic.AtomicBoolean();
      Thread modifier = modifyWhileUploading(stopModifier);
      Instant deadline = started.plus(Duration.ofMinutes(options.minutes()));
      for (Fault fault : faultSequence()) {
        pause();
        keepDaemonRunning();
        if (fault == null) {
          kill();
        } else if (inject(fault, sshd, proxy, nasBytes)) {
          injected.merge(fault, 1, Integer::sum);
        }
        if (Instant.now().isAfter(deadline)) {
          break;
        }
      }
      say("faults done (%d kills); waiting for the daemon to finish", kills);
      boolean finished = awaitFinished(dock, deadline);
      stopModifier.set(true);
      modifier.join();
      stopDaemon();
      violations = new ArrayList<>(ChaosCheck.check(work, plan, media, nas, dockDb, config, this::mediaferry));
      if (!finished) {
        violations.add(0, "not finished within " + options.minutes() + " minutes");
      }
      if (dock.exitValue() != 0) {
        violations.add("the dock process failed: " + Files.readString(work.resolve("dock.log")));
      }
      Result result = new Result(options, injected, kills, proxy.resetsInjected.get(), proxy.stallsInjected.get(),
          modified, exits, Duration.between(started, Instant.now()), violations);
      notes.forEach(System.out::println);
      return result;
    } finally {
      if (daemon != null) {
        daemon.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
      OpenSshServer.run("umount", "-l", nas.toString());
    }
  }

  /** A previous run's folder (its NAS tmpfs perhaps still mounted) goes, so that its files count for nothing. */
  private void clearLeftovers(Path work) throws Exception {
    if (Files.exists(work)) {
      new ProcessBuilder("umount", "-l", nas.toString()).redirectErrorStream(true).start().waitFor();
      OpenSshServer.run("rm", "-rf", "--one-file-system", work.toString());
    }
  }

  /** Kills (null) evenly between the other faults; each kind of fault comes at least once, the rest at random. */
  private List<Fault> faultSequence() {
    List<Fault> others = new ArrayList<>(List.of(Fault.values()));
    Collections.shuffle(others, random);
    int extra = options.kills() / 2;
    for (int i = 0; i < extra; i++) {
      others.add(Fault.values()[random.nextInt(Fault.values().length)]);
    }
    List<Fault> sequence = new ArrayList<>();
    int perKill = Math.max(1, (int) Math.ceil(others.size() / (double) Math.max(1, options.kills())));
    for (int k = 0; k < options.kills() || !others.isEmpty(); k++) {
      for (int i = 0; i < perKill && !others.isEmpty(); i++) {
        sequence.add(others.remove(0));
      }
      if (k < options.kills()) {
        sequence.add(null);
      }
    }
    return sequence;
  }

  private boolean inject(Fault fault, OpenSshServer sshd, TcpFaultProxy proxy, long nasBytes) throws Exception {
    switch (fault) {
      case CUT -> proxy.arm(TcpFaultProxy.Fault.RESET, 4096 + random.nextInt(8 << 20));
      case STALL -> proxy.arm(TcpFaultProxy.Fault.STALL, 4096 + random.nextInt(8 << 20));
      case LOGIN_CUT -> proxy.armLogin(TcpFaultProxy.Fault.RESET, 20 + random.nextInt(3000));
      case LOGIN_STALL -> proxy.armLogin(TcpFaultProxy.Fault.STALL, 20 + random.nextInt(3000));
      case NAS_KILL -> {
        // sshd's session processes of the NAS user, its sftp-server and any openssl hashing for it
        return new ProcessBuilder("pkill", "-9", "-u", sshd.user()).start().waitFor() == 0;
      }
      case FILL -> {
        return fill(nasBytes);
      }
      case JOURNAL_LOCK -> hold(options.work().resolve("state/journal.db"), JOURNAL_LOCK_HOLD);
      case DOCK_LOCK -> hold(dockDb, DOCK_LOCK_HOLD);
      default -> throw new IllegalStateException(fault.name());
    }
    return true;
  }

  /** The NAS tmpfs shrinks to what it holds (writes get ENOSPC), stays full a while, then grows back. */
  private boolean fill(long nasBytes) throws Exception {
    FileStore store = Files.getFileStore(nas);
    for (int attempt = 0; attempt < 10; attempt++) {
      long used = store.getTotalSpace() - store.getUnallocatedSpace();
      long full = used + 64 * 1024;
      Process remount = new ProcessBuilder("mount", "-o", "remount,size=" + full, nas.toString())
          .redirectErrorStream(true).start();
      remount.getInputStream().readAllBytes();
      if (remount.waitFor() == 0) {
        Thread.sleep(1500 + random.nextInt(3000));
        OpenSshServer.run("mount", "-o", "remount,size=" + nasBytes, nas.toString());
        return true;
      }
      // more was written between the measurement and the remount: measure again
    }
    return false;
  }

  /**
   * Watches the NAS for temp files of large files the scan found (not the dock's: its row records
   * the size it wrote) and, once per file while its upload is under half way, changes a block and
   * appends a MiB to the source. Every content a file had is recorded for the check.
   */
  private Thread modifyWhileUploading(java.util.concurrent.atomic.AtomicBoolean stop) {
    Thread watcher = new Thread(() -> {
      java.util.Set<String> done = new java.util.HashSet<>();
      Random own = new Random(options.seed() + 1);
      try {
        while (!stop.get()) {
          for (Path temp : tempFiles()) {
            Optional<ChaosPlan.PlannedFile> planned = ChaosCheck.sourceOfTemp(nas.relativize(temp).toString(), plan);
            if (planned.isEmpty() || planned.get().viaDock() || !planned.get().large()
                || done.contains(planned.get().relativePath())) {
              continue;
            }
            Path source = media.resolve(planned.get().relativePath());
            long tempSize = sizeOrZero(temp);
            if (Files.exists(source) && tempSize > 0 && tempSize < Files.size(source) / 2) {
              modify(source, own);
              done.add(planned.get().relativePath());
              Files.writeString(options.work().resolve("modified.sha256"),
                  ChaosDock.sha256(source) + "  " + planned.get().relativePath() + "\n", StandardOpenOption.CREATE,
                  StandardOpenOption.APPEND);
              say("modified %s while %d of its bytes were on the NAS", planned.get().relativePath(), tempSize);
            }
          }
          Thread.sleep(50);
        }
      } catch (Exception e) {
        notes.add("chaos: the modifier stopped: " + e);
      }
      modified = done.size();
    }, "chaos-modifier");
    watcher.start();
    return watcher;
  }

  private static void modify(Path source, Random random) throws IOException {
    byte[] block = new byte[4096];
    random.nextBytes(block);
    try (var channel = java.nio.channels.FileChannel.open(source, StandardOpenOption.WRITE)) {
      channel.write(java.nio.ByteBuffer.wrap(block), channel.size() / 3);
      byte[] tail = new byte[1 << 20];
      random.nextBytes(tail);
      channel.write(java.nio.ByteBuffer.wrap(tail), channel.size());
    }
  }

  private List<Path> tempFiles() throws IOException {
    try (Stream<Path> files = Files.walk(nas)) {
      return files.filter(p -> p.getFileName().toString().contains(".mftmp-")).toList();
    } catch (java.io.UncheckedIOException e) {
      return List.of(); // a temp renamed or removed while we walked
    }
  }

  private static long sizeOrZero(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  private void hold(Path db, Duration howLong) throws Exception {
    Process holder = JournalLockHolder.hold(db, options.work());
    Thread.sleep(howLong.toMillis());
    JournalLockHolder.release(holder);
  }

  private void kill() throws Exception {
    daemon.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    kills++;
    Thread.sleep(random.nextInt(1000));
    startDaemon();
  }

  /** A daemon that ended on its own is started again, as systemd's Restart= would, and counted. */
  private void keepDaemonRunning() throws Exception {
    if (!daemon.isAlive()) {
      exits++;
      notes.add("chaos: the daemon exited by itself with " + daemon.exitValue() + " (start " + daemonStarts
          + ", log " + options.work().resolve("daemon.log") + "); restarted");
      startDaemon();
    }
  }

  private void startDaemon() throws Exception {
    daemonStarts++;
    Files.writeString(options.work().resolve("daemon.log"), "=== start " + daemonStarts + " at " + Instant.now()
        + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    daemon = mediaferryProcess(List.of("run", "--config", config.toString()), options.work().resolve("daemon.log"));
  }

  private void stopDaemon() throws Exception {
    daemon.destroy(); // SIGTERM: the graceful stop systemd sends
    if (!daemon.waitFor(90, TimeUnit.SECONDS)) {
      daemon.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Whether the work ended before the deadline: the dock done, the source empty, every row completed. */
  private boolean awaitFinished(Process dock, Instant deadline) {
    Duration left = Duration.between(Instant.now(), deadline);
    if (left.isNegative() || left.isZero()) {
      return false;
    }
    try {
      org.awaitility.Awaitility.await().atMost(left).pollInterval(Duration.ofSeconds(1)).until(() -> {
        keepDaemonRunning();
        return !dock.isAlive() && ChaosCheck.sourceFiles(media).isEmpty()
            && ChaosCheck.rowsNotCompleted(dockDb) == 0;
      });
      return true;
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      return false;
    }
  }

  private void pause() throws InterruptedException {
    Thread.sleep((long) (1000 * options.pauseSeconds() * (0.3 + random.nextDouble() * 1.4)));
  }

  private Path manifest() {
    return options.work().resolve("manifest.sha256");
  }

  private void writeConfig(OpenSshServer sshd, TcpFaultProxy proxy) throws IOException {
    Path knownHosts = options.work().resolve("known_hosts");
    Files.writeString(knownHosts, Files.readString(sshd.knownHosts())
        .replace(":" + sshd.port() + " ", ":" + proxy.port() + " "));
    Path work = options.work();
    Files.writeString(config, String.format("""
        mediaferry {
          home = "%1$s"
          state-dir = "%1$s/state"
          source { dir = "%1$s/media", scan-interval = 1s, stable-for = 1s }
          legacy-db { path = "%2$s", poll-interval = 500ms }
          target {
            url = "%3$s"
            layout = "{path}"
            sftp { identity-file = "%4$s", known-hosts = "%5$s", connect-timeout = 5s, idle-timeout = 5s }
          }
          transfer {
            max-concurrent = 4
            bandwidth = "%6$s"
            # faults here are all passing: no file may run out of attempts
            retry { initial = 500ms, max = 3s, max-attempts = 10000 }
          }
          delete { delay = 0s, trash-dir = "%1$s/trash", trash-retention = 30d }
          storage { check-interval = 2s, min-free = 0 }
        }
        """, work, dockDb, sshd.url(nas, proxy.port()), sshd.identityFile(), knownHosts, options.bandwidth()));
  }

  /** Runs a mediaferry command to its end; its exit code and what it printed. */
  ChaosCheck.Output mediaferry(List<String> args) throws Exception {
    Path out = options.work().resolve("command.out");
    Files.deleteIfExists(out);
    Process process = mediaferryProcess(args, out);
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      return new ChaosCheck.Output(-1, "timed out: mediaferry " + String.join(" ", args));
    }
    return new ChaosCheck.Output(process.exitValue(), Files.readString(out));
  }

  private Process mediaferryProcess(List<String> args, Path log) throws Exception {
    List<String> command = new ArrayList<>(List.of("-Xmx192m", "-Xms16m", "-XX:+UseSerialGC",
        "-Dlogback.configurationFile=logback.xml", "-Dmediaferry.http.port=0", "dev.mediaferry.cli.Main"));
    command.addAll(args);
    return java(null, command, log);
  }

  /** A JVM on our classpath: mainClass with args, or (mainClass null) the options and class in args. */
  private Process java(String mainClass, List<String> args, Path log) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path")));
    if (mainClass != null) {
      command.add("-Xmx256m");
      command.add(mainClass);
    }
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().put("MEDIAFERRY_LOG_DIR", options.work().resolve("log").toString());
    return builder.start();
  }

  private void say(String format, Object... args) {
    System.out.println("chaos: " + String.format(format, args));
  }
}
