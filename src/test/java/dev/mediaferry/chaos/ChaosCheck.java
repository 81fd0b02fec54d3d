package dev.mediaferry.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The end of a chaos run, judged without mediaferry's code: sha256sum over the NAS, the trash
 * and the manifest the dock wrote; SQL over the dock's table. Only the last two checks ask
 * mediaferry itself (`audit --state quarantined`, `audit --verify`), as an operator would.
 */
final class ChaosCheck {
  record Output(int exitCode, String text) {}

  interface Mediaferry {
    Output run(List<String> args) throws Exception;
  }

  private static final String TEMP_MARKER = ".mftmp-";
  private static final String TARGET_MARKER = ".mediaferry-target-";
  /** A name kept beside a different copy: "DJI_0001~2.JPG" (on the NAS) or "DJI_0001.JPG~2" (in the trash). */
  private static final Pattern NAS_SUFFIX = Pattern.compile("^(.*)~\\d+(\\.[^./]*)?$");
  private static final Pattern TRASH_SUFFIX = Pattern.compile("^(.*)~\\d+$");

  private ChaosCheck() {}

  static List<String> check(Path work, ChaosPlan plan, Path media, Path nas, Path dockDb, Path config,
      Mediaferry mediaferry) throws Exception {
    List<String> violations = new ArrayList<>();
    Map<String, List<String>> versions = versions(work);
    Map<String, String> onNas = sha256sum(nas);
    Map<String, String> inTrash = sha256sum(work.resolve("trash"));
    List<String> leftInSource = sourceFiles(media);
    for (ChaosPlan.PlannedFile file : plan.files()) {
      if (!versions.containsKey(file.relativePath())) {
        violations.add(file.relativePath() + ": the dock never finished writing it");
      }
    }
    onNas.forEach((path, hash) -> {
      if (path.contains(TEMP_MARKER)) {
        violations.add("temp file left on the NAS: " + path);
      } else if (!Path.of(path).getFileName().toString().startsWith(TARGET_MARKER)) {
        judgeCopy("on the NAS", path, base(path, NAS_SUFFIX), hash, versions, violations);
      }
    });
    inTrash.forEach((path, hash) -> {
      String underDay = path.substring(path.indexOf('/') + 1);
      judgeCopy("in the trash", path, base(underDay, TRASH_SUFFIX), hash, versions, violations);
    });
    for (ChaosPlan.PlannedFile file : plan.files()) {
      List<String> its = versions.getOrDefault(file.relativePath(), List.of());
      if (its.isEmpty()) {
        continue;
      }
      String last = its.get(its.size() - 1);
      if (!hasCopy(onNas, file.relativePath(), last, NAS_SUFFIX, false)) {
        violations.add(file.relativePath() + ": its content (sha256 " + last + ") is not on the NAS");
      }
      if (!leftInSource.contains(file.relativePath()) && !hasCopy(inTrash, file.relativePath(), last, TRASH_SUFFIX,
          true)) {
        violations.add(file.relativePath() + ": deleted from the source but not in the trash with its content");
      }
    }
    leftInSource.forEach(p -> violations.add(p + ": still in the source folder (never offloaded and deleted)"));
    violations.addAll(rowsNotCompletedDescribed(dockDb));
    Output quarantined = mediaferry.run(List.of("audit", "--state", "quarantined", "--format", "json", "--config",
        config.toString()));
    quarantined.text().lines().filter(l -> l.startsWith("{"))
        .forEach(l -> violations.add("quarantined though nothing was wrong with it: " + l));
    Output verify = mediaferry.run(List.of("audit", "--verify", "--config", config.toString()));
    if (verify.exitCode() != 0) {
      violations.add("mediaferry audit --verify exited " + verify.exitCode() + ": " + tail(verify.text()));
    }
    return violations;
  }

  private static void judgeCopy(String where, String path, String base, String hash,
      Map<String, List<String>> versions, List<String> violations) {
    List<String> its = versions.get(base);
    if (its == null) {
      violations.add("a file " + where + " that no source had: " + path);
    } else if (!its.contains(hash)) {
      violations.add(path + " " + where + " differs from every content its source had (sha256 " + hash + ")");
    }
  }

  private static boolean hasCopy(Map<String, String> copies, String relativePath, String hash, Pattern suffix,
      boolean underDay) {
    return copies.entrySet().stream().anyMatch(e -> e.getValue().equals(hash)
        && base(underDay ? e.getKey().substring(e.getKey().indexOf('/') + 1) : e.getKey(), suffix)
            .equals(relativePath));
  }

  private static String base(String path, Pattern suffix) {
    Matcher m = suffix.matcher(path);
    if (!m.matches()) {
      return path;
    }
    return m.group(1) + (m.groupCount() > 1 && m.group(2) != null ? m.group(2) : "");
  }

  /** Each file's contents in order: the dock's, then each change made while it uploaded. */
  private static Map<String, List<String>> versions(Path work) throws IOException {
    Map<String, List<String>> versions = new LinkedHashMap<>();
    for (Path list : List.of(work.resolve("manifest.sha256"), work.resolve("modified.sha256"))) {
      if (Files.exists(list)) {
        for (String line : Files.readAllLines(list)) {
          int gap = line.indexOf("  ");
          if (gap > 0) {
            versions.computeIfAbsent(line.substring(gap + 2), k -> new ArrayList<>()).add(line.substring(0, gap));
          }
        }
      }
    }
    return versions;
  }

  /** sha256sum of every regular file under root, by path under root. */
  static Map<String, String> sha256sum(Path root) throws Exception {
    Map<String, String> sums = new HashMap<>();
    if (!Files.isDirectory(root)) {
      return sums;
    }
    Process p = new ProcessBuilder("sh", "-c", "find . -type f -print0 | xargs -0 -r sha256sum")
        .directory(root.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException("sha256sum under " + root + " failed");
    }
    out.lines().forEach(line -> sums.put(line.substring(line.indexOf("  ./") + 4), line.substring(0, 64)));
    return sums;
  }

  /** Regular files still in the media folder, by path under it. */
  static List<String> sourceFiles(Path media) throws IOException {
    try (Stream<Path> files = Files.walk(media)) {
      return files.filter(Files::isRegularFile).map(p -> media.relativize(p).toString()).toList();
    }
  }

  static int rowsNotCompleted(Path dockDb) throws SQLException {
    return rowsNotCompletedDescribed(dockDb).size();
  }

  private static List<String> rowsNotCompletedDescribed(Path dockDb) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dockDb); Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout=30000");
      try (ResultSet rs = s.executeQuery("SELECT file_path, transfer_status, last_error_message "
          + "FROM media_transfer_status WHERE transfer_status IS NOT 'completed'")) {
        while (rs.next()) {
          rows.add("dock row " + rs.getString(1) + " is " + rs.getString(2) + " (" + rs.getString(3) + ")");
        }
      }
    }
    return rows;
  }

  /** The planned file a temp file on the NAS belongs to: "dir/.NAME.mftmp-ID" → "dir/NAME". */
  static Optional<ChaosPlan.PlannedFile> sourceOfTemp(String tempPath, ChaosPlan plan) {
    int marker = tempPath.indexOf(TEMP_MARKER);
    int slash = tempPath.lastIndexOf('/');
    if (marker < 0 || tempPath.charAt(slash + 1) != '.') {
      return Optional.empty();
    }
    String finalPath = tempPath.substring(0, slash + 1) + tempPath.substring(slash + 2, marker);
    return plan.files().stream().filter(f -> f.relativePath().equals(finalPath)).findFirst();
  }

  private static String tail(String text) {
    return text.length() <= 2000 ? text : "..." + text.substring(text.length() - 2000);
  }
}
