package dev.mediaferry.targets;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A target that hands every call to another: decorators override only what they change. */
public abstract class ForwardingTarget implements Target {
  protected final Target real;

  protected ForwardingTarget(Target real) {
    this.real = real;
  }

  @Override
  public String describe() {
    return real.describe();
  }

  @Override
  public String upload(Path source, String path, Progress progress, CancelSignal cancel) throws TargetException {
    return real.upload(source, path, progress, cancel);
  }

  @Override
  public Optional<HashedUpload> uploadHashed(Path source, String path, Progress progress, CancelSignal cancel)
      throws TargetException {
    return real.uploadHashed(source, path, progress, cancel);
  }

  /** Final: a wrapper intercepts hashing in one place, sha256(path, size), which every hash goes through. */
  @Override
  public final String sha256(String path) throws TargetException {
    return sha256(path, UNKNOWN_SIZE);
  }

  @Override
  public String sha256(String path, long size) throws TargetException {
    return real.sha256(path, size);
  }

  @Override
  public Optional<String> sha256OfPrefix(String path, long length) throws TargetException {
    return real.sha256OfPrefix(path, length);
  }

  @Override
  public void uploadFrom(Path source, String path, long offset, Progress progress, CancelSignal cancel)
      throws TargetException {
    real.uploadFrom(source, path, offset, progress, cancel);
  }

  @Override
  public Optional<RemoteStat> stat(String path) throws TargetException {
    return real.stat(path);
  }

  @Override
  public void renameNoReplace(String from, String to) throws TargetException {
    real.renameNoReplace(from, to);
  }

  @Override
  public void delete(String path) throws TargetException {
    real.delete(path);
  }

  @Override
  public void mkdirs(String dir) throws TargetException {
    real.mkdirs(dir);
  }

  @Override
  public Optional<Space> space(String dir) throws TargetException {
    return real.space(dir);
  }

  @Override
  public List<String> list(String dir) throws TargetException {
    return real.list(dir);
  }

  @Override
  public void close() {
    real.close();
  }
}
