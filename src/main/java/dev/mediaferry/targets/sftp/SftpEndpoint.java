package dev.mediaferry.targets.sftp;

import java.net.URI;
import java.net.URISyntaxException;

/** sftp://user@host:port/base/path, parsed; the base path is absolute on the NAS. */
public record SftpEndpoint(String user, String host, int port, String basePath) {

  public static SftpEndpoint parse(String url) {
    try {
      URI uri = new URI(url);
      if (!"sftp".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException("mediaferry.target.url = \"" + url
            + "\": expected sftp://user@host:port/base/path");
      }
      String user = uri.getUserInfo() != null ? uri.getUserInfo() : System.getProperty("user.name");
      String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
      String base = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
      return new SftpEndpoint(user, uri.getHost(), uri.getPort() == -1 ? 22 : uri.getPort(), base);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("mediaferry.target.url = \"" + url + "\" is not a valid URL: " + e.getMessage());
    }
  }

  /** The absolute NAS path of a target path. */
  public String resolve(String path) {
    if (path.isEmpty()) {
      return basePath;
    }
    return basePath.equals("/") ? "/" + path : basePath + "/" + path;
  }

  @Override
  public String toString() {
    return "sftp://" + user + "@" + host + ":" + port + basePath;
  }
}
