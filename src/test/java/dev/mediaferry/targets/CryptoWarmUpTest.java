package dev.mediaferry.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.MessageDigest;
import javax.crypto.Cipher;
import org.junit.jupiter.api.Test;

/**
 * The warm-up is worth something only if it runs the code the copies run: the provider that
 * answers sshj's AES-GCM and the copy's SHA-256. (What it gains is measured by scripts/bench.)
 */
class CryptoWarmUpTest {
  @Test
  void warmsTheProvidersTheTransfersUse() throws Exception {
    dev.mediaferry.targets.sftp.SshSecurityAccess.configure(); // the provider order the SFTP target sets

    CryptoWarmUp.Result result = CryptoWarmUp.run();

    assertEquals(Cipher.getInstance(CryptoWarmUp.GCM).getProvider().getName(), result.cipherProvider());
    assertEquals("SunJCE", result.cipherProvider(), "the JDK's own AES-GCM, which the JIT compiles to AES-NI");
    assertEquals(MessageDigest.getInstance("SHA-256").getProvider().getName(), result.digestProvider());
    assertEquals((long) CryptoWarmUp.PACKETS * CryptoWarmUp.PACKET_BYTES, result.bytes());
  }
}
