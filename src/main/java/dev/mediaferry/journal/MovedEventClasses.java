package dev.mediaferry.journal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * Journals written before the file model became its own package name its events (and the
 * snapshot state) by their old classes, nested in the entity. This migration reads them as
 * the same records in dev.mediaferry.file; their fields did not change. Bound to each old
 * name in application.conf (pekko.serialization.jackson.migrations).
 */
public final class MovedEventClasses extends JacksonMigration {
  static final String OLD_EVENT = "dev.mediaferry.transfer.FileTransfer$";

  static final Map<String, String> NEW_NAMES = Map.of("dev.mediaferry.transfer.FileState",
      "dev.mediaferry.file.FileState");

  @Override
  public int currentVersion() {
    return 2; // names without a version are version 1: the old ones
  }

  @Override
  public String transformClassName(int fromVersion, String className) {
    if (className.startsWith(OLD_EVENT)) {
      return "dev.mediaferry.file.FileEvent$" + className.substring(OLD_EVENT.length());
    }
    return NEW_NAMES.getOrDefault(className, className);
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    return json; // same fields, new class
  }
}
