package dev.mediaferry.observe;

import dev.mediaferry.config.Settings;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs each alert as JSON to a URL, asynchronously, retrying with backoff; a webhook that is
 * down or slow never blocks transfers (at most a bounded number of deliveries are pending;
 * beyond that new ones are dropped and logged).
 */
public final class WebhookSink implements AlertSink {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookSink.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_PENDING = 100;

  private final URI url;
  /** The URL as logs show it: a token in its query or user part is a secret. */
  private final String shown;
  private final Duration timeout;
  private final int retries;
  private final HttpClient client;
  private final String host;
  private final AtomicInteger pending = new AtomicInteger();

  public WebhookSink(String url, Duration timeout, int retries) {
    this.url = URI.create(url);
    this.shown = Settings.redactUrl(url);
    this.timeout = timeout;
    this.retries = retries;
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    this.host = hostName();
  }

  @Override
  public void send(Alert alert) {
    if (pending.incrementAndGet() > MAX_PENDING) {
      pending.decrementAndGet();
      LOG.error("webhook {} is not keeping up; alert [{}] not delivered (it is in the log)", shown, alert.key());
      return;
    }
    attempt(body(alert), alert, 1).whenComplete((ok, error) -> pending.decrementAndGet());
  }

  /** How many deliveries are still under way (tests wait on this). */
  public int pending() {
    return pending.get();
  }

  private CompletableFuture<Boolean> attempt(String body, Alert alert, int attempt) {
    HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .handle((response, error) -> error == null && response.statusCode() / 100 == 2
            ? null : (error != null ? error.toString() : "HTTP " + response.statusCode()))
        .thenCompose(failure -> {
          if (failure == null) {
            return CompletableFuture.completedFuture(true);
          }
          if (attempt > retries) {
            LOG.error("webhook {} failed {} times for alert [{}] ({}); it is in the log only", shown, attempt,
                alert.key(), failure);
            return CompletableFuture.completedFuture(false);
          }
          long delayMillis = 500L << Math.min(attempt - 1, 6);
          return CompletableFuture.supplyAsync(() -> null,
                  CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS))
              .thenCompose(x -> attempt(body, alert, attempt + 1));
        });
  }

  private String body(Alert alert) {
    return JSON.createObjectNode()
        .put("alert", alert.key())
        .put("status", alert.status().name().toLowerCase())
        .put("severity", alert.severity().name().toLowerCase())
        .put("message", alert.message())
        .put("host", host)
        .put("time", alert.time().toString())
        .toString();
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}
