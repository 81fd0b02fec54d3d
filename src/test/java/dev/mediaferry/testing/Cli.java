package dev.mediaferry.testing;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the mediaferry command line in its own JVM, as an operator would. */
public final class Cli {
  /** The java running the tests. */
  private static final String DEFAULT_JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  public record Result(int exitCode, String stdout, String stderr) {}

  private Cli() {}

  public static Process start(Path workDir, String... args) throws Exception {
    return start(workDir, java.util.Map.of(), args);
  }

  /** With these environment variables added (MEDIAFERRY_LOGSHIP_API_KEY). */
  public static Process start(Path workDir, java.util.Map<String, String> env, String... args) throws Exception {
    return start(workDir, env, List.of(), args);
  }

  /** Run through a prefix command, such as setpriv dropping root's power to read any file. */
  public static Result runThrough(Path workDir, List<String> prefix, String... args) throws Exception {
    return finish(start(workDir, java.util.Map.of(), prefix, args), workDir, args);
  }

  private static Process start(Path workDir, java.util.Map<String, String> env, List<String> prefix, String... args)
      throws Exception {
    List<String> command = new ArrayList<>(prefix);
    boolean once = args.length > 0 && args[0].equals("run") && List.of(args).contains("--once");
    command.add(once ? OnceRuntime.JAVA.java() : DEFAULT_JAVA);
    if (once) {
      command.addAll(OnceRuntime.JAVA.options());
    }
    command.addAll(List.of(
        // the logging of the shipped jar (not the test classpath's logback-test.xml): console and var/log files
        "-Dlogback.configurationFile=logback.xml",
        // a free port for the endpoints (a system property overrides the config file; the daemon writes the
        // port it got to state-dir/http-address, where `status` finds it)
        "-Xmx256m", "-Dmediaferry.http.port=0",
        // the dock's disk is the test machine's: how full it happens to be must not turn health to "warning"
        "-Dmediaferry.storage.local.warn-percent=100", "-Dmediaferry.storage.local.critical-percent=100", "-cp", System.getProperty("java.class.path"), "dev.mediaferry.cli.Main"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    return builder
        .directory(workDir.toFile())
        .redirectOutput(workDir.resolve("stdout.txt").toFile())
        .redirectError(workDir.resolve("stderr.txt").toFile())
        .start();
  }

  /**
   * The java and options scripts/mediaferry starts `run --once` with (scripts/lib/once-java.sh:
   * JDK 25 or later where installed, C2 for the crypto only), asked of that script itself, so
   * these tests run --once as operators do. Only the AOT cache is left out: it is made per build.
   */
  private record OnceRuntime(String java, List<String> options) {
    static final OnceRuntime JAVA = ask();

    private static OnceRuntime ask() {
      String root = Path.of("").toAbsolutePath().toString();
      try {
        Process shell = new ProcessBuilder("bash", "-c", "source scripts/lib/once-java.sh && j=$(once_java) && "
            + "echo \"$j\" && once_compiler_opts \"$1\" && if [ -n \"$j\" ]; then once_newer_java_opts; fi",
            "once-java", root).redirectErrorStream(true).start();
        List<String> lines = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        if (shell.waitFor() != 0 || lines.isEmpty()) {
          throw new IllegalStateException("scripts/lib/once-java.sh: " + lines);
        }
        String java = lines.get(0).isEmpty() ? DEFAULT_JAVA : lines.get(0);
        List<String> options = lines.stream().skip(1).flatMap(line -> List.of(line.split(" ")).stream()).toList();
        return new OnceRuntime(java, options);
      } catch (Exception e) {
        throw new IllegalStateException("cannot ask scripts/lib/once-java.sh how --once starts", e);
      }
    }
  }

  public static Result run(Path workDir, String... args) throws Exception {
    return run(workDir, java.util.Map.of(), args);
  }

  public static Result run(Path workDir, java.util.Map<String, String> env, String... args) throws Exception {
    return finish(start(workDir, env, args), workDir, args);
  }

  private static Result finish(Process process, Path workDir, String... args) throws Exception {
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("mediaferry " + String.join(" ", args) + " did not finish in 120 s");
    }
    return new Result(process.exitValue(), read(workDir.resolve("stdout.txt")), read(workDir.resolve("stderr.txt")));
  }

  private static String read(Path file) throws Exception {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }

  public static String configFile(Path dir, String hocon) throws Exception {
    Path file = dir.resolve("test-" + System.nanoTime() + ".conf");
    Files.writeString(file, hocon);
    return file.toString().replace(File.separatorChar, '/');
  }
}
