package dev.darkroom.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules of STYLE.md that can be checked mechanically, on the production classes of the domain,
 * the adapters and every deployable (this module depends on all of them).
 */
class ArchitectureTest {
  static final String CORE = "dev.darkroom.core";
  static final String PORTS = "dev.darkroom.core.port";
  static final String ENV = "dev.darkroom.gcp.Env";
  /** The packages of the deployables: the Cloud Functions, the realtime gateway, the GPU job's runner. */
  static final String[] DEPLOYABLES = {"dev.darkroom.functions", "dev.darkroom.realtime", "dev.darkroom.runner"};
  /** Source folders of the deployables, to read an entry class's length. */
  static final List<String> DEPLOYABLE_SOURCES = List.of("functions", "gpu-job-image");
  static final int MAX_ENTRY_CLASS_LINES = 60;

  private static JavaClasses production;

  @BeforeAll
  static void importProductionClasses() {
    production = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.darkroom");
  }

  @Test
  void theDomainImportsNoGoogleGrpcJettyOrJdbcType() {
    Rules.domainImportsNoInfrastructure(CORE).check(production);
  }

  @Test
  void theDomainHasNoPackageCycle() {
    Rules.domainPackagesHaveNoCycles(CORE).check(production);
  }

  @Test
  void noDeployableImplementsAPortOfTheDomain() {
    Rules.deployablesImplementNoPort(PORTS, DEPLOYABLES).check(production);
  }

  @Test
  void noDeployableCatchesOrInspectsAGoogleClientError() {
    Rules.deployablesSeeNoClientErrors(DEPLOYABLES).check(production);
  }

  @Test
  void productionCodeReadsTheEnvironmentOnlyInConfigClassesMainsAndEnv() {
    String[] everything = {"dev.darkroom.core", "dev.darkroom.gcp", DEPLOYABLES[0], DEPLOYABLES[1], DEPLOYABLES[2]};
    Rules.environmentReadOnlyByConfiguration(ENV, everything).check(production);
  }

  /**
   * An entry class (a Cloud Function, or a deployable's {@code main}) parses, calls one use case and
   * maps the result: at most 60 lines, every line of its file counted.
   */
  @Test
  void everyEntryClassIsAtMost60Lines() throws IOException {
    List<JavaClass> entries = entryClasses();
    assertThat(entries).extracting(JavaClass::getSimpleName)
        .as("the Cloud Functions and mains found (a sanity check that the scan sees them)")
        .contains("ApiFunction", "DispatchFunction", "JobEventsFunction", "NotifyFunction", "ReconcileFunction",
            "DeadLettersFunction", "ThumbnailsFunction", "RealtimeGatewayMain", "RunnerMain");
    Map<String, Long> tooLong = new TreeMap<>();
    for (JavaClass entry : entries) {
      long lines = linesOf(entry);
      if (lines > MAX_ENTRY_CLASS_LINES) {
        tooLong.put(entry.getName(), lines);
      }
    }
    assertThat(tooLong).as("entry classes over %d lines", MAX_ENTRY_CLASS_LINES).isEmpty();
  }

  /** Classes a platform starts: Functions Framework functions, and deployables' public static mains. */
  static List<JavaClass> entryClasses() {
    List<JavaClass> entries = new ArrayList<>();
    for (JavaClass type : production) {
      boolean inDeployable = java.util.Arrays.stream(DEPLOYABLES).anyMatch(p -> type.getPackageName().startsWith(p));
      boolean function = type.isAssignableTo("com.google.cloud.functions.HttpFunction")
          || type.isAssignableTo("com.google.cloud.functions.CloudEventsFunction");
      boolean main = type.getMethods().stream().anyMatch(m -> m.getName().equals("main")
          && m.getModifiers().contains(JavaModifier.STATIC) && m.getModifiers().contains(JavaModifier.PUBLIC));
      if (inDeployable && !type.isInterface() && (function || main)) {
        entries.add(type);
      }
    }
    return entries;
  }

  private static long linesOf(JavaClass type) throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent().getParent();
    String relative = "src/main/java/" + type.getPackageName().replace('.', '/') + "/" + type.getSimpleName() + ".java";
    for (String sources : DEPLOYABLE_SOURCES) {
      try (var modules = Files.walk(root.resolve(sources), 2)) {
        for (Path module : modules.filter(Files::isDirectory).toList()) {
          Path file = module.resolve(relative);
          if (Files.isRegularFile(file)) {
            try (var lines = Files.lines(file)) {
              return lines.count();
            }
          }
        }
      }
    }
    throw new IllegalStateException("no source file for " + type.getName() + " under " + DEPLOYABLE_SOURCES);
  }
}
