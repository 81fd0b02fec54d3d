package dev.mediaferry.testing;

/** One real OpenSSH sshd per test class: {@code @RegisterExtension static final OpenSshExtension ssh = ...}. */
public final class OpenSshExtension extends ServerPerClass<OpenSshServer> {
  public OpenSshExtension() {
    super("mediaferry-sshd-", OpenSshServer::start);
  }
}
