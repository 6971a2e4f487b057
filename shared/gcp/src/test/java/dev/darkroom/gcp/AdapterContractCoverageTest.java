package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.testing.ContractCoverage;
import org.junit.jupiter.api.Test;

/**
 * The real side of the contracts: every contract of shared/testing (and so every port with a fake)
 * runs here against a real adapter, on its emulator or a local real peer.
 */
class AdapterContractCoverageTest {
  private static final String HERE = AdapterContractCoverageTest.class.getPackageName();

  @Test
  void everyPortWithAFakeHasItsContractRunAgainstARealAdapter() {
    assertThat(ContractCoverage.portsWithAFake()).as("the ports with a fake found on the class path").isNotEmpty();
    assertThat(ContractCoverage.portsWithAFakeButNoContractRunIn(HERE)).isEmpty();
  }

  @Test
  void everyContractRunsAgainstARealAdapter() {
    assertThat(ContractCoverage.contractsNotRunIn(HERE)).isEmpty();
  }
}
