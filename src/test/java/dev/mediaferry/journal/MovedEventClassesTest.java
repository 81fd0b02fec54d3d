package dev.mediaferry.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.file.FileEvent;
import dev.mediaferry.file.FileInfo;
import dev.mediaferry.file.FileState;
import dev.mediaferry.file.RecheckOutcome;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Journals written before the file model moved to dev.mediaferry.file name each event by its
 * old class (dev.mediaferry.transfer.FileTransfer$Verified): they must still load, as the same
 * event. Without the migration each of these fails with ClassNotFoundException.
 */
class MovedEventClassesTest {
  static final ActorTestKit testKit = ActorTestKit.create(com.typesafe.config.ConfigFactory.load());
  static final Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  @Test
  void everyEventWrittenUnderItsOldClassNameLoadsAsTheSameEvent() {
    List<FileEvent> events = List.of(
        new FileEvent.Discovered("a.mp4", 10, 1, "/media"),
        new FileEvent.TransferStarted(1, "file:/nas", "d/a.mp4", "d/.a.tmp"),
        new FileEvent.TransferFailed(1, ErrorKind.TRANSIENT, "cut", 5L),
        new FileEvent.Verified("d/a.mp4", "ab", 10, 10, 3),
        new FileEvent.DeleteScheduled(7),
        new FileEvent.DeleteAdvanced(7, 6, "full"),
        new FileEvent.DeleteRechecked(true, RecheckOutcome.OK, "ab", "ok"),
        new FileEvent.MovingToTrash("/trash/a.mp4"),
        new FileEvent.Rediscovered("a.mp4", 10, 1, "/media", FileState.Status.DELETED),
        new FileEvent.SourceDeleted("trash", "/trash/a.mp4"),
        new FileEvent.RemoteCopyPurged("d/a.mp4", 10, "old"));
    for (FileEvent event : events) {
      String oldName = "dev.mediaferry.transfer.FileTransfer$" + event.getClass().getSimpleName();
      assertEquals(event, readAs(event, oldName), oldName);
    }
  }

  @Test
  void aSnapshotWrittenUnderTheOldStateClassLoads() {
    FileState state = FileState.EMPTY.apply(new FileEvent.Discovered("a.mp4", 10, 1, "/media"));
    assertEquals(FileInfo.of("a.mp4", 10, 1), state.file());
    assertEquals(state, readAs(state, "dev.mediaferry.transfer.FileState"));
  }

  @Test
  void eventsWrittenNowNameTheirOwnClassWithoutAVersion() {
    FileEvent event = new FileEvent.DeleteScheduled(7);
    Serializer serializer = serialization.findSerializerFor(event);
    assertEquals("dev.mediaferry.file.FileEvent$DeleteScheduled",
        org.apache.pekko.serialization.Serializers.manifestFor(serializer, event));
  }

  private static Object readAs(Object written, String manifest) {
    Serializer serializer = serialization.findSerializerFor(written);
    return serialization.deserialize(serializer.toBinary(written), serializer.identifier(), manifest).get();
  }
}
