package dev.mediaferry.testing;

import dev.mediaferry.config.Settings;
import java.nio.file.Path;
import java.time.Duration;

/** sftp settings for tests: given keys and known_hosts, short timeouts. */
public final class SftpSettings {
  private SftpSettings() {}

  public static Settings.Sftp of(Path identity, Path knownHosts, String policy, String verify) {
    return new Settings.Sftp(identity.toString(), knownHosts.toString(),
        Settings.HostKeyPolicy.valueOf(constant(policy)), "", Duration.ofSeconds(10), Duration.ofSeconds(4), 2,
        Settings.Verify.valueOf(constant(verify)));
  }

  public static Settings.Sftp of(Path identity, Path knownHosts) {
    return of(identity, knownHosts, "strict", "auto");
  }

  /** The NAS's python3 left alone: the shell and its openssl, the exec channel for big files, SFTP. */
  public static Settings.Sftp withoutNasPython(Path identity, Path knownHosts) {
    Settings.Sftp s = of(identity, knownHosts);
    return new Settings.Sftp(s.identityFile(), s.knownHosts(), s.hostKeyPolicy(), s.password(), s.connectTimeout(),
        s.idleTimeout(), s.connections(), s.verify(), Settings.NasPython.OFF);
  }

  /** A choice as written in the config (accept-new) to its constant (ACCEPT_NEW). */
  private static String constant(String configName) {
    return configName.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
  }
}
