package dev.mediaferry.targets.sftp;

import java.security.Security;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.schmizz.keepalive.KeepAliveProvider;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.common.Factory;
import net.schmizz.sshj.common.SecurityUtils;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * sshj set up for speed: the JDK's own AES-GCM (hardware accelerated) instead of
 * BouncyCastle's, which runs at a third of scp's speed (FACTS.md). BouncyCastle stays, last
 * in the provider list, for what the JDK lacks (some host key types, chacha20).
 */
final class SshSecurity {
  private static final List<String> CIPHERS = List.of("aes128-gcm@openssh.com", "aes256-gcm@openssh.com",
      "aes128-ctr", "aes256-ctr");
  private static final List<String> MACS = List.of("hmac-sha2-256-etm@openssh.com", "hmac-sha2-256");
  private static boolean initialized;

  private SshSecurity() {}

  static synchronized DefaultConfig config() {
    if (!initialized) {
      SecurityUtils.setRegisterBouncyCastle(false);
      SecurityUtils.setSecurityProvider(null);
      if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
        Security.addProvider(new BouncyCastleProvider());
      }
      initialized = true;
    }
    DefaultConfig config = new DefaultConfig();
    config.setKeepAliveProvider(KeepAliveProvider.KEEP_ALIVE);
    config.setCipherFactories(preferred(config.getCipherFactories(), CIPHERS));
    config.setMACFactories(preferred(config.getMACFactories(), MACS));
    return config;
  }

  private static <T> List<Factory.Named<T>> preferred(List<Factory.Named<T>> factories, List<String> first) {
    List<Factory.Named<T>> sorted = new ArrayList<>(factories);
    sorted.sort(Comparator.comparingInt(f -> {
      int i = first.indexOf(f.getName());
      return i < 0 ? first.size() : i;
    }));
    return sorted;
  }
}
