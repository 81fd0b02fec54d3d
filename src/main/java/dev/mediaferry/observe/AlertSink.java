package dev.mediaferry.observe;

/** Where alerts go. send must not block: it is called from an actor. */
public interface AlertSink {
  void send(Alert alert);
}
