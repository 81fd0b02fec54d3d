package dev.mediaferry.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * mediaferry's typed settings, read once from HOCON: the user's file (only the keys it
 * changes) over application.conf and reference.conf. Bad values fail here with the key
 * named, never later. raw is the whole merged config, which the actor system runs on.
 */
public record Settings(
    Source source,
    TargetSettings target,
    Path stateDir,
    Transfer transfer,
    Delete delete,
    Storage storage,
    Alerts alerts,
    Duration shutdownGrace,
    LegacyDb legacyDb,
    Http http,
    Log log,
    Logship logship,
    Config raw) {

  /** scan: whether the folder is scanned (false: only files the dock's table reports complete are taken). */
  public record Source(Path dir, Duration scanInterval, Duration stableFor, List<String> exclude, boolean scan) {}

  /**
   * The dock software's media_transfer_status table (docs/dock-db.md); path null: not used.
   * busyTimeout bounds one wait of ours for the dock's lock (we retry after it, with backoff).
   */
  public record LegacyDb(Path path, Duration pollInterval, Duration busyTimeout, int batchSize) {
    public boolean enabled() {
      return path != null;
    }
  }

  /** The operator endpoints /metrics, /health, /status; port 0 takes a free port (tests). */
  public record Http(boolean enabled, String host, int port) {}

  /** stateChanges: every journaled event also as a JSON line (logger mediaferry.state, see logback.xml). */
  public record Log(boolean stateChanges) {}

  public enum DedupMode { DAY, GLOBAL, NONE }

  /** The log shipper (docs/logship.md); apiKeyFile null: the key comes from the variable apiKeyEnv. */
  public record Logship(boolean enabled, Path dir, String pattern, String extract, DedupMode dedup, int expireDays,
      String endpoint, String apiKeyEnv, Path apiKeyFile, String apiKeyHeader, int batchMaxItems,
      Duration batchMaxAge, int queueMaxItems, Duration retryInitial, Duration retryMax, Duration connectTimeout,
      Duration requestTimeout, Duration pollInterval) {

    /** The key from its file or variable; a message naming the one to fix when there is none. */
    public String apiKey() {
      if (apiKeyFile != null) {
        try {
          String key = Files.readString(apiKeyFile).strip();
          if (!key.isEmpty()) {
            return key;
          }
          throw new Invalid("mediaferry.logship.api-key-file " + apiKeyFile + " is empty: write the API key in it");
        } catch (java.io.IOException e) {
          throw new Invalid("mediaferry.logship.api-key-file " + apiKeyFile + " cannot be read (" + e
              + "): make it readable by the mediaferry user");
        }
      }
      String key = System.getenv(apiKeyEnv);
      if (key == null || key.isBlank()) {
        throw new Invalid("no API key for the log shipper: set the environment variable " + apiKeyEnv
            + " or mediaferry.logship.api-key-file");
      }
      return key.strip();
    }
  }

  public record TargetSettings(String url, String layout, Sftp sftp) {}

  /** Settings of an sftp:// target; empty strings mean "the default". */
  public record Sftp(String identityFile, String knownHosts, HostKeyPolicy hostKeyPolicy, String password,
      Duration connectTimeout, Duration idleTimeout, int connections, Verify verify, NasPython nasPython) {
    /** Without the nas-python choice: auto. */
    public Sftp(String identityFile, String knownHosts, HostKeyPolicy hostKeyPolicy, String password,
        Duration connectTimeout, Duration idleTimeout, int connections, Verify verify) {
      this(identityFile, knownHosts, hostKeyPolicy, password, connectTimeout, idleTimeout, connections, verify,
          NasPython.AUTO);
    }

    /** Never the password: settings end up in messages and logs. */
    @Override
    public String toString() {
      return "Sftp[identityFile=" + identityFile + ", knownHosts=" + knownHosts + ", hostKeyPolicy=" + hostKeyPolicy
          + ", password=" + (password.isEmpty() ? "(none)" : "(set)") + ", connectTimeout=" + connectTimeout
          + ", idleTimeout=" + idleTimeout + ", connections=" + connections + ", verify=" + verify
          + ", nasPython=" + nasPython + "]";
    }
  }

  /** resumeMinSize: a cut upload of a file this large continues where its temp file ends. */
  public record Transfer(int maxConcurrent, Duration retryInitial, Duration retryMax, int maxAttempts,
      Bandwidth bandwidth, long resumeMinSize) {}

  public record Delete(boolean afterSync, Duration delay, Path trashDir, Duration trashRetention) {}

  /** minFreeBytes, or minFreePercent of the target volume when that is set (> 0). */
  public record Storage(Duration checkInterval, long minFreeBytes, double minFreePercent, int warnPercent,
      int criticalPercent, boolean shortenDeleteDelay, Retention retention) {

    /** Bytes to keep free on a target volume of the given total size. */
    public long reserveOf(long totalBytes) {
      return minFreePercent > 0 ? (long) (totalBytes * minFreePercent / 100) : minFreeBytes;
    }
  }

  public record Retention(boolean enabled, List<String> include, int keepDays, RetentionScope scope) {}

  /** mediaferry.target.sftp.host-key-policy: strict (only known_hosts) or accept-new (trust a first key, keep it). */
  public enum HostKeyPolicy { STRICT, ACCEPT_NEW }

  /** mediaferry.target.sftp.verify: how the stored copy's hash is taken. */
  public enum Verify { AUTO, REMOTE_HASH, READBACK }

  /** mediaferry.target.sftp.nas-python: let a python3 on the NAS write and hash (auto), or never (off). */
  public enum NasPython { AUTO, OFF }

  /** mediaferry.storage.retention.scope: only files the journal delivered, or every file on the target. */
  public enum RetentionScope { JOURNAL, ALL }

  public record Alerts(Duration staleAfter, Duration suppressFor, double failureRateThreshold, int failureRateWindow,
      String webhookUrl, Duration webhookTimeout, int webhookRetries) {}

  /** A URL as logs may show it: without a user part (user:password@) and without its query (?token=...). */
  public static String redactUrl(String url) {
    try {
      java.net.URI uri = java.net.URI.create(url);
      String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
      return uri.getScheme() + "://" + uri.getHost() + port + (uri.getRawPath() == null ? "" : uri.getRawPath())
          + (uri.getRawQuery() == null ? "" : "?...");
    } catch (IllegalArgumentException e) {
      return "(a URL that does not parse)";
    }
  }

  /** A configuration problem, with the key and what is wrong: the CLI exits 2 with it. */
  public static final class Invalid extends RuntimeException {
    public Invalid(String message) {
      super(message);
    }
  }

  /** Loads the file over the defaults; a missing or unparsable file is {@link Invalid}. */
  public static Settings load(Path file) {
    if (file != null && !Files.isReadable(file)) {
      throw new Invalid("config file " + file + " does not exist or is not readable");
    }
    try {
      Config user = file == null
          ? ConfigFactory.empty()
          : ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
      // the same layering Pekko uses, with the user's file in place of application.conf's keys
      Config merged = ConfigFactory.defaultOverrides()
          .withFallback(user)
          .withFallback(ConfigFactory.defaultApplication())
          .withFallback(ConfigFactory.defaultReferenceUnresolved())
          .resolve();
      // the user's keys with their substitutions (${mediaferry.home}) taken from the merged config
      KnownKeys.check(user, user.resolveWith(merged), ConfigFactory.defaultReferenceUnresolved().resolve(), file);
      return create(merged);
    } catch (ConfigException e) {
      throw new Invalid("config " + (file == null ? "(defaults)" : file) + ": " + e.getMessage());
    }
  }

  public static Settings create(Config config) {
    Config c = config.getConfig("mediaferry");
    Settings settings = new Settings(
        new Source(path(c, "source.dir"), positive(c, "source.scan-interval"), duration(c, "source.stable-for"),
            c.getStringList("source.exclude"), c.getBoolean("source.scan")),
        new TargetSettings(c.getString("target.url"), c.getString("target.layout"), sftp(c.getConfig("target.sftp"))),
        path(c, "state-dir"),
        new Transfer(atLeastOne(c, "transfer.max-concurrent"), positive(c, "transfer.retry.initial"),
            positive(c, "transfer.retry.max"), atLeastOne(c, "transfer.retry.max-attempts"),
            new Bandwidth(Bandwidth.parseRate(c.getString("transfer.bandwidth"), "mediaferry.transfer.bandwidth"),
                Bandwidth.parseWindows(c.getConfigList("transfer.windows"), "mediaferry.transfer.windows")),
            c.getBytes("transfer.resume-min-size")),
        new Delete(c.getBoolean("delete.after-sync"), duration(c, "delete.delay"), path(c, "delete.trash-dir"),
            duration(c, "delete.trash-retention")),
        storage(c),
        new Alerts(positive(c, "alerts.stale-after"), duration(c, "alerts.suppress-for"),
            c.getDouble("alerts.failure-rate.threshold"), atLeastOne(c, "alerts.failure-rate.window"),
            c.getString("alerts.webhook.url"), positive(c, "alerts.webhook.timeout"),
            c.getInt("alerts.webhook.retries")),
        duration(c, "shutdown.grace"),
        new LegacyDb(c.getString("legacy-db.path").isBlank() ? null : path(c, "legacy-db.path"),
            positive(c, "legacy-db.poll-interval"), positive(c, "legacy-db.busy-timeout"),
            atLeastOne(c, "legacy-db.batch-size")),
        new Http(c.getBoolean("http.enabled"), c.getString("http.host"), c.getInt("http.port")),
        new Log(c.getBoolean("log.state-changes")),
        logship(c),
        config);
    settings.validate();
    return settings;
  }

  private static Logship logship(Config c) {
    // dedup = global is the short form of dedup { mode = global } (expire-days then 30)
    boolean shortForm = c.getValue("logship.dedup").valueType() == com.typesafe.config.ConfigValueType.STRING;
    DedupMode dedup = shortForm ? choice(c, "logship.dedup", DedupMode.class)
        : choice(c, "logship.dedup.mode", DedupMode.class);
    int expireDays = shortForm ? 30 : atLeastOne(c, "logship.dedup.expire-days");
    String keyFile = c.getString("logship.api-key-file");
    return new Logship(c.getBoolean("logship.enabled"), path(c, "logship.dir"), c.getString("logship.pattern"),
        c.getString("logship.extract"), dedup, expireDays, c.getString("logship.endpoint").strip(),
        c.getString("logship.api-key-env"), keyFile.isBlank() ? null : path(c, "logship.api-key-file"),
        c.getString("logship.api-key-header"), atLeastOne(c, "logship.batch.max-items"),
        positive(c, "logship.batch.max-age"), atLeastOne(c, "logship.queue.max-items"),
        positive(c, "logship.retry.initial"), positive(c, "logship.retry.max"),
        positive(c, "logship.connect-timeout"), positive(c, "logship.request-timeout"),
        positive(c, "logship.poll-interval"));
  }

  private static Storage storage(Config c) {
    String minFree = c.getString("storage.min-free").trim();
    long bytes = 0;
    double percent = 0;
    if (minFree.endsWith("%")) {
      try {
        percent = Double.parseDouble(minFree.substring(0, minFree.length() - 1).trim());
      } catch (NumberFormatException e) {
        percent = -1;
      }
      if (percent < 0 || percent >= 100) {
        throw new Invalid("mediaferry.storage.min-free = \"" + minFree + "\": a percentage from 0% to 99%");
      }
    } else {
      bytes = c.getBytes("storage.min-free");
    }
    int warn = c.getInt("storage.local.warn-percent");
    int critical = c.getInt("storage.local.critical-percent");
    if (warn < 1 || critical > 100 || warn > critical) {
      throw new Invalid("mediaferry.storage.local.warn-percent (" + warn + ") and critical-percent (" + critical
          + ") must satisfy 1 <= warn <= critical <= 100");
    }
    Retention retention = new Retention(c.getBoolean("storage.retention.enabled"),
        c.getStringList("storage.retention.include"), c.getInt("storage.retention.keep-days"),
        choice(c, "storage.retention.scope", RetentionScope.class));
    if (retention.keepDays() < 0) {
      throw new Invalid("mediaferry.storage.retention.keep-days = " + retention.keepDays() + " must not be negative");
    }
    return new Storage(positive(c, "storage.check-interval"), bytes, percent, warn, critical,
        c.getBoolean("storage.local.shorten-delete-delay"), retention);
  }

  private static Sftp sftp(Config c) {
    Sftp sftp = new Sftp(c.getString("identity-file"), c.getString("known-hosts"),
        choice(c, "host-key-policy", "target.sftp.", HostKeyPolicy.class), c.getString("password"),
        positive(c, "connect-timeout", "target.sftp."), positive(c, "idle-timeout", "target.sftp."),
        c.getInt("connections"), choice(c, "verify", "target.sftp.", Verify.class),
        choice(c, "nas-python", "target.sftp.", NasPython.class));
    if (sftp.connections() < 1) {
      throw new Invalid("mediaferry.target.sftp.connections = " + sftp.connections() + " must be at least 1");
    }
    return sftp;
  }

  private static <E extends Enum<E>> E choice(Config c, String key, Class<E> type) {
    return choice(c, key, "", type);
  }

  /** A choice is written in the config as its constant in lower case with dashes: ACCEPT_NEW is accept-new. */
  private static <E extends Enum<E>> E choice(Config c, String key, String prefix, Class<E> type) {
    String value = c.getString(key);
    for (E constant : type.getEnumConstants()) {
      if (configName(constant).equals(value)) {
        return constant;
      }
    }
    throw new Invalid("mediaferry." + prefix + key + " = \"" + value + "\": use one of " + String.join(", ",
        java.util.Arrays.stream(type.getEnumConstants()).map(Settings::configName).toList()));
  }

  public static String configName(Enum<?> constant) {
    return constant.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  private void validate() {
    String userPart = target.url().contains("@") ? target.url().substring(0, target.url().indexOf('@')) : "";
    if (userPart.startsWith("sftp://") && userPart.substring("sftp://".length()).contains(":")) {
      throw new Invalid("mediaferry.target.url carries a password: write sftp://user@host/path and put the password "
          + "in mediaferry.target.sftp.password (or better, use a key: target.sftp.identity-file)");
    }
    if (!target.url().startsWith("file:") && !target.url().startsWith("sftp://")) {
      throw new Invalid("mediaferry.target.url = \"" + target.url()
          + "\": use file:/path/to/folder (a local folder or mounted share) or sftp://user@host:port/path");
    }
    if (!target.layout().contains("{name}") && !target.layout().contains("{path}")) {
      throw new Invalid("mediaferry.target.layout = \"" + target.layout() + "\" must contain {name} or {path}");
    }
    if (http.port() < 0 || http.port() > 65535) {
      throw new Invalid("mediaferry.http.port = " + http.port() + ": use a TCP port (1-65535; default 9464)");
    }
    if (!source.scan() && !legacyDb.enabled()) {
      throw new Invalid("mediaferry.source.scan = false but mediaferry.legacy-db.path is not set: nothing would "
          + "find files; set the dock's database path, or scan the folder");
    }
    if (logship.enabled() && !logship.endpoint().matches("(?i)https?://.+")) {
      throw new Invalid("mediaferry.logship.endpoint = \"" + redactUrl(logship.endpoint()) + "\": the log shipper is "
          + "enabled, so give the API's URL (http://host:port/path or https://...)");
    }
    // folders against each other (by real path) and the trash's filesystem: FolderCheck, at start
  }

  private static Path path(Config c, String key) {
    String value = c.getString(key);
    if (value.isBlank()) {
      throw new Invalid("mediaferry." + key + " is empty: give a folder path");
    }
    return new File(value).toPath().toAbsolutePath().normalize();
  }

  private static Duration duration(Config c, String key) {
    Duration d = c.getDuration(key);
    if (d.isNegative()) {
      throw new Invalid("mediaferry." + key + " = " + d + " must not be negative");
    }
    return d;
  }

  private static Duration positive(Config c, String key) {
    return positive(c, key, "");
  }

  private static Duration positive(Config c, String key, String prefix) {
    Duration d = c.getDuration(key);
    if (d.isNegative() || d.isZero()) {
      throw new Invalid("mediaferry." + prefix + key + " = " + d + " must be greater than 0");
    }
    return d;
  }

  private static int atLeastOne(Config c, String key) {
    int n = c.getInt(key);
    if (n < 1) {
      throw new Invalid("mediaferry." + key + " = " + n + " must be at least 1");
    }
    return n;
  }

  public Path journalFile() {
    return stateDir.resolve("journal.db");
  }

  /** Held by the log shipper (the daemon's or `logship --once`): one reader of its journal at a time. */
  public Path logshipLockFile() {
    return stateDir.resolve("logship.lock");
  }

  public Path lockFile() {
    return stateDir.resolve("mediaferry.lock");
  }
}
