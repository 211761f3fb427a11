package dev.clave.operator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The CustomResourceDefinitions the build generated from the resource classes, as YAML for {@code kubectl apply}. */
public final class Crds {
  /** Every CRD's name, in the order they are best applied (the workloads before the policies that use them). */
  public static final List<String> NAMES = List.of("sgxplugins.base.clave.dev", "las.base.clave.dev",
      "cas.services.clave.dev", "signedpolicies.cas.clave.dev", "encryptedpolicies.cas.clave.dev");

  private Crds() {}

  /** All of them as one multi-document YAML stream. */
  public static String yaml() {
    StringBuilder b = new StringBuilder();
    for (String name : NAMES) {
      String path = "/META-INF/fabric8/" + name + "-v1.yml";
      try (InputStream in = Crds.class.getResourceAsStream(path)) {
        if (in == null) {
          throw new IllegalStateException("the operator jar lacks " + path + " (built without the CRD generator?)");
        }
        b.append("---\n").append(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip()).append('\n');
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return b.toString();
  }
}
