package dev.darkroom.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering rules, each a function of the packages it is about, so that the same rule runs on
 * the real classes ({@link ArchitectureTest}) and on small classes written to break it
 * ({@link RulesBreakTest}).
 */
final class Rules {
  private Rules() {}

  /** The domain runs anywhere: no cloud client, RPC, web server or JDBC type reaches it. */
  static ArchRule domainImportsNoInfrastructure(String domainPackage) {
    return noClasses().that().resideInAPackage(domainPackage + "..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "com.google..", "io.grpc..", "org.eclipse.jetty..", "java.sql..", "javax.sql..")
        .because("the domain holds the rules; adapters in shared/gcp hold the technology");
  }

  /** Each package of the domain can be read without reading the ones that read it. */
  static ArchRule domainPackagesHaveNoCycles(String domainPackage) {
    return slices().matching(domainPackage + ".(*)..").should().beFreeOfCycles();
  }

  /**
   * The ports of the domain are implemented by adapters (shared/gcp) and fakes (shared/testing),
   * never by a deployable: a deployable turns its trigger into calls of the domain. Callback
   * interfaces nested in a port (a feed's listener) are the caller's side and may be implemented.
   */
  static ArchRule deployablesImplementNoPort(String portPackage, String... deployablePackages) {
    return noClasses().that().resideInAnyPackage(withSubpackages(deployablePackages))
        .should().implement(topLevelInterfaceIn(portPackage))
        .because("a port of the domain is implemented in shared/, not in a deployable");
  }

  /**
   * Errors of Google's clients (gax's ApiException, gRPC's Status) are translated into the
   * domain's exceptions by the adapters, so nothing above them catches or inspects one.
   */
  static ArchRule deployablesSeeNoClientErrors(String... deployablePackages) {
    return noClasses().that().resideInAnyPackage(withSubpackages(deployablePackages))
        .should().dependOnClassesThat().resideInAnyPackage("com.google.api.gax..", "io.grpc..")
        .because("adapters translate Google's errors into the domain's exceptions");
  }

  /**
   * The environment is read in one place per deployable: its configuration classes
   * ({@code *Config}), its {@code main}, and {@code Env} itself; wiring is given typed configuration.
   */
  static ArchRule environmentReadOnlyByConfiguration(String envClass, String... packages) {
    return noClasses().that().resideInAnyPackage(withSubpackages(packages))
        .and(DescribedPredicate.not(configurationMainOrEnv(envClass)))
        .should().callMethodWhere(readsTheEnvironment(envClass))
        .because("each deployable reads its configuration once, in its config class or main");
  }

  private static String[] withSubpackages(String... packages) {
    return java.util.Arrays.stream(packages).map(p -> p + "..").toArray(String[]::new);
  }

  private static DescribedPredicate<JavaClass> topLevelInterfaceIn(String portPackage) {
    return DescribedPredicate.describe("a top-level interface of " + portPackage,
        type -> type.isInterface() && !type.isNestedClass() && type.getPackageName().equals(portPackage));
  }

  /** A class whose outermost class is named {@code *Config} or {@code *Main}, or is the Env class. */
  static DescribedPredicate<JavaClass> configurationMainOrEnv(String envClass) {
    return DescribedPredicate.describe("a *Config, a *Main or " + envClass, type -> {
      JavaClass outermost = type;
      while (outermost.getEnclosingClass().isPresent()) {
        outermost = outermost.getEnclosingClass().get();
      }
      String name = outermost.getSimpleName();
      return name.endsWith("Config") || name.endsWith("Main") || outermost.getName().equals(envClass);
    });
  }

  /** {@code System.getenv} in either form, or any reader of the Env class (its constructor only wraps a map). */
  private static DescribedPredicate<JavaMethodCall> readsTheEnvironment(String envClass) {
    return DescribedPredicate.describe("reads the environment (System.getenv or " + envClass + ")", call -> {
      String owner = call.getTargetOwner().getName();
      return owner.equals("java.lang.System") && call.getName().equals("getenv") || owner.equals(envClass);
    });
  }
}
