package dev.mediaferry.observe;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The daemon's health for /health: the alert conditions active now (the AlertManager keeps
 * this up to date) plus the quarantined files the caller counts. Alerts that announce one
 * event and never clear (a file quarantined, a delete postponed, a bad file name) are not
 * conditions; quarantined files count instead while they stay quarantined.
 */
public final class Health {
  public enum Level { HEALTHY, WARNING, CRITICAL }

  public record Reason(String key, Level level, String message) {}

  public record Report(Level status, List<Reason> reasons) {}

  private static final Set<String> NOTICES = Set.of("quarantined", "delete-postponed", "file-name");

  private final Map<String, Reason> conditions = new ConcurrentHashMap<>();

  void raised(AlertManager.Raise raise) {
    if (!NOTICES.contains(raise.key())) {
      Level level = raise.severity() == Alert.Severity.CRITICAL ? Level.CRITICAL : Level.WARNING;
      conditions.put(raise.key(), new Reason(raise.key(), level, raise.message()));
    }
  }

  void cleared(String key) {
    conditions.remove(key);
  }

  /** The worst level among the active conditions and the quarantined files (a warning: files need an operator). */
  public Report report(long quarantinedFiles) {
    List<Reason> reasons = new ArrayList<>(conditions.values());
    if (quarantinedFiles > 0) {
      reasons.add(new Reason("quarantined", Level.WARNING, quarantinedFiles + " files quarantined: fix the cause, "
          + "then `mediaferry retry --all-quarantined` (see `mediaferry audit --state QUARANTINED`)"));
    }
    reasons.sort(Comparator.comparing(Reason::level).reversed().thenComparing(Reason::key));
    Level status = reasons.stream().map(Reason::level).max(Comparator.naturalOrder()).orElse(Level.HEALTHY);
    return new Report(status, reasons);
  }
}
