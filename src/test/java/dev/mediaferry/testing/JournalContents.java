package dev.mediaferry.testing;

import dev.mediaferry.audit.JournalEvents;
import dev.mediaferry.config.Settings;
import dev.mediaferry.daemon.Daemon;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** The whole journal of a stopped daemon, read through the query API as audit reads it: file id → events. */
public final class JournalContents {
  private JournalContents() {}

  public static Map<String, List<Object>> read(Settings settings) throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "journal-reader", Daemon.pekkoConfig(settings));
    try {
      Map<String, List<Object>> result = new LinkedHashMap<>();
      JournalEvents.forEach(system, e -> result.computeIfAbsent(e.fileId(), id -> new ArrayList<>()).add(e.event()))
          .toCompletableFuture().get(60, TimeUnit.SECONDS);
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
