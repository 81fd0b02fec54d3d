package dev.mediaferry.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import dev.mediaferry.config.Settings;
import dev.mediaferry.observe.Health;
import dev.mediaferry.transfer.FileTransfer;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * The daemon's HTTP endpoints, served by the Prometheus client's own server (the JDK's
 * httpserver underneath): /metrics in the Prometheus text format, /health and /status as
 * JSON. Bound to the configured host, 127.0.0.1 by default. The address it listens on is
 * written to addressFile, so `mediaferry status` finds it even when the port was chosen freely.
 */
public final class OperatorEndpoints implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final HTTPServer server;
  private final Path addressFile;

  private OperatorEndpoints(HTTPServer server, Path addressFile) {
    this.server = server;
    this.addressFile = addressFile;
  }

  /** The name of the file in the state folder that holds host:port of a running daemon's endpoints. */
  public static Path addressFile(Path stateDir) {
    return stateDir.resolve("http-address");
  }

  public static OperatorEndpoints start(Settings settings, DaemonView view) throws IOException {
    Settings.Http http = settings.http();
    HTTPServer server;
    try {
      server = HTTPServer.builder()
          .hostname(http.host())
          .port(http.port())
          .registry(view.metrics().registry())
          .registerHealthHandler(false)
          .defaultHandler(exchange -> route(exchange, view))
          .buildAndStart();
    } catch (BindException e) {
      throw new Settings.Invalid("cannot listen on " + http.host() + ":" + http.port() + " (" + e.getMessage()
          + "): another program (or another mediaferry) uses it; set mediaferry.http.port to a free port, or "
          + "mediaferry.http.enabled = false");
    }
    Path file = addressFile(settings.stateDir());
    Files.writeString(file, http.host() + ":" + server.getPort() + "\n");
    return new OperatorEndpoints(server, file);
  }

  public int port() {
    return server.getPort();
  }

  private static void route(HttpExchange exchange, DaemonView view) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (path.equals("/retry")) {
        retry(exchange, view);
      } else if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
        send(exchange, 405, Map.of("error", "only GET is served here"));
      } else if (path.equals("/health")) {
        Health.Report health = view.health();
        send(exchange, health.status() == Health.Level.CRITICAL ? 503 : 200, StatusDocument.health(health));
      } else if (path.equals("/status")) {
        send(exchange, 200, StatusDocument.of(view));
      } else {
        send(exchange, 404, Map.of("error", "no such page; try /metrics, /health or /status"));
      }
    } catch (RuntimeException e) {
      send(exchange, 500, Map.of("error", String.valueOf(e)));
    }
  }

  /** The request of `mediaferry retry` while the daemon runs. */
  record RetryRequest(List<String> files, boolean allQuarantined, String reason, String by) {}

  /**
   * POST /retry with a JSON {@link RetryRequest}: answers the outcome per file. Only JSON is
   * taken (a browser's plain form post cannot release files).
   */
  private static void retry(HttpExchange exchange, DaemonView view) throws IOException {
    String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
    if (!"POST".equals(exchange.getRequestMethod()) || !type.startsWith("application/json")) {
      send(exchange, 405, Map.of("error", "POST a JSON body: {\"files\": [...], \"allQuarantined\": false, "
          + "\"reason\": \"...\", \"by\": \"...\"} (what `mediaferry retry` sends)"));
      return;
    }
    RetryRequest request;
    try (InputStream body = exchange.getRequestBody()) {
      request = JSON.readValue(body, RetryRequest.class);
    } catch (IOException e) {
      send(exchange, 400, Map.of("error", "not a retry request: " + e.getMessage()));
      return;
    }
    try {
      List<FileTransfer.ReleaseOutcome> outcomes = view.release(
          request.files() == null ? List.of() : request.files(), request.allQuarantined(),
          request.reason() == null || request.reason().isBlank() ? "operator retry" : request.reason(),
          request.by() == null ? "unknown" : request.by());
      send(exchange, 200, Map.of("outcomes", outcomes));
    } catch (SQLException | IllegalStateException e) {
      send(exchange, 503, Map.of("error", String.valueOf(e.getMessage())));
    }
  }

  private static void send(HttpExchange exchange, int code, Object document) throws IOException {
    byte[] body = JSON.writeValueAsBytes(document);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.sendResponseHeaders(code, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.close();
    try {
      Files.deleteIfExists(addressFile);
    } catch (IOException e) {
      // a stale file only makes `status` try a port nobody answers on
    }
  }
}
