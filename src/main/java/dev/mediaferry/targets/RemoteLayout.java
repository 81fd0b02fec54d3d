package dev.mediaferry.targets;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * Where a file goes on the target: a template such as "{yyyy}/{MM}/{dd}/{name}" filled
 * from the file's mtime (in the machine's time zone) and its path under the source root.
 * Placeholders: {yyyy} {MM} {dd} {HH} {name} {path} (the relative path) {dir} (its folder).
 */
public final class RemoteLayout {
  /** Our temp files carry this marker, so scans and cleanups recognise them. */
  public static final String TEMP_MARKER = ".mftmp-";

  private final String template;
  private final ZoneId zone;

  public RemoteLayout(String template, ZoneId zone) {
    if (!template.contains("{name}") && !template.contains("{path}")) {
      throw new IllegalArgumentException("layout '" + template + "' must contain {name} or {path}");
    }
    this.template = template;
    this.zone = zone;
  }

  public String finalPath(String relativePath, long mtimeMillis) {
    ZonedDateTime time = Instant.ofEpochMilli(mtimeMillis).atZone(zone);
    String name = name(relativePath);
    String dir = parent(relativePath);
    String path = template
        .replace("{yyyy}", String.format("%04d", time.getYear()))
        .replace("{MM}", String.format("%02d", time.getMonthValue()))
        .replace("{dd}", String.format("%02d", time.getDayOfMonth()))
        .replace("{HH}", String.format("%02d", time.getHour()))
        .replace("{dir}", dir)
        .replace("{path}", relativePath)
        .replace("{name}", name);
    return path.replaceAll("/+", "/").replaceAll("^/", "");
  }

  /** A hidden name beside the final one, unique to the file, so rename stays atomic. */
  public static String tempPath(String finalPath, String fileId) {
    String dir = parent(finalPath);
    String temp = "." + name(finalPath) + TEMP_MARKER + fileId.substring(0, Math.min(12, fileId.length()));
    return dir.isEmpty() ? temp : dir + "/" + temp;
  }

  public static boolean isTempName(String name) {
    return name.startsWith(".") && name.contains(TEMP_MARKER);
  }

  /** "a/b/c.mp4" with suffix 2 → "a/b/c~2.mp4": how different content is kept beside. */
  public static String withSuffix(String path, int suffix) {
    String dir = parent(path);
    String name = name(path);
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot) : "";
    String suffixed = stem + "~" + suffix + ext;
    return dir.isEmpty() ? suffixed : dir + "/" + suffixed;
  }

  public static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  public static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
