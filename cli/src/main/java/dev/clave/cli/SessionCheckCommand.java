package dev.clave.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.clave.policy.PolicyException;
import dev.clave.policy.PolicyParser;
import dev.clave.policy.PolicyProblem;
import dev.clave.policy.Service;
import dev.clave.policy.Session;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code clave session check FILE}: validates a policy. Exit 0 with its name and session hash; exit 1 with
 * every problem as {@code file:line:column: message}; exit 2 when the file cannot be read.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = "Validate a session policy and print its name and session hash.")
final class SessionCheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "the policy (YAML, SCONE session language 0.3)")
  Path file;

  @Mixin TemplateOptions template;

  @Option(names = "--json", description = "print one JSON object instead of text")
  boolean json;

  @Override
  public Integer call() throws Exception {
    String text = template.render(file, spec.commandLine().getErr());
    Session session;
    try {
      session = PolicyParser.parse(text, file.toString());
    } catch (PolicyException e) {
      if (json) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("valid", false);
        out.put("problems", e.problems().stream().map(SessionCheckCommand::problem).toList());
        print(out);
      } else {
        for (PolicyProblem p : e.problems()) {
          spec.commandLine().getErr().println(p);
        }
        spec.commandLine().getErr().println("clave: " + file + ": " + e.problems().size()
            + (e.problems().size() == 1 ? " problem" : " problems"));
      }
      return 1;
    }
    if (json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("valid", true);
      out.put("name", session.name());
      out.put("hash", session.hash());
      out.put("version", session.version());
      out.put("predecessor", session.predecessor());
      out.put("services", session.services().stream().map(Service::name).toList());
      out.put("secrets", session.secrets().stream().map(s -> s.name()).toList());
      print(out);
    } else {
      var w = spec.commandLine().getOut();
      w.println("name: " + session.name());
      w.println("hash: " + session.hash());
      w.println("services: " + String.join(", ", session.services().stream().map(Service::name).toList()));
    }
    return 0;
  }

  private static Map<String, Object> problem(PolicyProblem p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", p.file());
    m.put("line", p.line());
    m.put("column", p.column());
    m.put("message", p.message());
    return m;
  }

  private void print(Map<String, Object> out) throws Exception {
    spec.commandLine().getOut().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out));
  }

}
