package dev.mediaferry.targets;

import dev.mediaferry.config.Settings;
import dev.mediaferry.targets.sftp.SftpTarget;
import java.nio.file.Path;

/** Opens the target named by mediaferry.target.url. */
public final class Targets {
  private Targets() {}

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
