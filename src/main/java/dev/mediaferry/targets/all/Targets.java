package dev.mediaferry.targets.all;

import dev.mediaferry.config.Settings;
import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.targets.LocalTarget;
import dev.mediaferry.targets.Target;
import dev.mediaferry.targets.TargetException;
import dev.mediaferry.targets.sftp.SftpEndpoint;
import dev.mediaferry.targets.sftp.SftpTarget;
import java.nio.file.Path;

/**
 * Opens the target named by mediaferry.target.url: the one place that knows every kind of
 * target (as rclone's backend/all), so the kinds need not know each other. A new kind of
 * target implements {@link Target} in its own package and gets its URL scheme here.
 */
public final class Targets {
  private Targets() {}

  /** How the target is named in status and logs (no password), known before it is opened. */
  public static String describe(Settings.TargetSettings settings) {
    String url = settings.url();
    try {
      if (url.startsWith("sftp://")) {
        return SftpEndpoint.parse(url).toString();
      }
      if (url.startsWith("file:")) {
        return LocalTarget.describe(Path.of(url.substring("file:".length())));
      }
    } catch (RuntimeException malformed) {
      // opening it names what is wrong
    }
    return url;
  }

  public static Target open(Settings.TargetSettings settings) throws TargetException {
    String url = settings.url();
    if (url.startsWith("sftp://")) {
      return SftpTarget.open(url, settings.sftp());
    }
    if (url.startsWith("file:")) {
      Path base = Path.of(url.substring("file:".length()));
      LocalTarget target = new LocalTarget(base);
      target.mkdirs("");
      return target;
    }
    throw new TargetException(ErrorKind.PERMANENT, "mediaferry.target.url = \"" + url
        + "\" is not supported; use file:/path/to/folder or sftp://user@host:port/path");
  }
}
