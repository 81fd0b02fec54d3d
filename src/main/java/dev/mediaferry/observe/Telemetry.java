package dev.mediaferry.observe;

/** What the daemon tells its operators beside the journal and the alerts: metrics, live status and health. */
public record Telemetry(Metrics metrics, LiveStatus live, Health health) {

  /** Fresh, unshared instances: each daemon (and each test) has its own. */
  public static Telemetry create() {
    return new Telemetry(new Metrics(), new LiveStatus(), new Health());
  }
}
