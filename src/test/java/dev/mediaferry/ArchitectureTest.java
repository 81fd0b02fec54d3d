package dev.mediaferry;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The house's walls (docs/architecture.md): a change that breaks one changes the design on
 * purpose, in the rule here and in that page, never by silencing the rule.
 */
@AnalyzeClasses(packages = "dev.mediaferry", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  /** Packages depend one way; a sub-package (targets.sftp) is a package of its own. */
  @ArchTest
  static final ArchRule packagesHaveNoCircles = slices().matching("dev.mediaferry.(**)")
      .should().beFreeOfCycles();

  /** The file's model (state, events, their meaning) is the leaf everything else reads. */
  @ArchTest
  static final ArchRule theFileModelImportsNothingOfOurs = noClasses()
      .that().resideInAPackage("dev.mediaferry.file..")
      .should().dependOnClassesThat().resideOutsideOfPackages("dev.mediaferry.file..", "java..")
      .as("the file model (dev.mediaferry.file) depends on nothing but the JDK");

  /** Targets do I/O behind a plain interface; actors and their messages stay above them. */
  @ArchTest
  static final ArchRule targetsKnowNoPekko = noClasses()
      .that().resideInAPackage("dev.mediaferry.targets..")
      .should().dependOnClassesThat().resideInAPackage("org.apache.pekko..");

  @ArchTest
  static final ArchRule onlyTheCommandLineUsesPicocli = noClasses()
      .that().resideOutsideOfPackage("dev.mediaferry.cli..")
      .should().dependOnClassesThat().resideInAPackage("picocli..");

  @ArchTest
  static final ArchRule nothingDependsOnTheCommandLine = noClasses()
      .that().resideOutsideOfPackage("dev.mediaferry.cli..")
      .should().dependOnClassesThat().resideInAPackage("dev.mediaferry.cli..");

  /** The log shipper is a pipeline of its own: it shares the operator surface, never the file pipeline. */
  @ArchTest
  static final ArchRule theLogShipperStandsApartFromTheFilePipeline = noClasses()
      .that().resideInAPackage("dev.mediaferry.logship..")
      .should().dependOnClassesThat().resideInAnyPackage("dev.mediaferry.file..", "dev.mediaferry.transfer..",
          "dev.mediaferry.targets..", "dev.mediaferry.journal..", "dev.mediaferry.deletion..",
          "dev.mediaferry.discovery..", "dev.mediaferry.dock..", "dev.mediaferry.storage..");
}
