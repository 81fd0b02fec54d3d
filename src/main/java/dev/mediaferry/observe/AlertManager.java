package dev.mediaferry.observe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Turns conditions into notifications: an alert is sent when it starts, again at most once
 * per suppression period while it lasts (or at once when it gets more severe), and a
 * "resolved" message is sent when it clears. Every sink gets every notification.
 */
public final class AlertManager {

  public sealed interface Command {}

  /** The condition named by key holds now. */
  public record Raise(String key, Alert.Severity severity, String message) implements Command {}

  /** The condition named by key no longer holds. */
  public record Clear(String key, String message) implements Command {}

  private record Active(Alert.Severity severity, Instant lastSent) {}

  public static Behavior<Command> create(Duration suppressFor, List<AlertSink> sinks, Clock clock) {
    return create(suppressFor, sinks, clock, new Health());
  }

  /** health: kept up to date with the conditions active now, for /health. */
  public static Behavior<Command> create(Duration suppressFor, List<AlertSink> sinks, Clock clock, Health health) {
    Map<String, Active> active = new HashMap<>();
    return Behaviors.receive(Command.class)
        .onMessage(Raise.class, raise -> {
          health.raised(raise);
          Instant now = clock.instant();
          Active before = active.get(raise.key());
          boolean due = before == null || raise.severity().compareTo(before.severity()) > 0
              || !now.isBefore(before.lastSent().plus(suppressFor));
          if (due) {
            active.put(raise.key(), new Active(raise.severity(), now));
            Alert alert = new Alert(raise.key(), raise.severity(), Alert.Status.FIRING, raise.message(), now);
            sinks.forEach(sink -> sink.send(alert));
          }
          return Behaviors.same();
        })
        .onMessage(Clear.class, clear -> {
          health.cleared(clear.key());
          Active before = active.remove(clear.key());
          if (before != null) {
            Alert alert = new Alert(clear.key(), before.severity(), Alert.Status.RESOLVED, clear.message(),
                clock.instant());
            sinks.forEach(sink -> sink.send(alert));
          }
          return Behaviors.same();
        })
        .build();
  }
}
