package dev.clave.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The CRDs the build generates: the original's kinds, scopes, short names and printer columns, in Clave's groups. */
class GeneratedCrdTest {
  private static CustomResourceDefinition crd(String name) throws Exception {
    try (InputStream in = GeneratedCrdTest.class.getResourceAsStream("/META-INF/fabric8/" + name + "-v1.yml")) {
      assertThat(in).as(name + " was generated").isNotNull();
      return Serialization.unmarshal(in, CustomResourceDefinition.class);
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "sgxplugins.base.clave.dev|SGXPlugin|Cluster|sgx|Status,Serving,Selected,Ready,Age",
    "las.base.clave.dev|LAS|Cluster|las|Status,Available,Desired,Version,Age,Nodes",
    "cas.services.clave.dev|CAS|Namespaced||Status,Phase,Provisioned,Attestable,Snapshots,Migration,Version,Age",
    "signedpolicies.cas.clave.dev|SignedPolicy|Namespaced|spol|State,Hash,Age",
    "encryptedpolicies.cas.clave.dev|EncryptedPolicy|Namespaced|epol|State,Age"
  })
  void eachKindIsTheOriginalsInClavesGroup(String name, String kind, String scope, String shortName, String columns)
      throws Exception {
    CustomResourceDefinition crd = crd(name);
    assertThat(crd.getSpec().getNames().getKind()).isEqualTo(kind);
    assertThat(crd.getSpec().getScope()).isEqualTo(scope);
    assertThat(crd.getSpec().getNames().getShortNames()).isEqualTo(shortName == null ? List.of() : List.of(shortName));
    assertThat(crd.getSpec().getVersions()).singleElement().satisfies(v -> {
      assertThat(v.getName()).isEqualTo("v1beta1");
      assertThat(v.getSubresources().getStatus()).as("status subresource").isNotNull();
      assertThat(v.getAdditionalPrinterColumns()).extracting(CustomResourceColumnDefinition::getName)
          .containsExactly(columns.split(",")); // in the original's order: scripts read columns by position
    });
  }

  @ParameterizedTest
  @CsvSource({"signedpolicies.cas.clave.dev", "encryptedpolicies.cas.clave.dev"})
  void policiesAreImmutableAndNeedTheirFields(String name) throws Exception {
    var spec = crd(name).getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec");
    assertThat(spec.getRequired()).contains("casAddress", "policy");
    assertThat(spec.getXKubernetesValidations()).singleElement()
        .satisfies(r -> assertThat(r.getRule()).isEqualTo("self == oldSelf"));
  }

  @org.junit.jupiter.api.Test
  void snapshotIntervalsAreDurationsLikeTheOriginals() throws Exception {
    var snapshots = crd("cas.services.clave.dev").getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema()
        .getProperties().get("spec").getProperties().get("databaseSnapshots");
    assertThat(snapshots.getProperties()).containsKeys("enabled", "interval", "targetDirectory", "persistence");
    assertThat(snapshots.getProperties().get("persistence").getProperties()).containsKeys("enabled", "storageClass", "size");
    java.util.regex.Pattern interval = java.util.regex.Pattern.compile(snapshots.getProperties().get("interval").getPattern());
    assertThat(List.of("60s", "5m", "24h0m0s", "1h", "2h30m", "90m15s")).allMatch(i -> interval.matcher(i).matches());
    assertThat(List.of("", "60", "1d", "s", "5m60", "1.5h", "60 s")).noneMatch(i -> interval.matcher(i).matches());
  }
}
