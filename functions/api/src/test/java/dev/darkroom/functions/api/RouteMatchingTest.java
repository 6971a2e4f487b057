package dev.darkroom.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.functions.api.http.Route;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.RecordingJobQueue;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link Route#matches} compares a template segment by segment in place; the rule it keeps is the
 * plain one written here with {@code split}: the same segments, a {@code {name}} segment taking
 * any one non-empty segment, a path ending in {@code /} taking any longer path under it.
 */
class RouteMatchingTest {
  private static final Route.Handler NOTHING = call -> {};

  @Test
  void templatesTakeOneNonEmptySegmentPerNameAndNothingMore() {
    Route one = new Route("GET", "/api/v2/jobs/{id}", NOTHING);
    Route two = new Route("GET", "/models/{folder}/{name}/meta", NOTHING);

    assertThat(one.matches("/api/v2/jobs/abc")).isTrue();
    assertThat(one.matches("/api/v2/jobs/")).as("an empty segment").isFalse();
    assertThat(one.matches("/api/v2/jobs")).isFalse();
    assertThat(one.matches("/api/v2/jobs/abc/")).isFalse();
    assertThat(one.matches("/api/v2/jobs/abc/events")).isFalse();
    assertThat(one.matches("/api/v2/job/abc")).isFalse();
    assertThat(one.matches("/api/v2/jobsx/abc")).isFalse();
    assertThat(two.matches("/models/loras/a.safetensors/meta")).isTrue();
    assertThat(two.matches("/models/loras//meta")).isFalse();
    assertThat(two.matches("/models/loras/a.safetensors/metax")).isFalse();
    assertThat(two.matches("models/loras/a/meta")).isFalse();
  }

  @Test
  void exactPathsAndPrefixesAreAsBefore() {
    Route exact = new Route("GET", "/prompt", NOTHING);
    Route prefix = new Route("GET", "/history/", NOTHING);

    assertThat(exact.matches("/prompt")).isTrue();
    assertThat(exact.matches("/prompt/")).isFalse();
    assertThat(exact.matches("/prompts")).isFalse();
    assertThat(prefix.matches("/history/x")).isTrue();
    assertThat(prefix.matches("/history/x/y")).isTrue();
    assertThat(prefix.matches("/history/")).isFalse();
    assertThat(prefix.matches("/history")).isFalse();
  }

  /** Every route of the real table against paths made from every template, and their near misses. */
  @Test
  void everyRouteOfTheTableMatchesWhatTheSplitRuleMatches() {
    List<Route> table = ApiFixture.api(new InMemoryJobStore(), new RecordingJobQueue(), new InMemoryOutputStore(),
        new InMemoryLedger(), null, ApiFixture.as(() -> "alice")).routes();
    Set<String> paths = new LinkedHashSet<>(List.of("", "/", "//", "/x", "/x/", "x"));
    for (Route route : table) {
      String filled = route.path().replaceAll("\\{[^}]+}", "v");
      for (String path : List.of(filled, route.path())) {
        paths.addAll(List.of(path, path + "x", path + "/", path + "/x", path + "//", path.replace("/v", "/"),
            path.replace("/v", "//"), path.length() > 1 ? path.substring(0, path.length() - 1) : path));
      }
    }
    List<String> disagreements = new ArrayList<>();
    int matched = 0;
    for (Route route : table) {
      for (String path : paths) {
        boolean expected = bySplitting(route.path(), path);
        matched += expected ? 1 : 0;
        if (route.matches(path) != expected) {
          disagreements.add(route.path() + " vs " + path + ": expected " + expected);
        }
      }
    }
    assertThat(table).hasSizeGreaterThan(50);
    assertThat(matched).as("pairs that match, so both outcomes were tried").isGreaterThan(table.size());
    assertThat(disagreements).isEmpty();
  }

  private static boolean bySplitting(String template, String requested) {
    if (template.contains("{")) {
      String[] want = template.split("/", -1);
      String[] got = requested.split("/", -1);
      if (want.length != got.length) {
        return false;
      }
      for (int i = 0; i < want.length; i++) {
        boolean any = want[i].startsWith("{") && want[i].endsWith("}");
        if (any ? got[i].isEmpty() : !want[i].equals(got[i])) {
          return false;
        }
      }
      return true;
    }
    return template.endsWith("/")
        ? requested.startsWith(template) && requested.length() > template.length()
        : requested.equals(template);
  }
}
