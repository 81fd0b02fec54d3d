package dev.mediaferry.testing;

import dev.mediaferry.config.Settings;
import dev.mediaferry.daemon.Daemon;
import dev.mediaferry.journal.JournalReader;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.query.EventEnvelope;

/** The whole journal of a stopped daemon, read through the query API: persistence id → events. */
public final class JournalContents {
  private JournalContents() {}

  public static Map<String, List<Object>> read(Settings settings) throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "journal-reader", Daemon.pekkoConfig(settings));
    try {
      JournalReader reader = new JournalReader(system);
      Map<String, List<Object>> result = new LinkedHashMap<>();
      for (String id : reader.persistenceIds().toCompletableFuture().get(30, TimeUnit.SECONDS)) {
        List<EventEnvelope> envelopes = reader.events(id).toCompletableFuture().get(30, TimeUnit.SECONDS);
        result.put(id, envelopes.stream().map(EventEnvelope::event).toList());
      }
      return result;
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  public static long count(List<Object> events, Class<?> type) {
    return events.stream().filter(type::isInstance).count();
  }

  public static final Duration TIMEOUT = Duration.ofSeconds(120);
}
