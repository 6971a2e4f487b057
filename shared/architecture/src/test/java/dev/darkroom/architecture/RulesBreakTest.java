package dev.darkroom.architecture;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/** Each rule fails on classes written to break it, and names the class and what it did. */
class RulesBreakTest {
  private static final String FIXTURES = "dev.darkroom.architecture.fixtures";
  private static final JavaClasses FIXTURE_CLASSES = new ClassFileImporter().importPackages(FIXTURES);

  @Test
  void aJdbcTypeInTheDomainFails() {
    assertThatThrownBy(() -> Rules.domainImportsNoInfrastructure(FIXTURES + ".domain").check(FIXTURE_CLASSES))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Field <" + FIXTURES + ".domain.b.UsesA.connection> has type <java.sql.Connection>")
        .hasMessageContaining("(1 times)");
  }

  @Test
  void aPackageCycleInTheDomainFails() {
    assertThatThrownBy(() -> Rules.domainPackagesHaveNoCycles(FIXTURES + ".domain").check(FIXTURE_CLASSES))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Cycle detected: Slice a")
        .hasMessageContaining("Field <" + FIXTURES + ".domain.a.UsesB.other> has type <" + FIXTURES + ".domain.b.UsesA>")
        .hasMessageContaining("Field <" + FIXTURES + ".domain.b.UsesA.other> has type <" + FIXTURES + ".domain.a.UsesB>");
  }

  @Test
  void aDeployableImplementingAPortFailsAndOneImplementingItsNestedCallbackDoesNot() {
    assertThatThrownBy(() -> Rules.deployablesImplementNoPort(FIXTURES + ".port", FIXTURES + ".deployable")
        .check(FIXTURE_CLASSES))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Class <" + FIXTURES + ".deployable.StoreInTheDeployable> does implement a top-level"
            + " interface of " + FIXTURES + ".port")
        .hasMessageContaining("(1 times)")
        .hasMessageNotContaining("ListenerInTheDeployable");
  }

  @Test
  void aDeployableCatchingAGoogleClientErrorFails() {
    assertThatThrownBy(() -> Rules.deployablesSeeNoClientErrors(FIXTURES + ".deployable").check(FIXTURE_CLASSES))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(FIXTURES + ".deployable.StoreInTheDeployable")
        .hasMessageContaining("com.google.api.gax.rpc.ApiException");
  }

  @Test
  void readingTheEnvironmentOutsideConfigClassesFailsAndWrappingAMapDoesNot() {
    String env = FIXTURES + ".env.Environment";
    assertThatThrownBy(() -> Rules.environmentReadOnlyByConfiguration(env, FIXTURES + ".env").check(FIXTURE_CLASSES))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Method <" + FIXTURES + ".env.WorkerWiring.topic(" + env + ")> calls method <"
            + env + ".require(java.lang.String)>")
        .hasMessageContaining("Method <" + FIXTURES + ".env.WorkerWiring.home()> calls method <java.lang.System.getenv(java.lang.String)>")
        .hasMessageContaining("(2 times)")
        .hasMessageNotContaining("WorkerConfig")
        .hasMessageNotContaining("wrap()");
  }

  @Test
  void theRulesPassWhereNothingBreaksThem() {
    assertThatCode(() -> Rules.deployablesImplementNoPort(FIXTURES + ".port", FIXTURES + ".env").check(FIXTURE_CLASSES))
        .doesNotThrowAnyException();
    assertThatCode(() -> Rules.domainImportsNoInfrastructure(FIXTURES + ".domain.a").check(FIXTURE_CLASSES))
        .doesNotThrowAnyException();
  }
}
