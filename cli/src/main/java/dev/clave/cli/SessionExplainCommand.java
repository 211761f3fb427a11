package dev.clave.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.clave.policy.DryRun;
import dev.clave.policy.EvaluationException;
import dev.clave.policy.PolicyException;
import dev.clave.policy.PolicyParser;
import dev.clave.policy.PolicyProblem;
import dev.clave.policy.Service;
import dev.clave.policy.ServiceEvaluation;
import dev.clave.policy.Session;
import dev.clave.policy.decision.Evidence;
import dev.clave.policy.decision.InvalidEvidenceException;
import dev.clave.policy.secrets.SecretValue;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code clave session explain FILE --service NAME --evidence EVIDENCE.json}: a dry run of what CAS would
 * decide for that service with that evidence, and on allow the configuration it would deliver. Secret
 * values are generated for this run only and masked (placeholders shown) unless {@code --show-secrets}.
 * Exit 0 allowed, 1 denied, 2 when the policy, the evidence or an argument is wrong.
 */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = "Dry-run the attestation decision for a service and show the configuration it would get.")
final class SessionExplainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "the policy (YAML)")
  Path file;

  @Mixin TemplateOptions template;

  @Option(names = "--service", required = true, paramLabel = "NAME", description = "the service to start")
  String service;

  @Option(names = "--evidence", required = true, paramLabel = "EVIDENCE.json",
      description = "verified evidence: the output of `clave quote verify --json`, or a file with the same fields")
  Path evidenceFile;

  @Option(names = "--host-arg", paramLabel = "VALUE",
      description = "a host argument, repeatable: the first is @@1 (argv[0] is the program)")
  List<String> hostArgs = new ArrayList<>();

  @Option(names = "--host-env", paramLabel = "NAME=VALUE", description = "a host environment variable for @@NAME keys, repeatable")
  Map<String, String> hostEnv = new LinkedHashMap<>();

  @Option(names = "--show-secrets", description = "print secret values (generated for this dry run) instead of placeholders")
  boolean showSecrets;

  @Option(names = "--json", description = "print one JSON object instead of text")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String text = template.render(file, err);
    Session session;
    try {
      session = PolicyParser.parse(text, file.toString());
    } catch (PolicyException e) {
      for (PolicyProblem p : e.problems()) {
        err.println(p);
      }
      throw new Errors.UserError(file + " is not a valid policy (" + e.problems().size() + " problems); see `clave session check`");
    }
    Evidence evidence;
    try {
      evidence = Evidence.fromJson(Inputs.read(evidenceFile, "evidence file"));
    } catch (InvalidEvidenceException e) {
      throw new Errors.UserError("evidence file " + evidenceFile + ": " + e.getMessage());
    }
    List<String> argv = new ArrayList<>();
    if (!hostArgs.isEmpty()) {
      argv.add("<program>");
      argv.addAll(hostArgs);
    }
    ServiceEvaluation.Host host = new ServiceEvaluation.Host(argv, hostEnv);
    ServiceEvaluation.Result result;
    ServiceEvaluation.RuntimeConfig shown = null;
    try {
      Map<String, SecretValue> secrets = DryRun.secrets(session, Instant.now(), new SecureRandom());
      Service svc = session.service(service);
      if (svc != null && !showSecrets) {
        shown = DryRun.masked(session, svc, host);
      }
      result = ServiceEvaluation.evaluate(session, service, evidence, secrets, showSecrets ? host : hostOrTemplate(svc, host));
      if (showSecrets) {
        shown = result.config();
      }
    } catch (EvaluationException e) {
      throw new Errors.UserError(e.getMessage());
    }
    if (!result.allowed()) {
      shown = null;
    }
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("session", session.name());
      m.put("hash", session.hash());
      m.put("service", service);
      m.put("allowed", result.allowed());
      m.put("decision", result.decision().toJsonMap());
      m.put("config", shown == null ? null : configJson(shown));
      m.put("secretsShown", showSecrets);
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
    } else {
      out.println("session " + session.name() + " (hash " + session.hash() + "), service " + service);
      out.println(result.decision().toText());
      if (shown != null) {
        printConfig(out, shown);
        out.println(showSecrets
            ? "(secret values were generated for this dry run; CAS generates its own once per session)"
            : "(secret values masked: placeholders show where they go; --show-secrets prints dry-run values)");
      }
    }
    return result.allowed() ? 0 : 1;
  }

  /** Without --show-secrets the real configuration is only computed to catch errors; missing @@N are allowed then. */
  private static ServiceEvaluation.Host hostOrTemplate(Service svc, ServiceEvaluation.Host host) {
    if (svc == null || !host.argv().isEmpty()) {
      return host;
    }
    // Stand-in host arguments so that @@N resolves; the masked view shows the template instead.
    List<String> argv = new ArrayList<>();
    argv.add("<program>");
    for (int i = 1; i <= 4096 && argv.size() <= maxPosition(svc); i++) {
      argv.add("@@" + i);
    }
    return new ServiceEvaluation.Host(argv, host.environment());
  }

  private static int maxPosition(Service svc) {
    int max = 0;
    for (String a : svc.command()) {
      if (a.matches("@@[1-9][0-9]{0,3}")) {
        max = Math.max(max, Integer.parseInt(a.substring(2)));
      }
    }
    return max;
  }

  private static void printConfig(PrintWriter out, ServiceEvaluation.RuntimeConfig c) {
    out.println("command: " + String.join(" ", c.argv().stream().map(SessionExplainCommand::shellQuote).toList()));
    out.println("pwd: " + c.pwd());
    out.println("environment:" + (c.environment().isEmpty() ? " (none)" : ""));
    c.environment().forEach((k, v) -> out.println("  " + k + "=" + v));
    out.println("files:" + (c.files().isEmpty() ? " (none)" : ""));
    for (ServiceEvaluation.InjectedFile f : c.files()) {
      String mode = "0o" + Integer.toOctalString(f.permission());
      if (f.fromFileSystem()) {
        out.println("  " + f.path() + " (" + mode + ", read from the service's file system, placeholders substituted)");
        continue;
      }
      String textContent = utf8(f.content());
      if (textContent == null) {
        out.println("  " + f.path() + " (" + mode + ", " + f.content().length + " bytes of binary content)");
      } else {
        out.println("  " + f.path() + " (" + mode + ", " + f.content().length + " bytes):");
        textContent.lines().forEach(l -> out.println("    | " + l));
      }
    }
  }

  private static Map<String, Object> configJson(ServiceEvaluation.RuntimeConfig c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("argv", c.argv());
    m.put("environment", c.environment());
    m.put("pwd", c.pwd());
    List<Map<String, Object>> files = new ArrayList<>();
    for (ServiceEvaluation.InjectedFile f : c.files()) {
      Map<String, Object> fm = new LinkedHashMap<>();
      fm.put("path", f.path());
      fm.put("permission", "0o" + Integer.toOctalString(f.permission()));
      fm.put("fromFileSystem", f.fromFileSystem());
      if (!f.fromFileSystem()) {
        String t = utf8(f.content());
        fm.put("encoding", t != null ? "utf-8" : "base64");
        fm.put("content", t != null ? t : Base64.getEncoder().encodeToString(f.content()));
      }
      files.add(fm);
    }
    m.put("files", files);
    return m;
  }

  private static String utf8(byte[] b) {
    try {
      String s = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
      return s.indexOf('\0') >= 0 ? null : s;
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static String shellQuote(String s) {
    return !s.isEmpty() && s.matches("[A-Za-z0-9_@%+=:,./-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
