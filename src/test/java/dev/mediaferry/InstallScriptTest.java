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

  /**
   * The installed wrapper starts `run --once` with the compiler options of scripts/lib/once-java.sh
   * (the directives file installed beside it, which the JVM accepts), and the daemon without them.
   * The wrapper runs with its prefix pointed into the staged root and a java that prints its arguments.
   */
  @Test
  void theInstalledWrapperStartsRunOnceWithTheOnceCompilerOptions() throws Exception {
    Path root = work.resolve("root");
    assertEquals(0, sh(root, "scripts/install.sh", "--prefix", "/opt/mf", "--from", build().toString()).exit());
    Path prefix = root.resolve("opt/mf");
    Path wrapper = work.resolve("mediaferry");
    Files.writeString(wrapper, Files.readString(prefix.resolve("bin/mediaferry")).replace("/opt/mf", prefix.toString()));
    Path bin = Files.createDirectories(work.resolve("fake-bin"));
    Files.writeString(bin.resolve("java"), "#!/bin/sh\necho \"$@\"\n");
    bin.resolve("java").toFile().setExecutable(true);

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
