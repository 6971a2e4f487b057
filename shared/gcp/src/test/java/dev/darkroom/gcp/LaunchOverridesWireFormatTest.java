package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.util.JsonFormat;
import dev.darkroom.core.port.GpuPool;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The runJob overrides dispatch sends to the runner image, in Cloud Run's own JSON for them: the
 * runner of a separately deployed image reads these variables, so their names and value formats
 * are pinned.
 */
class LaunchOverridesWireFormatTest {
  @Test
  void theOverridesAreExactlyTheGoldenV1() throws Exception {
    String overrides = JsonFormat.printer().print(CloudRunJobLauncher.overrides(
        List.of("job-1", "job-2", "job-3"), new GpuPool.Lease("slot-3", "5b0e2c1a-holder")));
    assertThat(new ObjectMapper().readTree(overrides)).isEqualTo(FirestoreDocumentJson.golden("v1", "launch-overrides"));
  }
}
