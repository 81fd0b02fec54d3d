package dev.mediaferry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Signature;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/lib/StripJarSignatures.java, which the build runs over target/lib: BouncyCastle's jar
 * loses its signature and nothing else, and still works as the JCE provider sshj registers.
 */
class StripJarSignaturesTest {
  private static final Pattern SIGNATURE = Pattern.compile("META-INF/[^/]+\\.(SF|RSA|DSA|EC)", Pattern.CASE_INSENSITIVE);

  @TempDir Path lib;

  @Test
  void aSignedJarLosesOnlyItsSignatureAndAnUnsignedOneIsLeftAsItIs() throws Exception {
    Path original = bouncyCastleJarOnTheClassPath();
    Path jar = Files.copy(original, lib.resolve(original.getFileName()));
    Path plain = plainJar(lib.resolve("plain.jar"));
    byte[] plainBefore = Files.readAllBytes(plain);
    assertTrue(signatureFiles(original) > 0, "the test needs a signed jar: " + original);

    String output = strip();

    assertTrue(output.contains(jar.getFileName() + ": signature removed"), output);
    assertFalse(output.contains("plain.jar"), output);
    assertArrayEquals(plainBefore, Files.readAllBytes(plain), "an unsigned jar is not rewritten");
    assertEquals(0, signatureFiles(jar));
    try (JarFile before = new JarFile(original.toFile()); JarFile after = new JarFile(jar.toFile())) {
      assertTrue(after.getManifest().getEntries().isEmpty(), "no per-entry digests left");
      assertEquals(before.getManifest().getMainAttributes(), after.getManifest().getMainAttributes());
      assertEquals("true", after.getManifest().getMainAttributes().getValue("Multi-Release"));
      assertTrue(after.isMultiRelease(), "the classes for newer JDKs are still picked");
      assertEquals(contents(before), contents(after), "every other entry, byte for byte (by CRC and size)");
    }
  }

  @Test
  void aSecondRunChangesNothing() throws Exception {
    Path original = bouncyCastleJarOnTheClassPath();
    Path jar = Files.copy(original, lib.resolve(original.getFileName()));
    strip();
    byte[] once = Files.readAllBytes(jar);
    FileTime modified = Files.getLastModifiedTime(jar);

    String output = strip();

    assertFalse(output.contains("signature removed"), output);
    assertArrayEquals(once, Files.readAllBytes(jar));
    assertEquals(modified, Files.getLastModifiedTime(jar), "the start-up archives record the jar's time");
  }

  @Test
  void theUnsignedBouncyCastleStillServesTheJceCallsSshjMakes() throws Exception {
    Path original = bouncyCastleJarOnTheClassPath();
    Path jar = Files.copy(original, lib.resolve(original.getFileName()));
    strip();

    // the platform loader as parent: the provider's classes must come from the unsigned jar
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
        ClassLoader.getPlatformClassLoader())) {
      Provider bc = (Provider) loader.loadClass("org.bouncycastle.jce.provider.BouncyCastleProvider")
          .getConstructor().newInstance();
      assertEquals(jar.toUri().toURL(), bc.getClass().getProtectionDomain().getCodeSource().getLocation());

      // javax.crypto is where a JDK that wants signed providers refuses them ("cannot authenticate")
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", bc);
      SecretKeySpec key = new SecretKeySpec(new byte[16], "AES");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, new byte[12]));
      byte[] sealed = cipher.doFinal("packet".getBytes());
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, new byte[12]));
      assertEquals("packet", new String(cipher.doFinal(sealed)));

      // ECDSA host keys: the reason mediaferry keeps BouncyCastle (sshj asks for "ECDSA")
      KeyPairGenerator generator = KeyPairGenerator.getInstance("ECDSA", bc);
      generator.initialize(256);
      KeyPair pair = generator.generateKeyPair();
      Signature signer = Signature.getInstance("SHA256withECDSA", bc);
      signer.initSign(pair.getPrivate());
      signer.update("host key".getBytes());
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance("SHA256withECDSA", bc);
      verifier.initVerify(pair.getPublic());
      verifier.update("host key".getBytes());
      assertTrue(verifier.verify(signature));
    }
  }

  private String strip() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(java.toString(), "scripts/lib/StripJarSignatures.java", lib.toString())
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "StripJarSignatures hung");
    assertEquals(0, process.exitValue(), output);
    return output;
  }

  private static Path bouncyCastleJarOnTheClassPath() {
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (Path.of(entry).getFileName().toString().startsWith("bcprov-")) {
        return Path.of(entry);
      }
    }
    throw new AssertionError("bcprov is not on the test class path (sshj brings it)");
  }

  private static Path plainJar(Path jar) throws Exception {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
      out.putNextEntry(new ZipEntry("a.txt"));
      out.write("a".getBytes());
      out.closeEntry();
    }
    return jar;
  }

  private static long signatureFiles(Path jar) throws Exception {
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.stream().filter(entry -> SIGNATURE.matcher(entry.getName()).matches()).count();
    }
  }

  /** Name to CRC and size of every entry but the manifest and the signature files. */
  private static Map<String, String> contents(JarFile jar) {
    Map<String, String> contents = new TreeMap<>();
    jar.stream()
        .filter(entry -> !entry.getName().equals(JarFile.MANIFEST_NAME) && !SIGNATURE.matcher(entry.getName()).matches())
        .forEach(entry -> contents.put(entry.getName(), entry.getCrc() + "/" + entry.getSize()));
    return contents;
  }
}
