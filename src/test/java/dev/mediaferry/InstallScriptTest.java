package dev.mediaferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/install.sh and uninstall.sh staged into a folder (DESTDIR), and the unit checked by systemd. */
class InstallScriptTest {
  @TempDir Path work;

  private record Run(int exit, String output) {}

  private Run sh(Path destdir, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (destdir != null) {
      builder.environment().put("DESTDIR", destdir.toString());
    }
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " hung");
    return new Run(process.exitValue(), output);
  }

  /** A build folder as `mvn package` leaves it (the jars' contents do not matter here). */
  private Path build() throws Exception {
    Path build = Files.createDirectories(work.resolve("build/lib"));
    new ZipOutputStream(Files.newOutputStream(build.resolveSibling("mediaferry.jar"))).close();
    new ZipOutputStream(Files.newOutputStream(build.resolve("dep.jar"))).close();
    return build.getParent();
  }

  @Test
  void installIsIdempotentKeepsTheConfigAndUninstallKeepsDataUnlessPurged() throws Exception {
    Path root = work.resolve("root");
    String from = build().toString();
    Run first = sh(root, "scripts/install.sh", "--prefix", "/opt/mf", "--from", from);
    assertEquals(0, first.exit(), first.output());
    Path conf = root.resolve("etc/mediaferry/mediaferry.conf");
    assertTrue(Files.readString(conf).contains("source.dir = \"/srv/mediaferry/media\""));
    Files.writeString(conf, "# edited by the operator\n", java.nio.file.StandardOpenOption.APPEND);

    Run again = sh(root, "scripts/install.sh", "--prefix", "/opt/mf", "--from", from);
    assertEquals(0, again.exit(), again.output());
    assertTrue(Files.readString(conf).endsWith("# edited by the operator\n"), "a reinstall keeps the config");
    String unit = Files.readString(root.resolve("etc/systemd/system/mediaferry.service"));
    assertFalse(unit.contains("@"), "every placeholder filled:\n" + unit);
    assertTrue(unit.contains("ExecStart=/opt/mf/bin/mediaferry run --config /etc/mediaferry/mediaferry.conf"));
    assertTrue(unit.contains("ReadWritePaths=/var/lib/mediaferry /var/log/mediaferry /srv/mediaferry/media "
        + "/srv/mediaferry/mediaferry-trash"), unit);
    assertTrue(Files.isExecutable(root.resolve("opt/mf/bin/mediaferry")));
    Files.writeString(root.resolve("var/lib/mediaferry/state/journal.db"), "the journal");
    Files.writeString(root.resolve("srv/mediaferry/media/clip.mp4"), "media");

    Run uninstall = sh(root, "scripts/uninstall.sh", "--prefix", "/opt/mf");
    assertEquals(0, uninstall.exit(), uninstall.output());
    assertFalse(Files.exists(root.resolve("opt/mf")));
    assertFalse(Files.exists(root.resolve("etc/systemd/system/mediaferry.service")));
    assertTrue(Files.exists(root.resolve("var/lib/mediaferry/state/journal.db")), "data kept without --purge");
    assertTrue(Files.exists(conf));

    Run purge = sh(root, "scripts/uninstall.sh", "--prefix", "/opt/mf", "--purge");
    assertEquals(0, purge.exit(), purge.output());
    assertFalse(Files.exists(root.resolve("var/lib/mediaferry/state")));
    assertFalse(Files.exists(root.resolve("etc/mediaferry")));
    assertTrue(Files.exists(root.resolve("srv/mediaferry/media/clip.mp4")), "media are never removed");
  }

  /** A staged install (DESTDIR) of the build in from, and its wrapper with the prefix pointed into the stage. */
  private record Staged(Path prefix, Path wrapper) {}

  private Staged stage(Path from) throws Exception {
    Path root = work.resolve("root");
    Run install = sh(root, "scripts/install.sh", "--prefix", "/opt/mf", "--from", from.toString());
    assertEquals(0, install.exit(), install.output());
    Path prefix = root.resolve("opt/mf");
    Path wrapper = work.resolve("mediaferry");
    Files.writeString(wrapper, Files.readString(prefix.resolve("bin/mediaferry")).replace("/opt/mf", prefix.toString()));
    return new Staged(prefix, wrapper);
  }

  /** A java (in its own folder, for PATH) that prints its name and arguments instead of running anything. */
  private Path fakeJava(String name, String says) throws Exception {
    Path java = Files.createDirectories(work.resolve("fake-bin")).resolve(name);
    Files.writeString(java, "#!/bin/sh\necho \"" + says + "$@\"\n");
    assertTrue(java.toFile().setExecutable(true));
    return java;
  }

  /**
   * The installed wrapper starts `run --once` with the compiler options of scripts/lib/once-java.sh
   * (the directives file installed beside it, which the JVM accepts), and the daemon without them.
   * The wrapper runs with its prefix pointed into the staged root and a java that prints its arguments.
   */
  @Test
  void theInstalledWrapperStartsRunOnceWithTheOnceCompilerOptions() throws Exception {
    Staged staged = stage(build());
    Path prefix = staged.prefix();
    Path wrapper = staged.wrapper();
    Path bin = fakeJava("java", "").getParent();

    String once = sh(null, "env", "PATH=" + bin + ":/usr/bin:/bin", "sh", wrapper.toString(), "run", "--once",
        "--config", "x.conf").output();
    Path directives = prefix.resolve("conf/once-compiler-directives.json");
    assertTrue(once.contains("-XX:CompilerDirectivesFile=" + directives + " -XX:CompileThresholdScaling=0.3"), once);
    assertTrue(once.endsWith("-jar " + prefix.resolve("mediaferry.jar") + " run --once --config x.conf\n"), once);
    String daemon = sh(null, "env", "PATH=" + bin + ":/usr/bin:/bin", "sh", wrapper.toString(), "run", "--config",
        "x.conf").output();
    assertFalse(daemon.contains("CompilerDirectivesFile"), daemon);

    Run accepted = sh(null, Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UnlockDiagnosticVMOptions", "-XX:CompilerDirectivesFile=" + directives, "-version");
    assertEquals(0, accepted.exit(), accepted.output());
    assertTrue(accepted.output().contains("2 compiler directives added"), accepted.output());
  }

  /**
   * With start-up archives in its lib/ (made at install), the wrapper maps the class-data archive for
   * every command but the daemon, and starts `run --once` on the java recorded in lib/once-java with
   * the AOT cache made on it; MEDIAFERRY_CDS=off starts without them. Fake javas print their arguments.
   */
  @Test
  void theInstalledWrapperUsesTheArchivesMadeAtInstall() throws Exception {
    Staged staged = stage(build());
    Path lib = staged.prefix().resolve("lib");
    Path wrapper = staged.wrapper();
    Path bin = fakeJava("java", "java ").getParent();
    Path newer = fakeJava("newer-java", "newer ");
    Files.writeString(lib.resolve("mediaferry.jsa"), "archive");
    Files.writeString(lib.resolve("mediaferry-once.aot"), "cache");
    Files.writeString(lib.resolve("once-java"), newer + "\n");
    String path = "PATH=" + bin + ":/usr/bin:/bin";

    String status = sh(null, "env", path, "sh", wrapper.toString(), "status").output();
    assertTrue(status.startsWith("java -XX:SharedArchiveFile=" + lib.resolve("mediaferry.jsa")), status);
    String daemon = sh(null, "env", path, "sh", wrapper.toString(), "run", "--config", "x.conf").output();
    assertTrue(daemon.startsWith("java -Xmx192m"), "the daemon maps no archive: " + daemon);
    String once = sh(null, "env", path, "sh", wrapper.toString(), "run", "--once", "--config", "x.conf").output();
    assertTrue(once.startsWith("newer -XX:AOTCache=" + lib.resolve("mediaferry-once.aot")), once);
    assertTrue(once.contains("-XX:CompileThresholdScaling=0.3"), once);
    String plain = sh(null, "env", path, "MEDIAFERRY_CDS=off", "sh", wrapper.toString(), "run", "--once").output();
    assertTrue(plain.startsWith("java ") && !plain.contains("AOTCache") && plain.contains("CompilerDirectivesFile"),
        plain);
  }

  /**
   * The archives are made by real training runs of a real jar (this build's classes and their
   * libraries), and the JVMs take them: -Xshare:on and -XX:AOTMode=on make a java that cannot use
   * its archive fail instead of starting without it.
   */
  @Test
  void theArchivesMadeAtInstallAreTakenByTheJvm() throws Exception {
    Staged staged = stage(realBuild());
    Path prefix = staged.prefix();
    Path lib = prefix.resolve("lib");
    Path wrapper = staged.wrapper();
    Run made = sh(null, "bash", "-c", "source scripts/lib/once-java.sh && source scripts/lib/archives.sh "
        + "&& make_installed_archives \"$1\" && once_java", "archives", prefix.toString());
    assertEquals(0, made.exit(), made.output());
    String newer = made.output().lines().reduce("", (a, b) -> b).trim(); // once_java's answer, last
    assertTrue(Files.size(lib.resolve("mediaferry.jsa")) > 1_000_000, "class-data archive made");

    Run version = sh(null, "env", "MEDIAFERRY_JAVA_OPTS=-Xshare:on -Xmx192m", "sh", wrapper.toString(), "--version");
    assertEquals(0, version.exit(), version.output());
    assertTrue(version.output().startsWith("mediaferry "), version.output());
    if (newer.startsWith("/")) {
      assertEquals(newer, Files.readString(lib.resolve("once-java")).trim());
      Run once = sh(null, "env", "MEDIAFERRY_JAVA_OPTS=-XX:AOTMode=on -Xmx192m -Xms16m -XX:+UseSerialGC", "sh",
          wrapper.toString(), "run", "--once", "--help");
      assertEquals(0, once.exit(), once.output());
      assertTrue(once.output().contains("--once"), once.output());
    } else {
      assertTrue(!"true".equals(System.getenv("CI")), "CI's image has a JDK 25 beside 17: " + made.output());
      assertFalse(Files.exists(lib.resolve("once-java")), "no newer JDK, no AOT cache");
    }
  }

  /** A build folder with a runnable mediaferry.jar: this build's classes, its libraries in lib/. */
  private Path realBuild() throws Exception {
    Path build = Files.createDirectories(work.resolve("real/lib"));
    List<String> classPath = new ArrayList<>();
    Path classes = null;
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path path = Path.of(entry);
      if (path.endsWith("classes") && Files.isDirectory(path)) {
        classes = path;
      } else if (entry.endsWith(".jar") && !entry.contains("junit") && !entry.contains("surefire")) {
        Files.copy(path, build.resolve(path.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        classPath.add("lib/" + path.getFileName());
      }
    }
    java.util.jar.Manifest manifest = new java.util.jar.Manifest();
    manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MAIN_CLASS, "dev.mediaferry.cli.Main");
    manifest.getMainAttributes().put(java.util.jar.Attributes.Name.CLASS_PATH, String.join(" ", classPath));
    manifest.getMainAttributes().put(java.util.jar.Attributes.Name.IMPLEMENTATION_VERSION, "test");
    Path jar = build.resolveSibling("mediaferry.jar");
    try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest);
        var files = Files.walk(classes)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new java.util.jar.JarEntry(classes.relativize(file).toString().replace('\\', '/')));
        Files.copy(file, out);
        out.closeEntry();
      }
    }
    return build.getParent();
  }

  @Test
  void theInstalledUnitPassesSystemdAnalyzeVerify() throws Exception {
    boolean present = sh(null, "sh", "-c", "command -v systemd-analyze").exit() == 0;
    assertTrue(present || !"true".equals(System.getenv("CI")),
        "systemd-analyze is missing: scripts/test installs the systemd package");
    Assumptions.assumeTrue(present, "systemd-analyze is not installed (scripts/test installs it)");
    Path root = work.resolve("root");
    assertEquals(0, sh(root, "scripts/install.sh", "--prefix", "/opt/mf", "--from", build().toString()).exit());
    // the staged root sees the system's units (sysinit.target, ...) through /usr
    Files.createSymbolicLink(root.resolve("usr"), Path.of("/usr"));

    Run verify = sh(null, "systemd-analyze", "--root=" + root, "verify",
        root.resolve("etc/systemd/system/mediaferry.service").toString());

    List<String> aboutOurUnit = new ArrayList<>();
    verify.output().lines().filter(line -> line.contains("mediaferry.service")).forEach(aboutOurUnit::add);
    assertEquals(0, verify.exit(), verify.output());
    assertEquals(List.of(), aboutOurUnit, "systemd-analyze has no complaint about the unit");
  }
}
