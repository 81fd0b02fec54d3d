package dev.mediaferry.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.function.Consumer;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.file.nativefs.NativeFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.shell.ProcessShellCommandFactory;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * An SFTP server (Apache MINA SSHD) in this process on 127.0.0.1 and a free port, for the
 * demo and fast tests. Everything a client needs is written into a folder: a client key
 * (identity), a known_hosts line for this server's freshly made host key; only that client
 * key is accepted. Exec commands run in the OS shell, so sha256sum and df work on it.
 */
public final class InProcessSftpServer implements AutoCloseable {
  private final SshServer server;
  private final Path identityFile;
  private final Path knownHosts;

  private InProcessSftpServer(SshServer server, Path identityFile, Path knownHosts) {
    this.server = server;
    this.identityFile = identityFile;
    this.knownHosts = knownHosts;
  }

  public static InProcessSftpServer start(Path keysDir) throws IOException, GeneralSecurityException {
    return start(keysDir, server -> { });
  }

  /** As {@link #start(Path)}, with the server's set-up changed before it starts (tests wrap its parts). */
  public static InProcessSftpServer start(Path keysDir, Consumer<SshServer> customize)
      throws IOException, GeneralSecurityException {
    Files.createDirectories(keysDir);
    KeyPair hostKey = newKey();
    KeyPair clientKey = newKey();
    SshServer server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    server.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(clientKey.getPublic(), key));
    server.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
    server.setCommandFactory(new ProcessShellCommandFactory());
    server.setFileSystemFactory(NativeFileSystemFactory.INSTANCE);
    customize.accept(server);
    server.start();

    Path identity = keysDir.resolve("id_ecdsa");
    try (OutputStream out = Files.newOutputStream(identity)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(clientKey, "mediaferry-demo", null, out);
    }
    Path knownHosts = keysDir.resolve("known_hosts");
    Files.writeString(knownHosts, "[127.0.0.1]:" + server.getPort() + " " + PublicKeyEntry.toString(hostKey.getPublic())
        + "\n");
    return new InProcessSftpServer(server, identity, knownHosts);
  }

  private static KeyPair newKey() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  public int port() {
    return server.getPort();
  }

  public Path identityFile() {
    return identityFile;
  }

  public Path knownHosts() {
    return knownHosts;
  }

  /** The URL of a folder on this server, for mediaferry.target.url. */
  public String url(Path folder) {
    return "sftp://" + System.getProperty("user.name") + "@127.0.0.1:" + port() + folder.toAbsolutePath();
  }

  @Override
  public void close() throws IOException {
    server.stop(true);
  }
}
