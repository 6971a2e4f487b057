package dev.darkroom.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The shape core keeps: packages that depend on each other one way only, and no cloud or server types. */
class CoreArchitectureTest {
  private static final JavaClasses CORE = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.darkroom.core");

  @Test
  void corePackagesAreFreeOfCycles() {
    slices().matching("dev.darkroom.core.(*)..").should().beFreeOfCycles().check(CORE);
  }

  @Test
  void coreUsesNoGoogleGrpcJettyOrJdbcType() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage(
            "com.google..", "io.grpc..", "org.eclipse.jetty..", "java.sql..", "javax.sql..")
        .check(CORE);
  }
}
