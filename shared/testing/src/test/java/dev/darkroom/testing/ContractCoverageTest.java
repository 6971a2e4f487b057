package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The fake side of the contracts: every port that has a fake here has a contract, and every
 * contract runs against a fake in this module (shared/gcp's AdapterContractCoverageTest checks
 * the real side).
 */
class ContractCoverageTest {
  @Test
  void everyPortWithAFakeHasAContractRunAgainstAFake() {
    assertThat(ContractCoverage.fakes()).as("the fakes found on the class path").isNotEmpty();
    assertThat(ContractCoverage.portsWithAFakeButNoContractRunIn(ContractCoverage.FAKES)).isEmpty();
  }

  @Test
  void everyContractRunsAgainstAFake() {
    assertThat(ContractCoverage.contracts()).as("the contracts found on the class path").isNotEmpty();
    assertThat(ContractCoverage.contractsNotRunIn(ContractCoverage.FAKES)).isEmpty();
  }

  @Test
  void everyContractSpeaksForAPort() {
    assertThat(ContractCoverage.contracts()).allSatisfy((contract, ports) ->
        assertThat(ports).as(contract + ": name it XContract for port X, or say its ports with @ContractOf").isNotEmpty());
  }
}
