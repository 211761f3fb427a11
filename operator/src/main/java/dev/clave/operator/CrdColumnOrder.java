package dev.clave.operator;

import dev.clave.operator.cas.Cas;
import dev.clave.operator.las.Las;
import dev.clave.operator.policy.EncryptedPolicy;
import dev.clave.operator.policy.SignedPolicy;
import dev.clave.operator.sgxplugin.SgxPlugin;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A build step after fabric8's CRD generator, which sorts printer columns by JSON path (so {@code Age} came
 * first): puts them back in the order the resource class declares them, the original's order, because
 * scripts read {@code kubectl get} output by column position.
 *
 * <pre>java dev.clave.operator.CrdColumnOrder target/classes/META-INF/fabric8</pre>
 */
public final class CrdColumnOrder {
  static final List<Class<?>> KINDS = List.of(SgxPlugin.class, Las.class, Cas.class, SignedPolicy.class, EncryptedPolicy.class);

  private CrdColumnOrder() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: CrdColumnOrder DIR (the generator's output directory)");
    }
    Path dir = Path.of(args[0]);
    for (Class<?> kind : KINDS) {
      String name = kind.getAnnotation(Plural.class).value() + "." + kind.getAnnotation(Group.class).value();
      Path file = dir.resolve(name + "-v1.yml");
      CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class);
      List<String> order = new ArrayList<>();
      for (AdditionalPrinterColumn c : kind.getAnnotationsByType(AdditionalPrinterColumn.class)) {
        order.add(c.name());
      }
      for (CustomResourceDefinitionVersion v : crd.getSpec().getVersions()) {
        if (v.getAdditionalPrinterColumns() != null) {
          List<CustomResourceColumnDefinition> columns = new ArrayList<>(v.getAdditionalPrinterColumns());
          columns.sort(Comparator.comparingInt(c -> rank(order, c.getName())));
          v.setAdditionalPrinterColumns(columns);
        }
      }
      String yaml = Serialization.asYaml(crd);
      Files.writeString(file, yaml.startsWith("---\n") ? yaml.substring(4) : yaml); // one document per file, as generated
    }
  }

  private static int rank(List<String> order, String name) {
    int i = order.indexOf(name);
    return i < 0 ? Integer.MAX_VALUE : i;
  }
}
