package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FindOwnJobTest {
  private static final String ALICES = "2f1c8a4e-0b7d-4c1e-9a53-6d2e8f0b1c3a";

  private final UseCaseFixture f = new UseCaseFixture();
  private final FindOwnJob find = new FindOwnJob(f.jobs);

  @Test
  void theOwnerFindsTheJobAndAnyoneElseFindsNothing() {
    f.submit.submit(f.request("alice", ALICES));

    assertThat(find.find(ALICES, "alice")).hasValueSatisfying(job -> assertThat(job.id()).isEqualTo(ALICES));
    assertThat(find.find(ALICES, "bob")).isEmpty();
    assertThat(find.find("0c9e7d5a-3b1f-4e2d-8c6a-1f0e9d8c7b6a", "alice")).isEmpty();
  }

  @Test
  void anIdThatIsNoPromptIdNamesNoJob() {
    f.submit.submit(f.request("alice", "job-1"));

    assertThat(f.jobs.get("job-1")).isPresent();
    assertThat(find.find("job-1", "alice")).isEmpty();
    assertThat(find.find(ALICES.toUpperCase(), "alice")).isEmpty();
  }
}
