package dev.clave.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clave.cas.client.ClientIdentity;
import dev.clave.operator.OperatorConfig;
import dev.clave.operator.cas.Cas;
import dev.clave.policy.protect.KeyHash;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Where a policy's CAS key hash comes from: the resource, the operator's table, or the CAS resource's status. */
@EnableKubernetesMockClient(crud = true)
class CasKeyHashesTest {
  static KubernetesClient client;

  private final KeyHash inResource = ClientIdentity.generate().keyHash();
  private final KeyHash inTable = ClientIdentity.generate().keyHash();
  private final KeyHash inStatus = ClientIdentity.generate().keyHash();
  private OperatorConfig config;

  @BeforeEach
  void setUp() {
    config = OperatorConfig.defaults().withCasKeyHashes(Map.of("https://cas.example:8081", inTable));
    Cas cas = new Cas();
    cas.setMetadata(new ObjectMetaBuilder().withName("edge").withNamespace("shop").build());
    client.resources(Cas.class).inNamespace("shop").resource(cas).createOr(r -> r.update());
    client.resources(Cas.class).inNamespace("shop").withName("edge").editStatus(c -> {
      c.getStatus().setKeyHash(inStatus.toString());
      return c;
    });
  }

  private Optional<KeyHash> resolve(String address, String keyHash, String namespace) {
    SignedPolicySpec spec = new SignedPolicySpec();
    spec.setCasAddress(address);
    spec.setCasKeyHash(keyHash);
    return CasKeyHashes.resolve(spec, namespace, config, client);
  }

  @Test
  void theResourcesOwnKeyHashComesFirstThenTheTableThenTheCasResource() {
    assertThat(resolve("https://cas.example:8081", inResource.toString(), "shop")).contains(inResource);
    assertThat(resolve("https://cas.example:8081", null, "shop")).contains(inTable);
    assertThat(resolve("edge", null, "shop")).contains(inStatus);
    assertThat(resolve("https://edge:8081", null, "shop")).contains(inStatus);
    assertThat(resolve("edge.shop:8081", null, "elsewhere")).contains(inStatus);
    assertThat(resolve("https://edge.shop.svc.cluster.local:8081", null, "elsewhere")).contains(inStatus);
  }

  @Test
  void nothingElseNamesAKey() {
    assertThat(resolve("edge", null, "elsewhere")).as("another namespace's CAS of that name").isEmpty();
    assertThat(resolve("edge.shop.example.com", null, "shop")).as("not a Service name").isEmpty();
    assertThat(resolve("10.0.0.7:8081", null, "shop")).isEmpty();
    assertThatThrownBy(() -> resolve("edge", "not-a-key-hash", "shop")).hasMessageContaining("key hash");
  }
}
