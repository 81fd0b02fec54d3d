package dev.mediaferry.deletion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.file.LocalIdentity;
import dev.mediaferry.file.RecheckOutcome;
import dev.mediaferry.targets.LocalTarget;
import dev.mediaferry.targets.TargetException;
import dev.mediaferry.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recheck before a delete, on real folders; a local read error is injected through the hasher. */
class DeleteRecheckTest {
  @TempDir Path dir;

  private DeleteRecheck.Expected verifiedCopy() throws Exception {
    Path source = TestFiles.write(dir.resolve("src/a.mp4"), 5000, 1);
    Files.createDirectories(dir.resolve("nas"));
    Files.copy(source, dir.resolve("nas/a.mp4"));
    return new DeleteRecheck.Expected("a.mp4", 5000, TestFiles.sha256(source), source, 5000,
        Files.getLastModifiedTime(source).toMillis());
  }

  @Test
  void aLocalReadErrorPostponesTheDeleteInsteadOfCallingTheFileChanged() throws Exception {
    DeleteRecheck.Expected expected = verifiedCopy();

    TargetException error = assertThrows(TargetException.class, () -> DeleteRecheck.run(
        new LocalTarget(dir.resolve("nas")), expected, file -> {
          throw new IOException("Input/output error");
        }));

    assertEquals(ErrorKind.TRANSIENT, error.kind(), "transient: the delete is tried again later");
    assertTrue(error.getMessage().contains("a.mp4") && error.getMessage().contains("postponed"), error.getMessage());
  }

  @Test
  void aSourceSwappedForALinkIsNotTheVerifiedFile() throws Exception {
    DeleteRecheck.Expected expected = verifiedCopy();
    Path elsewhere = dir.resolve("elsewhere.mp4");
    Files.move(expected.source(), elsewhere);
    Files.createSymbolicLink(expected.source(), elsewhere);

    DeleteRecheck.Result result = DeleteRecheck.run(new LocalTarget(dir.resolve("nas")), expected);

    assertEquals(RecheckOutcome.SOURCE_CHANGED, result.outcome(), result.message());
  }

  @Test
  void anIntactPairPassesAndNamesTheFileThatWasHashed() throws Exception {
    DeleteRecheck.Expected expected = verifiedCopy();

    DeleteRecheck.Result result = DeleteRecheck.run(new LocalTarget(dir.resolve("nas")), expected);

    assertEquals(RecheckOutcome.OK, result.outcome());
    assertEquals(LocalIdentity.of(expected.source()), result.local());
  }
}
