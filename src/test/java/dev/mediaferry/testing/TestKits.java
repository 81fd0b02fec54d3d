package dev.mediaferry.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;

/** Config for actor tests on the in-memory persistence testkit (events still serialized with CBOR). */
public final class TestKits {
  private TestKits() {}

  public static Config inMemoryJournal() {
    return PersistenceTestKitPlugin.getInstance().config()
        .withFallback(PersistenceTestKitSnapshotPlugin.getInstance().config())
        .withFallback(ConfigFactory.load());
  }
}
