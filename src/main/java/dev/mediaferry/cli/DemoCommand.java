package dev.mediaferry.cli;

import com.typesafe.config.ConfigFactory;
import dev.mediaferry.config.Settings;
import dev.mediaferry.daemon.Daemon;
import dev.mediaferry.daemon.InstanceLock;
import dev.mediaferry.demo.InProcessSftpServer;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.targets.Target;
import dev.mediaferry.targets.sftp.SftpTarget;
import dev.mediaferry.transfer.RunSummary;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Shows the SSH path with no NAS: starts an SFTP server in this process on 127.0.0.1, writes a few "
        + "sample media files into a temp folder, offloads them with delete delay 0 (verified by SHA-256 on the "
        + "server, then moved to the trash) and prints where they landed.",
        "Host keys are verified as in production: the demo server's key is written to a known_hosts of its own."})
final class DemoCommand implements Callable<Integer> {
  private static final Map<String, Integer> SAMPLES = Map.of(
      "flight-0421/DJI_0421.MP4", 48 << 20, "flight-0421/DJI_0422.JPG", 6 << 20, "flight-0421/DJI_0423.JPG", 6 << 20,
      "flight-0422/DJI_0501.MP4", 24 << 20, "flight-0422/DJI_0502.DNG", 12 << 20);

  @Mixin
  ConfigOption config;

  @Option(names = "--photos", paramLabel = "N", defaultValue = "0",
      description = "Also N photos of 2 MiB each (flight-0423/), as a flight leaves hundreds of them. "
          + "scripts/mediaferry trains the --once AOT cache with --photos 100. Default: ${DEFAULT-VALUE}.")
  int photos;

  @Override
  public Integer call() throws Exception {
    if (photos < 0) {
      System.err.println("mediaferry demo: --photos " + photos + " is below 0; give a count of photos, or leave it out");
      return ExitCode.BAD_USAGE_OR_CONFIG;
    }
    Path dir = Files.createTempDirectory("mediaferry-demo-");
    Map<String, Integer> samples = samples(photos);
    Path source = writeSamples(dir.resolve("media"), samples);
    Path nas = Files.createDirectories(dir.resolve("nas"));
    try (InProcessSftpServer server = InProcessSftpServer.start(dir.resolve("keys"))) {
      Settings settings = demoSettings(config.load(), dir, source, server.url(nas));
      System.out.println("demo: SFTP server on 127.0.0.1:" + server.port() + ", offloading " + samples.size()
          + " files from " + source + " to " + settings.target().url());
      Files.createDirectories(settings.stateDir());
      try (InstanceLock lock = InstanceLock.acquire(settings.lockFile())) {
        JournalDatabase.ensureSchema(settings.journalFile());
        long started = System.nanoTime();
        Target target = SftpTarget.open(settings.target().url(), new Settings.Sftp(
            server.identityFile().toString(), server.knownHosts().toString(),
            Settings.HostKeyPolicy.STRICT, "", Duration.ofSeconds(10), Duration.ofSeconds(30), 2,
            Settings.Verify.AUTO));
        Daemon daemon = Daemon.start(settings, target, true);
        RunSummary summary = daemon.summary().join();
        daemon.stop().join();
        System.out.println(summary.line((System.nanoTime() - started) / 1e9));
        printTree("landed on the NAS", nas);
        printTree("local copies moved to the trash", settings.delete().trashDir());
        System.out.println("journal: " + settings.journalFile() + " (everything is under " + dir + ")");
        return summary.failed() > 0 ? ExitCode.FILES_FAILED : ExitCode.OK;
      }
    }
  }

  private static Settings demoSettings(Settings base, Path dir, Path source, String url) {
    return Settings.create(ConfigFactory.parseMap(Map.of(
        "mediaferry.source.dir", source.toString(),
        "mediaferry.source.stable-for", "0s",
        "mediaferry.source.scan-interval", "200ms",
        "mediaferry.target.url", url,
        "mediaferry.state-dir", dir.resolve("state").toString(),
        "mediaferry.delete.delay", "0s",
        "mediaferry.storage.min-free", "0",
        "mediaferry.delete.trash-dir", dir.resolve("trash").toString(),
        // a free port: the demo runs beside a daemon that holds 9464
        "mediaferry.http.port", 0)).withFallback(base.raw()));
  }

  /** The five samples, and count photos of 2 MiB. */
  private static Map<String, Integer> samples(int count) {
    Map<String, Integer> samples = new TreeMap<>(SAMPLES);
    for (int i = 1; i <= count; i++) {
      samples.put(String.format("flight-0423/DJI_%04d.JPG", 1000 + i), 2 << 20);
    }
    return samples;
  }

  private static Path writeSamples(Path source, Map<String, Integer> samples) throws IOException {
    Random random = new Random(421);
    byte[] buffer = new byte[1 << 20];
    Instant shot = Instant.now().minus(Duration.ofDays(2));
    for (var sample : samples.entrySet()) {
      Path file = source.resolve(sample.getKey());
      Files.createDirectories(file.getParent());
      try (OutputStream out = Files.newOutputStream(file)) {
        for (int left = sample.getValue(); left > 0; left -= buffer.length) {
          random.nextBytes(buffer);
          out.write(buffer, 0, Math.min(left, buffer.length));
        }
      }
      Files.setLastModifiedTime(file, FileTime.from(shot));
    }
    return source;
  }

  private static void printTree(String title, Path root) throws IOException {
    System.out.println(title + ":");
    try (Stream<Path> files = Files.walk(root)) {
      files.filter(Files::isRegularFile).sorted().forEach(f -> System.out.printf("  %-60s %,12d bytes%n",
          root.relativize(f), f.toFile().length()));
    }
  }
}
