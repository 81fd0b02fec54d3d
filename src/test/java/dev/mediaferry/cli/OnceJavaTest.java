package dev.mediaferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.testing.Cli;
import dev.mediaferry.testing.TestFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How `run --once` starts (scripts/lib/once-java.sh, used by scripts/mediaferry): on the newest
 * JDK 25 or later installed, with C2 for the crypto only, and nothing of that on stdout.
 */
class OnceJavaTest {
  @TempDir Path dir;

  /** once_java, with the JDKs under a folder of our own: what it prints. */
  private String onceJava(Map<String, String> env) throws Exception {
    Map<String, String> fakeJdks = new java.util.HashMap<>(env);
    fakeJdks.putIfAbsent("MEDIAFERRY_JVM_ROOT", dir.resolve("jvm").toString());
    fakeJdks.putIfAbsent("MEDIAFERRY_ONCE_JAVA", ""); // an operator's override in this environment is not chosen
    return onceJavaWith(fakeJdks);
  }

  /** once_java as the launcher runs it, with these variables added: what it prints. */
  private static String onceJavaWith(Map<String, String> env) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("bash", "-c", "source scripts/lib/once-java.sh && once_java");
    builder.environment().putAll(env);
    Process shell = builder.redirectErrorStream(true).start();
    String out = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, shell.waitFor(), out);
    return out;
  }

  private Path jdk(String name, String version) throws Exception {
    Path home = Files.createDirectories(dir.resolve("jvm").resolve(name));
    Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
    Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
    Files.writeString(java, "#!/bin/sh\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return java;
  }

  @Test
  void theNewestJdkOf25OrLaterIsChosenAndTheOperatorCanOverrideIt() throws Exception {
    jdk("java-17-openjdk-amd64", "17.0.15");
    assertEquals("", onceJava(Map.of()), "only JDK 17: the default java");
    jdk("temurin-21-jdk-amd64", "21.0.4");
    Path jdk25 = jdk("temurin-25-jdk-amd64", "25.0.3");
    Path jdk26 = jdk("temurin-26-jdk-amd64", "26");
    Files.createDirectories(dir.resolve("jvm/temurin-27-jre-without-java")); // no release, no java: ignored
    Files.writeString(dir.resolve("jvm/temurin-27-jre-without-java/release"), "JAVA_VERSION=\"27\"\n");
    assertEquals(jdk26.toString(), onceJava(Map.of()));
    Files.delete(jdk26);
    assertEquals(jdk25.toString(), onceJava(Map.of()), "a JDK without bin/java is not chosen");
    assertEquals("/opt/other/bin/java", onceJava(Map.of("MEDIAFERRY_ONCE_JAVA", "/opt/other/bin/java")));
    assertEquals("", onceJava(Map.of("MEDIAFERRY_ONCE_JAVA", "off")));
  }

  /**
   * A --once as scripts/mediaferry starts it (Cli asks once-java.sh): it runs on the chosen
   * java, the compiler directives are in force, and stdout holds the summary line only.
   */
  @Test
  void aOnceRunStartsOnTheChosenJavaWithTheCompilerDirectives() throws Exception {
    TestFiles.write(dir.resolve("media/clip.mp4"), 300_000, 3);
    Cli.Result result = Cli.run(dir, "run", "--once", "--config", Cli.configFile(dir, String.join("\n",
        "mediaferry.home = \"" + dir + "\"",
        "mediaferry.source.dir = \"" + dir + "/media\"",
        "mediaferry.target.url = \"file:" + dir + "/nas\"",
        "mediaferry.source.stable-for = 0s",
        "mediaferry.storage.min-free = 0")));
    assertEquals(0, result.exitCode(), result.stderr());
    assertTrue(result.stdout().startsWith("mediaferry: 1 files, 1 verified"), result.stdout());
    assertEquals(1, result.stdout().lines().count(), "stdout: the summary only: " + result.stdout());
    assertTrue(result.stderr().contains("2 compiler directives added"), result.stderr());
    String onceJava = onceJavaWith(Map.of());
    String expected = onceJava.isEmpty() ? Runtime.version().toString()
        : new String(new ProcessBuilder(onceJava, "-XshowSettings:properties", "-version")
            .redirectErrorStream(true).start().getInputStream().readAllBytes(), StandardCharsets.UTF_8)
            .lines().filter(l -> l.trim().startsWith("java.runtime.version = ")).findFirst().orElseThrow()
            .split("= ")[1].trim();
    assertTrue(result.stderr().contains(", Java " + expected), "runs on " + expected + ": " + result.stderr());
  }
}
