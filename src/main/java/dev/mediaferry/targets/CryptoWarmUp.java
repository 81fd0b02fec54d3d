package dev.mediaferry.targets;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the JDK's AES-GCM (the SSH cipher) and SHA-256 over throwaway data at start, on a
 * background thread, so the JIT compiles them into the CPU's AES, CLMUL and SHA instructions
 * before the first file. Until then they run as plain Java: measured here, a 2 MiB file took
 * 33 ms to encrypt and hash cold and 1.6 ms once compiled; and once the actor system and the
 * journal start, their many methods queue up for the same compiler, so the crypto waited
 * there for hundreds of files. The warm-up costs ~150 ms of CPU, on the core the start-up
 * leaves idle.
 */
public final class CryptoWarmUp {
  private static final Logger LOG = LoggerFactory.getLogger(CryptoWarmUp.class);
  /** Enough calls for the compiler's thresholds, in small packets: ~20 MB in all. */
  static final int PACKETS = 20_000;
  static final int PACKET_BYTES = 1024;
  /** The transformation sshj asks the JDK for under aes128-gcm@openssh.com and aes256-gcm@openssh.com. */
  static final String GCM = "AES/GCM/NoPadding";

  /** What ran: the provider whose code got compiled, and how much went through it. */
  record Result(String cipherProvider, String digestProvider, long bytes) {}

  private CryptoWarmUp() {}

  /** Starts the warm-up on a daemon thread and returns at once. */
  public static void startInBackground() {
    Thread thread = new Thread(() -> {
      try {
        Result result = run();
        LOG.debug("crypto warmed up: {} bytes through {} AES-GCM and {} SHA-256", result.bytes(),
            result.cipherProvider(), result.digestProvider());
      } catch (GeneralSecurityException | RuntimeException e) {
        LOG.debug("crypto warm-up skipped: {}", e.toString()); // only speed is at stake
      }
    }, "crypto-warm-up");
    thread.setDaemon(true);
    thread.setPriority(Thread.MIN_PRIORITY);
    thread.start();
  }

  /** Encrypts and hashes the throwaway packets the way sshj and the copy do: per packet init, AAD, doFinal. */
  static Result run() throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance(GCM);
    MessageDigest digest = Sha256.digest();
    SecretKeySpec key = new SecretKeySpec(new byte[16], "AES");
    byte[] iv = new byte[12];
    byte[] packet = new byte[4 + PACKET_BYTES + 16];
    for (int i = 0; i < PACKETS; i++) {
      iv[8] = (byte) (i >>> 24);
      iv[9] = (byte) (i >>> 16);
      iv[10] = (byte) (i >>> 8);
      iv[11] = (byte) i; // a fresh nonce each time, or GCM refuses the init
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
      cipher.updateAAD(packet, 0, 4);
      cipher.doFinal(packet, 4, PACKET_BYTES, packet, 4);
      digest.update(packet, 4, PACKET_BYTES);
    }
    digest.digest();
    return new Result(cipher.getProvider().getName(), digest.getProvider().getName(),
        (long) PACKETS * PACKET_BYTES);
  }
}
