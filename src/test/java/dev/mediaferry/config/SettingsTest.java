package dev.mediaferry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  @TempDir Path dir;

  @Test
  void defaultsComeFromReferenceConf() throws Exception {
    Settings settings = Settings.load(Path.of(Cli.configFile(dir, "mediaferry.home = \"" + dir + "\"")));

    assertEquals(dir.resolve("var/media"), settings.source().dir());
    assertEquals(Duration.ofSeconds(5), settings.source().scanInterval());
    assertEquals(Duration.ofSeconds(10), settings.source().stableFor());
    assertEquals("file:" + dir + "/var/nas", settings.target().url());
    assertEquals("{yyyy}/{MM}/{dd}/{name}", settings.target().layout());
    assertEquals(dir.resolve("var/state"), settings.stateDir());
    assertEquals(2, settings.transfer().maxConcurrent());
    assertEquals(Duration.ofSeconds(5), settings.transfer().retryInitial());
    assertEquals(Duration.ofMinutes(5), settings.transfer().retryMax());
    assertEquals(10, settings.transfer().maxAttempts());
    assertTrue(settings.delete().afterSync());
    assertEquals(Duration.ofMinutes(60), settings.delete().delay());
    assertEquals(Duration.ofDays(7), settings.delete().trashRetention());
  }

  @Test
  void jsonConfigLoadsToo() throws Exception {
    Path json = dir.resolve("seed.json");
    Files.writeString(json, "{\"mediaferry\": {\"transfer\": {\"max-concurrent\": 4}}}");
    assertEquals(4, Settings.load(json).transfer().maxConcurrent());
  }

  @Test
  void badValuesNameTheKey() throws Exception {
    var zero = assertThrows(Settings.Invalid.class,
        () -> Settings.load(Path.of(Cli.configFile(dir, "mediaferry.transfer.max-concurrent = 0"))));
    assertTrue(zero.getMessage().contains("mediaferry.transfer.max-concurrent"), zero.getMessage());
    var type = assertThrows(Settings.Invalid.class,
        () -> Settings.load(Path.of(Cli.configFile(dir, "mediaferry.delete.delay = soon"))));
    assertTrue(type.getMessage().contains("delete.delay"), type.getMessage());
    var url = assertThrows(Settings.Invalid.class,
        () -> Settings.load(Path.of(Cli.configFile(dir, "mediaferry.target.url = \"ftp://x\""))));
    assertTrue(url.getMessage().contains("mediaferry.target.url"), url.getMessage());
  }

  @Test
  void cliExitsTwoOnBadConfigAndOnBadUsage() throws Exception {
    Cli.Result badConfig = Cli.run(dir, "run", "--once", "--config",
        Cli.configFile(dir, "mediaferry.transfer.retry.max-attempts = many"));
    assertEquals(2, badConfig.exitCode());
    assertTrue(badConfig.stderr().contains("max-attempts"), badConfig.stderr());

    Cli.Result missingSource = Cli.run(dir, "run", "--once", "--config",
        Cli.configFile(dir, "mediaferry.source.dir = \"" + dir.resolve("nowhere") + "\""));
    assertEquals(2, missingSource.exitCode());
    assertTrue(missingSource.stderr().contains("mediaferry.source.dir"), missingSource.stderr());

    assertEquals(2, Cli.run(dir, "run", "--no-such-flag").exitCode());
  }

  @Test
  void aChoiceOutsideItsValuesNamesTheKeyAndTheValuesAllowed() throws Exception {
    var policy = assertThrows(Settings.Invalid.class, () -> Settings.load(Path.of(Cli.configFile(dir,
        "mediaferry.target.sftp.host-key-policy = trust-all"))));
    assertEquals("mediaferry.target.sftp.host-key-policy = \"trust-all\": use one of strict, accept-new",
        policy.getMessage());
    var scope = assertThrows(Settings.Invalid.class, () -> Settings.load(Path.of(Cli.configFile(dir,
        "mediaferry.storage.retention.scope = everything"))));
    assertTrue(scope.getMessage().contains("use one of journal, all"), scope.getMessage());
    assertEquals(Settings.Verify.REMOTE_HASH, Settings.load(Path.of(Cli.configFile(dir,
        "mediaferry.target.sftp.verify = remote-hash"))).target().sftp().verify());
  }

  @Test
  void anUnknownKeyIsAnErrorThatNamesItTheLineAndTheNearestKnownKey() throws Exception {
    var typo = assertThrows(Settings.Invalid.class, () -> Settings.load(Path.of(Cli.configFile(dir,
        "mediaferry.transfer.max-concurrent = 3\nmediaferry.targt.url = \"file:\"${mediaferry.home}/nas\n"))));
    assertTrue(typo.getMessage().contains("line 2"), typo.getMessage());
    assertTrue(typo.getMessage().contains("unknown key mediaferry.targt.url; did you mean mediaferry.target.url?"),
        typo.getMessage());

    Settings substituted = Settings.load(Path.of(Cli.configFile(dir,
        "mediaferry { state-dir = ${mediaferry.home}/state2 }")));
    assertTrue(substituted.stateDir().endsWith("state2"), "a known key with a substitution is fine");

    Cli.Result run = Cli.run(dir, "run", "--once", "--config",
        Cli.configFile(dir, "mediaferry { source { scan-intervall = 10s } }"));
    assertEquals(2, run.exitCode());
    assertTrue(run.stderr().contains("mediaferry.source.scan-interval"), run.stderr());
  }

  @Test
  void theLogShipperIsOffByDefaultAndItsDedupHasAShortForm() throws Exception {
    Settings defaults = Settings.load(Path.of(Cli.configFile(dir, "mediaferry.home = \"" + dir + "\"")));
    assertFalse(defaults.logship().enabled());
    assertEquals(Settings.DedupMode.DAY, defaults.logship().dedup());
    assertEquals(100, defaults.logship().batchMaxItems());
    assertEquals("MEDIAFERRY_LOGSHIP_API_KEY", defaults.logship().apiKeyEnv());
    Settings shortForm = Settings.load(Path.of(Cli.configFile(dir, "mediaferry.logship.dedup = global")));
    assertEquals(Settings.DedupMode.GLOBAL, shortForm.logship().dedup());
    Settings longForm = Settings.load(Path.of(Cli.configFile(dir,
        "mediaferry.logship.dedup { mode = none, expire-days = 7 }")));
    assertEquals(Settings.DedupMode.NONE, longForm.logship().dedup());
    assertEquals(7, longForm.logship().expireDays());
  }

  @Test
  void anEnabledLogShipperNeedsAnEndpointAndAKnownDedupMode() throws Exception {
    var noEndpoint = assertThrows(Settings.Invalid.class, () -> Settings.load(Path.of(Cli.configFile(dir,
        "mediaferry.logship.enabled = true"))));
    assertTrue(noEndpoint.getMessage().contains("mediaferry.logship.endpoint"), noEndpoint.getMessage());
    var badMode = assertThrows(Settings.Invalid.class, () -> Settings.load(Path.of(Cli.configFile(dir,
        "mediaferry.logship.dedup = weekly"))));
    assertTrue(badMode.getMessage().contains("day, global, none"), badMode.getMessage());
    var missingKey = assertThrows(Settings.Invalid.class, () -> Settings.load(Path.of(Cli.configFile(dir,
        "mediaferry.logship.api-key-env = MEDIAFERRY_TEST_NO_SUCH_VARIABLE"))).logship().apiKey());
    assertTrue(missingKey.getMessage().contains("MEDIAFERRY_TEST_NO_SUCH_VARIABLE"), missingKey.getMessage());
  }
}
