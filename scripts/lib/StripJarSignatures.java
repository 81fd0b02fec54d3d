import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;

/**
 * Rewrites every signed jar in a folder without its signature: the build runs it over
 * target/lib (pom.xml, at package; `java scripts/lib/StripJarSignatures.java FOLDER`).
 *
 * <p>Only BouncyCastle's jars are signed. A signed jar costs every start of mediaferry
 * ~0.17 s of a one-file `run --once` (1.80 -> 1.63 s, docs/benchmarks.md, eighth session):
 * - the class-data archive and the AOT cache leave out every class of a signed jar, so each
 *   start loads them from the jar and checks each one's digest against the signature;
 * - Pekko reads every jar's manifest at start (its version check), and a signed jar's manifest
 *   lists a digest per entry: 1 MB for the three BouncyCastle jars.
 *
 * <p>OpenJDK does not require a JCE provider's jar to be signed (Oracle's JDK does, for its
 * javax.crypto services; mediaferry runs on OpenJDK builds). The jar's bytes come from Maven
 * Central, checked against its checksum when downloaded; the signature adds no check at run time
 * on OpenJDK. Kept: every other entry byte for byte, and the manifest's main section
 * (Multi-Release, which picks the classes for newer JDKs). A jar without a signature is left
 * as it is, so a second build changes nothing and the start-up archives stay valid.
 */
public final class StripJarSignatures {
  /** The files a jar signature consists of (JAR File Specification, "Signed JAR File"). */
  static final Pattern SIGNATURE =
      Pattern.compile("META-INF/[^/]+\\.(SF|RSA|DSA|EC)|META-INF/SIG-[^/]+", Pattern.CASE_INSENSITIVE);

  public static void main(String[] args) throws IOException {
    if (args.length != 1 || !Files.isDirectory(Path.of(args[0]))) {
      System.err.println("usage: java StripJarSignatures.java FOLDER (rewrites its signed *.jar without the signature)");
      System.exit(2);
    }
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of(args[0]), "*.jar")) {
      for (Path jar : jars) {
        if (signed(jar)) {
          strip(jar);
          System.out.println("StripJarSignatures: " + jar.getFileName() + ": signature removed");
        }
      }
    }
  }

  static boolean signed(Path jar) throws IOException {
    try (JarFile file = new JarFile(jar.toFile(), false)) {
      return file.stream().anyMatch(entry -> SIGNATURE.matcher(entry.getName()).matches());
    }
  }

  /** Writes the jar again beside itself without the signature, then moves it over the original. */
  static void strip(Path jar) throws IOException {
    Path rewritten = jar.resolveSibling(jar.getFileName() + ".unsigned");
    try (JarFile file = new JarFile(jar.toFile(), false);
        OutputStream out = Files.newOutputStream(rewritten)) {
      Manifest manifest = new Manifest(file.getManifest());
      manifest.getEntries().clear(); // the per-entry digests: only the signature used them
      try (JarOutputStream copy = new JarOutputStream(out, manifest)) {
        for (Enumeration<? extends ZipEntry> entries = file.entries(); entries.hasMoreElements(); ) {
          ZipEntry entry = entries.nextElement();
          String name = entry.getName();
          if (name.equalsIgnoreCase(JarFile.MANIFEST_NAME) || SIGNATURE.matcher(name).matches()) {
            continue;
          }
          ZipEntry copied = new ZipEntry(name);
          copied.setTime(entry.getTime());
          copy.putNextEntry(copied);
          try (InputStream in = file.getInputStream(entry)) {
            in.transferTo(copy);
          }
          copy.closeEntry();
        }
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(rewritten);
      throw e;
    }
    Files.move(rewritten, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
