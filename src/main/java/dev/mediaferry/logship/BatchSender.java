package dev.mediaferry.logship;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mediaferry.config.Settings;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * Uploads one batch: a JSON POST with the batch id as Idempotency-Key, so a server can drop a
 * batch it already has when we resend it after a crash or a lost answer. The answer decides:
 * 2xx taken; 401/403 (and other 4xx but 408/429) refused until the configuration is fixed;
 * 5xx, 408, 429 and network errors retried (429 and 503 after their Retry-After).
 */
public final class BatchSender {

  public sealed interface Answer {}

  public record Accepted(int status) implements Answer {}

  /** retryAfter null: the shipper's own backoff decides. */
  public record RetryLater(String why, Duration retryAfter) implements Answer {}

  /** The server will not take it as configured (key, endpoint): retried only slowly, with an alert. */
  public record Refused(int status, String why) implements Answer {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client;
  private final URI endpoint;
  private final String keyHeader;
  private final Supplier<String> key;
  private final Duration requestTimeout;

  /** To the configured endpoint; the key is read at each request (a fixed key file is picked up). */
  static BatchSender of(Settings.Logship settings) {
    return new BatchSender(settings.endpoint(), settings.apiKeyHeader(), settings::apiKey,
        settings.connectTimeout(), settings.requestTimeout());
  }

  BatchSender(String endpoint, String keyHeader, Supplier<String> key, Duration connectTimeout,
      Duration requestTimeout) {
    // plain HTTP/1.1: no h2c upgrade attempted on each new connection to an http:// endpoint
    this.client = HttpClient.newBuilder().connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
    this.endpoint = URI.create(endpoint);
    this.keyHeader = keyHeader;
    this.key = key;
    this.requestTimeout = requestTimeout;
  }

  /** Sends the batches at once (each on its own request); their answers in the same order. */
  List<Answer> sendAll(List<ShipStore.Batch> batches) throws InterruptedException {
    List<CompletableFuture<Answer>> answers = new ArrayList<>(batches.size());
    for (ShipStore.Batch batch : batches) {
      answers.add(post(body(batch), batch.id()));
    }
    List<Answer> done = new ArrayList<>(batches.size());
    for (CompletableFuture<Answer> answer : answers) {
      try {
        done.add(answer.get());
      } catch (ExecutionException e) {
        done.add(new RetryLater("upload to " + endpoint + " failed: " + e.getCause(), null));
      }
    }
    return done;
  }

  /** An empty batch with a fixed id: reaches the endpoint with the key (logship check). */
  Answer probe() throws InterruptedException {
    try {
      return post(json("mediaferry-check", "check", "", List.of()), "mediaferry-check").get();
    } catch (ExecutionException e) {
      return new RetryLater("upload to " + endpoint + " failed: " + e.getCause(), null);
    }
  }

  private CompletableFuture<Answer> post(String json, String batchId) {
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(endpoint).timeout(requestTimeout)
          .header("Content-Type", "application/json")
          .header("Idempotency-Key", batchId)
          .header(keyHeader, key.get())
          .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(new Refused(0, "cannot build the request: " + e.getMessage()));
    }
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .handle((response, error) -> error == null ? answer(response) : failed(error));
  }

  private Answer failed(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof HttpTimeoutException) {
      return new RetryLater("no answer from " + endpoint + " within " + requestTimeout.toSeconds() + " s", null);
    }
    if (cause instanceof ConnectException) {
      return new RetryLater("cannot connect to " + endpoint + ": " + cause, null);
    }
    return new RetryLater("upload to " + endpoint + " failed: " + cause, null);
  }

  private Answer answer(HttpResponse<String> response) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return new Accepted(status);
    }
    String what = "HTTP " + status + " from " + endpoint + snippet(response.body());
    if (status == 401 || status == 403) {
      return new Refused(status, what + ": the API key was not accepted; fix it (the environment variable or "
          + "mediaferry.logship.api-key-file) and restart; nothing is dropped meanwhile");
    }
    if (status == 429 || status == 503) {
      return new RetryLater(what, retryAfter(response));
    }
    if (status >= 500 || status == 408) {
      return new RetryLater(what, null);
    }
    return new Refused(status, what + ": check mediaferry.logship.endpoint; nothing is dropped meanwhile");
  }

  /** Retry-After in seconds or as an HTTP date; null when absent or unreadable. */
  static Duration retryAfter(HttpResponse<?> response) {
    String value = response.headers().firstValue("Retry-After").orElse("").trim();
    if (value.isEmpty()) {
      return null;
    }
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
    } catch (NumberFormatException notSeconds) {
      try {
        Duration until = Duration.between(ZonedDateTime.now(),
            ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
        return until.isNegative() ? Duration.ZERO : until;
      } catch (DateTimeParseException notADate) {
        return null;
      }
    }
  }

  private static String snippet(String body) {
    String text = body == null ? "" : body.strip().replaceAll("\\s+", " ");
    return text.isEmpty() ? "" : " (" + (text.length() > 200 ? text.substring(0, 200) + "..." : text) + ")";
  }

  static String body(ShipStore.Batch batch) {
    return json(batch.id(), batch.source(), batch.day().toString(), batch.items());
  }

  private static String json(String id, String source, String day, List<String> items) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("batch_id", id);
    body.put("source", source);
    body.put("day", day);
    body.put("items", items);
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a batch as JSON", e); // strings and a list: cannot happen
    }
  }
}
