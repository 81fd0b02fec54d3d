package dev.mediaferry.targets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers: streaming, so memory stays flat whatever the file size. */
public final class Sha256 {
  static final int BUFFER = 1 << 20;

  private Sha256() {}

  public static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }

  public static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }

  public static String of(InputStream in) throws IOException {
    MessageDigest digest = digest();
    byte[] buffer = new byte[BUFFER];
    for (int n; (n = in.read(buffer)) != -1; ) {
      digest.update(buffer, 0, n);
    }
    return hex(digest);
  }

  /** Never through a symbolic link: a link at the path fails (ELOOP). */
  /** The hash of the first length bytes of the stream; empty when it holds fewer. */
  public static java.util.Optional<String> ofPrefix(InputStream in, long length) throws IOException {
    MessageDigest digest = digest();
    byte[] buffer = new byte[BUFFER];
    long left = length;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        return java.util.Optional.empty();
      }
      digest.update(buffer, 0, n);
      left -= n;
    }
    return java.util.Optional.of(hex(digest));
  }

  public static String of(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return of(in);
    }
  }
}
