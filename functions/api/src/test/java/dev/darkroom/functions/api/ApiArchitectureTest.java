package dev.darkroom.functions.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.functions.api.http.RouteGroup;
import org.junit.jupiter.api.Test;

/**
 * The api function as a small web layer: {@code http} (routing, requests, replies) knows no route,
 * {@code views} no route, route groups neither each other nor the router; nothing here implements a
 * core port or touches a Google client library's errors (those two, for every deployable, are in
 * shared/architecture).
 */
class ApiArchitectureTest {
  private static final JavaClasses API = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.darkroom.functions.api");

  @Test
  void theLayersDependOneWayOnly() {
    slices().matching("dev.darkroom.functions.api.(*)..").should().beFreeOfCycles().check(API);
    noClasses().that().resideInAPackage("..api.http..")
        .should().dependOnClassesThat().resideInAnyPackage("..api.routes..", "..api.views..").check(API);
    noClasses().that().resideInAPackage("..api.views..")
        .should().dependOnClassesThat().resideInAPackage("..api.routes..").check(API);
  }

  @Test
  void routeGroupsReachNeitherEachOtherNorTheRouter() {
    noClasses().that().resideInAPackage("..api.routes..")
        .should().dependOnClassesThat().belongToAnyOf(ComfyApi.class).check(API);
    classes().that().implement(RouteGroup.class).should(new ArchCondition<JavaClass>("use no other route group") {
      @Override
      public void check(JavaClass group, ConditionEvents events) {
        group.getDirectDependenciesFromSelf().stream()
            .map(dependency -> dependency.getTargetClass())
            .filter(target -> !target.equals(group) && target.isAssignableTo(RouteGroup.class)
                && !target.getName().equals(RouteGroup.class.getName()))
            .forEach(target -> events.add(SimpleConditionEvent.violated(group,
                group.getSimpleName() + " uses the route group " + target.getSimpleName())));
      }
    }).check(API);
  }
}
