package dev.mediaferry.targets;

import java.nio.file.Path;

class LocalTargetTest extends TargetContractTest {
  @Override
  Target open(Path base) {
    return new LocalTarget(base);
  }
}
