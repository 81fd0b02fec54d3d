package dev.mediaferry.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mediaferry.testing.PrometheusText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A client of a running daemon's endpoints, found through the address file it writes. */
final class Endpoints {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  record Answer(int code, JsonNode body) {}

  private final String base;

  Endpoints(Path stateDir) throws Exception {
    this.base = "http://" + Files.readString(OperatorEndpoints.addressFile(stateDir)).trim();
  }

  PrometheusText metrics() throws Exception {
    HttpResponse<String> response = get("/metrics");
    if (response.statusCode() != 200) {
      throw new AssertionError("/metrics answered " + response.statusCode());
    }
    return PrometheusText.parse(response.body());
  }

  Answer json(String path) throws Exception {
    HttpResponse<String> response = get(path);
    return new Answer(response.statusCode(), JSON.readTree(response.body()));
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
