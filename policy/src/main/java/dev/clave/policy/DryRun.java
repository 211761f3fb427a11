package dev.clave.policy;

import dev.clave.policy.secrets.HostArguments;
import dev.clave.policy.secrets.KeyType;
import dev.clave.policy.secrets.SecretException;
import dev.clave.policy.secrets.SecretGenerator;
import dev.clave.policy.secrets.SecretKind;
import dev.clave.policy.secrets.SecretSpec;
import dev.clave.policy.secrets.SecretValue;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code clave session explain} needs to show a decision and a configuration without a CAS: secret
 * values generated for this run only (imported secrets get stand-ins of their kind, since only CAS can
 * resolve imports), and a masked view of a configuration that shows where secrets go without their values.
 */
public final class DryRun {
  private DryRun() {}

  /**
   * Values for every secret of the session: explicit values as written, generated values fresh, imported
   * secrets replaced by generated stand-ins of the same kind.
   */
  public static Map<String, SecretValue> secrets(Session session, Instant now, SecureRandom random) throws EvaluationException {
    try {
      Map<String, SecretValue> imported = new LinkedHashMap<>();
      List<SecretSpec> standIns = new ArrayList<>();
      for (SecretSpec s : session.secrets()) {
        if (s.importFrom() != null && s.kind() != SecretKind.CONFIG_FRAGMENT) {
          standIns.addAll(standIn(s));
        }
      }
      if (!standIns.isEmpty()) {
        Map<String, SecretValue> generated = SecretGenerator.generate(standIns, SecretGenerator.Predecessor.NONE,
            Map.of(), now, random);
        for (SecretSpec s : session.secrets()) {
          if (generated.containsKey(s.name())) {
            imported.put(s.name(), generated.get(s.name()));
          }
        }
      }
      return SecretGenerator.generate(session.secrets(), SecretGenerator.Predecessor.NONE, imported, now, random);
    } catch (SecretException e) {
      throw new EvaluationException(e.getMessage());
    }
  }

  /** A generated secret of the imported secret's kind (with a private key for kinds that need one). */
  private static List<SecretSpec> standIn(SecretSpec s) {
    List<SecretSpec> out = new ArrayList<>();
    String key = null;
    if (s.kind() == SecretKind.PUBLIC_KEY || s.kind() == SecretKind.X509 || s.kind() == SecretKind.X509_CA) {
      key = s.name() + "~stand-in-key";
      out.add(new SecretSpec(key, SecretKind.PRIVATE_KEY, null, null, KeyType.P256, false, null, null, null, List.of(),
          null, null, List.of(), false, null));
    }
    out.add(new SecretSpec(s.name(), s.kind(), null, s.size(),
        s.kind() == SecretKind.PRIVATE_KEY ? KeyType.P256 : null, false, key, null, null, List.of(), null, null,
        List.of(), false, null));
    return out;
  }

  /**
   * The configuration with host arguments and host environment applied but every secret placeholder left
   * as written. Without host arguments, {@code @@N} stays as written too.
   */
  public static ServiceEvaluation.RuntimeConfig masked(Session session, Service service, ServiceEvaluation.Host host)
      throws EvaluationException {
    try {
      List<String> argv = host.argv().isEmpty() ? service.command() : HostArguments.expand(service.command(), host.argv());
      Map<String, String> env = new LinkedHashMap<>(service.environment());
      for (String name : service.hostEnvironment()) {
        env.put("@@" + name, "");
      }
      Map<String, String> environment = HostArguments.expandEnvironment(env, host.environment());
      List<ServiceEvaluation.InjectedFile> files = new ArrayList<>();
      Image image = service.imageName() == null ? null : session.image(service.imageName());
      if (image != null) {
        for (Image.InjectionFile f : image.injectionFiles()) {
          files.add(new ServiceEvaluation.InjectedFile(f.path(),
              f.content() == null ? null : f.content().getBytes(StandardCharsets.UTF_8), f.content() == null, f.permission()));
        }
      }
      return new ServiceEvaluation.RuntimeConfig(argv, environment, service.pwd(), files);
    } catch (SecretException e) {
      throw new EvaluationException("service " + service.name() + ": " + e.getMessage());
    }
  }
}
