package dev.mediaferry.testing;

import dev.mediaferry.config.Settings;
import java.nio.file.Path;
import java.time.Duration;

/** sftp settings for tests: given keys and known_hosts, short timeouts. */
public final class SftpSettings {
  private SftpSettings() {}

  public static Settings.Sftp of(Path identity, Path knownHosts, String policy, String verify) {
    return new Settings.Sftp(identity.toString(), knownHosts.toString(), policy, "", Duration.ofSeconds(10),
        Duration.ofSeconds(4), 2, verify);
  }

  public static Settings.Sftp of(Path identity, Path knownHosts) {
    return of(identity, knownHosts, "strict", "auto");
  }
}
