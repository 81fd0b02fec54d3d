package dev.mediaferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mediaferry.config.Settings;
import dev.mediaferry.http.OperatorEndpoints;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Talks to the running daemon's endpoints: at the address it wrote into its state folder
 * (the port it really got), else at mediaferry.http.host:port.
 */
final class DaemonClient {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** The daemon did not answer (not running, endpoints off, or another program on the port). */
  static final class NoAnswer extends Exception {
    NoAnswer(String message) {
      super(message);
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final String base;

  DaemonClient(Settings settings) {
    this.base = "http://" + address(settings);
  }

  private static String address(Settings settings) {
    Path written = OperatorEndpoints.addressFile(settings.stateDir());
    try {
      if (Files.isReadable(written)) {
        return Files.readString(written).trim();
      }
    } catch (IOException e) {
      // fall back to the configured address
    }
    return settings.http().host() + ":" + settings.http().port();
  }

  String base() {
    return base;
  }

  JsonNode get(String path) throws NoAnswer {
    return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).GET().build(), path);
  }

  JsonNode post(String path, Object body, Duration timeout) throws NoAnswer {
    try {
      return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(), path);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private JsonNode send(HttpRequest request, String path) throws NoAnswer {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(response.body());
      if (response.statusCode() >= 400 && response.statusCode() != 503 || body.has("error")) {
        throw new NoAnswer(base + path + " answered " + response.statusCode() + ": " + body.path("error").asText());
      }
      return body;
    } catch (IOException e) {
      throw new NoAnswer("no daemon answers at " + base + " (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NoAnswer("interrupted");
    }
  }
}
