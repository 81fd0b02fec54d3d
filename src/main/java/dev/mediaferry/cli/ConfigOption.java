package dev.mediaferry.cli;

import dev.mediaferry.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** --config FILE, shared by every subcommand so all read the same settings. */
public final class ConfigOption {
  @Option(names = "--config", paramLabel = "FILE",
      description = "HOCON or JSON settings; only the keys it changes are needed. "
          + "Default: conf/mediaferry.conf under MEDIAFERRY_HOME (or the working directory) when present.")
  Path file;

  public Settings load() {
    return Settings.load(file != null ? file : defaultFile());
  }

  private static Path defaultFile() {
    String home = System.getenv().getOrDefault("MEDIAFERRY_HOME", ".");
    Path candidate = Path.of(home, "conf", "mediaferry.conf");
    return Files.isReadable(candidate) ? candidate : null;
  }
}
