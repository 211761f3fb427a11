package dev.clave.policy;

import dev.clave.policy.decision.AttestationDecision;
import dev.clave.policy.decision.AttestationRules;
import dev.clave.policy.decision.Decision;
import dev.clave.policy.decision.Evidence;
import dev.clave.policy.secrets.HostArguments;
import dev.clave.policy.secrets.Placeholders;
import dev.clave.policy.secrets.SecretException;
import dev.clave.policy.secrets.SecretValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What CAS does when a service starts: decide from the verified evidence whether the service may run, and
 * if so compute its runtime configuration — argument vector, environment, working directory and injected
 * files — with the session's secrets substituted. Nothing about the configuration is computed for a denied
 * service, so a denial never touches a secret.
 */
public final class ServiceEvaluation {
  private ServiceEvaluation() {}

  /**
   * How the service was invoked on its host: {@code argv[0]} is the program; {@code @@N} takes
   * {@code argv[N]}, {@code @@NAME} environment keys take the host's {@code NAME}.
   */
  public record Host(List<String> argv, Map<String, String> environment) {
    public static final Host NONE = new Host(List.of(), Map.of());

    public Host {
      argv = List.copyOf(argv);
      environment = Map.copyOf(environment);
    }
  }

  /**
   * A file the runtime places into the service's in-memory file system: {@code content} with placeholders
   * substituted, or, when {@code fromFileSystem}, the file at {@code path} with its placeholders substituted
   * by the runtime.
   */
  public record InjectedFile(String path, byte[] content, boolean fromFileSystem, int permission) {
    public InjectedFile {
      content = content == null ? null : content.clone();
    }

    @Override
    public byte[] content() {
      return content == null ? null : content.clone();
    }

    @Override
    public String toString() {
      return "InjectedFile[" + path + ", " + (fromFileSystem ? "from the file system" : content.length + " bytes")
          + ", 0o" + Integer.toOctalString(permission) + "]";
    }
  }

  /** The configuration an allowed service receives. Holds secrets: toString shows only names. */
  public record RuntimeConfig(List<String> argv, Map<String, String> environment, String pwd, List<InjectedFile> files) {
    public RuntimeConfig {
      argv = List.copyOf(argv);
      environment = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(environment));
      files = List.copyOf(files);
    }

    @Override
    public String toString() {
      return "RuntimeConfig[" + argv.size() + " args, env " + environment.keySet() + ", pwd " + pwd + ", "
          + files.size() + " files]";
    }
  }

  /** The decision, and the configuration when it allows (null when it denies). */
  public record Result(Decision decision, RuntimeConfig config) {
    public boolean allowed() {
      return decision.allowed();
    }
  }

  /**
   * Decides and, when allowed, configures service {@code serviceName} of {@code session}.
   *
   * @param secrets the session's secret values (generated once per session by CAS)
   * @throws EvaluationException when there is no such service, a host argument is missing, or a
   *     placeholder's value does not fit where it is used
   */
  public static Result evaluate(
      Session session, String serviceName, Evidence evidence, Map<String, SecretValue> secrets, Host host)
      throws EvaluationException {
    Objects.requireNonNull(evidence, "evidence");
    Service service = service(session, serviceName);
    AttestationRules rules = ServiceRules.of(session, service, text -> text(service, text, secrets));
    Decision decision = AttestationDecision.decide(rules, evidence);
    if (!decision.allowed()) {
      return new Result(decision, null);
    }
    return new Result(decision, configure(session, service, secrets, host));
  }

  /** The runtime configuration of a service, without a decision (for dry runs that already decided). */
  public static RuntimeConfig configure(Session session, Service service, Map<String, SecretValue> secrets, Host host)
      throws EvaluationException {
    String where = "service " + service.name();
    try {
      List<String> argv = HostArguments.argv(service.command(), host.argv(), secrets);
      Map<String, String> env = new LinkedHashMap<>(service.environment());
      for (String name : service.hostEnvironment()) {
        env.put("@@" + name, "");
      }
      Map<String, String> environment = HostArguments.environment(env, host.environment(), secrets);
      List<InjectedFile> files = new ArrayList<>();
      Image image = service.imageName() == null ? null : session.image(service.imageName());
      if (image != null) {
        for (Image.InjectionFile f : image.injectionFiles()) {
          if (f.content() == null) {
            files.add(new InjectedFile(f.path(), null, true, f.permission()));
          } else {
            try {
              byte[] content = Placeholders.substitute(f.content(), secrets, Placeholders.Context.FILE);
              files.add(new InjectedFile(f.path(), content, false, f.permission()));
            } catch (SecretException e) {
              throw new SecretException("injection file " + f.path() + ": " + e.getMessage());
            }
          }
        }
      }
      return new RuntimeConfig(argv, environment, service.pwd(), files);
    } catch (SecretException e) {
      throw new EvaluationException(where + ": " + e.getMessage());
    }
  }

  private static Service service(Session session, String name) throws EvaluationException {
    Service s = session.service(name);
    if (s == null) {
      List<String> names = session.services().stream().map(Service::name).toList();
      throw new EvaluationException("session " + session.name() + " has no service `" + name + "`"
          + (names.isEmpty() ? "; it has no services" : "; its services: " + String.join(", ", names)));
    }
    return s;
  }

  private static String text(Service service, String text, Map<String, SecretValue> secrets) throws EvaluationException {
    try {
      return Placeholders.substituteText(text, secrets);
    } catch (SecretException e) {
      throw new EvaluationException("service " + service.name() + ": " + e.getMessage());
    }
  }
}
