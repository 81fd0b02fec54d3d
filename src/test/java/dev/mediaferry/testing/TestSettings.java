package dev.mediaferry.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.mediaferry.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Settings for a daemon whose folders all live under one temp folder, with fast timers. */
public final class TestSettings {
  private TestSettings() {}

  public static Settings under(Path root, Map<String, Object> overrides) {
    Map<String, Object> values = new HashMap<>();
    values.put("mediaferry.home", root.toString());
    values.put("mediaferry.source.scan-interval", "100ms");
    values.put("mediaferry.source.stable-for", "0s");
    values.put("mediaferry.transfer.retry.initial", "50ms");
    values.put("mediaferry.transfer.retry.max", "200ms");
    values.put("mediaferry.delete.delay", "0s");
    values.put("mediaferry.shutdown.grace", "2s");
    values.put("mediaferry.storage.min-free", "0");
    values.put("mediaferry.http.port", 0); // a free port: tests run daemons side by side
    // the dock's disk is the test machine's: how full it happens to be must not raise alerts
    // (health turns "warning" at 80 %) or start critical-pressure deletes in unrelated tests
    values.put("mediaferry.storage.local.warn-percent", 100);
    values.put("mediaferry.storage.local.critical-percent", 100);
    values.putAll(overrides);
    Config config = ConfigFactory.parseMap(values)
        .withFallback(ConfigFactory.defaultApplication())
        .withFallback(ConfigFactory.defaultReferenceUnresolved())
        .resolve();
    Settings settings = Settings.create(config);
    try {
      Files.createDirectories(settings.source().dir());
      Files.createDirectories(settings.stateDir());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return settings;
  }

  public static Path nas(Settings settings) {
    return Path.of(settings.target().url().substring("file:".length()));
  }
}
