package dev.mediaferry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** conf/logback.xml (the service's, to edit) and the jar's built-in one configure the same logging. */
class LogbackConfigTest {
  @Test
  void theExampleAndTheBuiltInConfigDifferOnlyInComments() throws Exception {
    assertEquals(withoutComments(Path.of("src/main/resources/logback.xml")),
        withoutComments(Path.of("conf/logback.xml")));
  }

  private static String withoutComments(Path file) throws Exception {
    return Files.readString(file).replaceAll("(?s)<!--.*?-->", "").replaceAll("\\s+", " ").trim();
  }
}
