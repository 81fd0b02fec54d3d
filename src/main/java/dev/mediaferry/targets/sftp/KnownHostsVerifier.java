package dev.mediaferry.targets.sftp;

import dev.mediaferry.targets.Sha256;
import java.io.File;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Base64;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Host keys checked against known_hosts, never accepted blindly. With accept-new an unknown
 * host's key is written to the file on first use (OpenSSH's StrictHostKeyChecking=accept-new);
 * a changed key is always refused. The reason of the last refusal feeds the error message.
 */
final class KnownHostsVerifier extends OpenSSHKnownHosts {
  private static final Logger LOG = LoggerFactory.getLogger(KnownHostsVerifier.class);

  private final boolean acceptNew;
  private volatile String refusal;

  KnownHostsVerifier(File file, boolean acceptNew) throws IOException {
    super(file);
    this.acceptNew = acceptNew;
  }

  /** Why the last host key was refused, with the fix; null if none was. */
  String refusal() {
    return refusal;
  }

  @Override
  protected boolean hostKeyUnverifiableAction(String hostname, PublicKey key) {
    // sshj only compares keys of the offered type: a host known by a key of another type is
    // not "unknown", its key changed (a man in the middle offering RSA where ed25519 is known)
    if (knownByAnyKey(hostname)) {
      return hostKeyChangedAction(hostname, key);
    }
    if (acceptNew) {
      try {
        HostEntry entry = new HostEntry(null, hostname, KeyType.fromKey(key), key);
        entries().add(entry);
        write(entry);
        LOG.warn("host key of {} ({} {}) was unknown and has been added to {} (host-key-policy = accept-new)",
            hostname, KeyType.fromKey(key), fingerprint(key), getFile());
        return true;
      } catch (IOException e) {
        refusal = "host key of " + hostname + " could not be recorded in " + getFile() + ": " + e.getMessage();
        return false;
      }
    }
    refusal = String.format("host key of %s is not in %s. The host offered %s %s: compare it with the NAS's own "
        + "fingerprint, read on the NAS itself (ssh-keygen -lf /etc/ssh/ssh_host_%s_key.pub); only if they match, "
        + "add it: ssh-keyscan %s >> %s (and remove from that file any line whose key differs); or set mediaferry.target.sftp.host-key-policy = accept-new to record "
        + "it on first use", hostname, getFile(), KeyType.fromKey(key), fingerprint(key), keyFileType(key),
        keyscanArgs(hostname), getFile());
    return false;
  }

  @Override
  protected boolean hostKeyChangedAction(String hostname, PublicKey key) {
    refusal = String.format("host key of %s has CHANGED (now %s %s) and is refused: either someone is "
        + "intercepting the connection, or the NAS was reinstalled. If the change is expected, remove the old "
        + "key with: ssh-keygen -R '%s' -f %s, then add the new one", hostname, KeyType.fromKey(key),
        fingerprint(key), hostname, getFile());
    return false;
  }

  private boolean knownByAnyKey(String hostname) {
    for (KnownHostEntry entry : entries()) {
      try {
        if (entry.appliesTo(hostname)) {
          return true;
        }
      } catch (IOException unreadable) {
        return true; // cannot tell: treat as known, so nothing is accepted blindly
      }
    }
    return false;
  }

  /** The key's type as OpenSSH names the host key file: ed25519, ecdsa, rsa. */
  private static String keyFileType(PublicKey key) {
    String type = KeyType.fromKey(key).toString();
    return type.contains("ed25519") ? "ed25519" : type.contains("ecdsa") ? "ecdsa" : type.contains("rsa") ? "rsa" : "*";
  }

  /** "[host]:port" → "-p port host"; "host" → "host". */
  private static String keyscanArgs(String hostname) {
    if (hostname.startsWith("[") && hostname.contains("]:")) {
      int close = hostname.indexOf("]:");
      return "-p " + hostname.substring(close + 2) + " " + hostname.substring(1, close);
    }
    return hostname;
  }

  static String fingerprint(PublicKey key) {
    MessageDigest digest = Sha256.digest();
    digest.update(new Buffer.PlainBuffer().putPublicKey(key).getCompactData());
    return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest.digest());
  }
}
