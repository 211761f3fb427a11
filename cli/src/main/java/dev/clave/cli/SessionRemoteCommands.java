package dev.clave.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clave.cas.client.CasClient;
import dev.clave.policy.PolicyParser;
import dev.clave.policy.protect.KeyHash;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Sessions on a CAS: {@code clave session create | update | read | delete | list}, against {@code --cas ADDR}
 * or the CLI config's default CAS, with the CLI identity. {@code create} and {@code update} print the
 * session hash alone on stdout, so {@code PREDECESSOR=$(clave session create s.yaml)} works as with the
 * original. Exit 0 done, 1 refused by the CAS (its reason on stderr), 2 for input or connection errors.
 */
final class SessionRemoteCommands {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PREDECESSOR = Pattern.compile("(?m)^predecessor:.*$");

  private SessionRemoteCommands() {}

  /** {@code --cas ADDR}: which CAS. */
  static final class CasOption {
    @Option(names = "--cas", paramLabel = "ADDR", description = "the CAS (default: the CLI config's default CAS)")
    String address;

    CasClient connect() {
      CliConfig config = CliConfig.loadOrCreate(CliConfig.location(System.getenv()));
      String addr = address != null ? address : config.defaultCas().orElseThrow(
          () -> new Errors.UserError("no CAS given and the CLI config has no default CAS: use --cas ADDR"));
      KeyHash pin = config.keyHash(addr).orElseThrow(() -> new Errors.UserError(
          "the CLI config does not know the CAS " + addr + " (provision it, or add it with its key hash)"));
      return CasClient.connect(addr, pin, config.identity());
    }
  }

  static HttpResponse<String> request(CasClient cas, String method, String path, String body) throws InterruptedException {
    try {
      return switch (method) {
        case "GET" -> cas.get(path);
        case "DELETE" -> cas.delete(path);
        default -> cas.post(path, "application/yaml", body);
      };
    } catch (IOException e) {
      throw new Errors.UserError("cannot reach the CAS at " + cas.base() + ": " + e.getMessage());
    }
  }

  /** Prints the CAS's refusal (with policy problems, if any) and returns 1. */
  static int refused(CommandSpec spec, String what, HttpResponse<String> res) {
    PrintWriter err = spec.commandLine().getErr();
    try {
      JsonNode n = JSON.readTree(res.body());
      for (JsonNode p : n.path("problems")) {
        err.println("policy:" + p.path("line").asInt() + ":" + p.path("column").asInt() + ": " + p.path("message").asText());
      }
      err.println("clave: " + what + " refused (" + res.statusCode() + "): " + n.path("error").asText(res.body()));
      if (n.hasNonNull("currentHash")) {
        err.println("clave: the session's current hash is " + n.get("currentHash").asText());
      }
    } catch (IOException e) {
      err.println("clave: " + what + " refused (" + res.statusCode() + "): " + res.body());
    }
    return 1;
  }

  /** POSTs a policy; prints the session hash alone (for {@code $(clave session create …)}) or the refusal. */
  static int upload(CommandSpec spec, CasClient client, String text, String what) throws Exception {
    HttpResponse<String> res = request(client, "POST", "/session", text);
    if (res.statusCode() != 201 && res.statusCode() != 200) { // 200: that very policy is current already
      return refused(spec, what, res);
    }
    spec.commandLine().getOut().println(JSON.readTree(res.body()).path("hash").asText());
    return 0;
  }

  static String path(String name) {
    StringBuilder b = new StringBuilder("/v1/sessions/");
    for (String seg : name.split("/", -1)) {
      if (b.charAt(b.length() - 1) != '/') {
        b.append('/');
      }
      b.append(URLEncoder.encode(seg, StandardCharsets.UTF_8));
    }
    return b.toString();
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Upload a new session; prints its hash.")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Mixin TemplateOptions template;
    @Mixin CasOption cas;

    @Override
    public Integer call() throws Exception {
      return upload(spec, cas.connect(), template.render(file, spec.commandLine().getErr()), "creating the session");
    }
  }

  @Command(name = "update", mixinStandardHelpOptions = true,
      description = "Replace a session; fills in predecessor with the current hash; prints the new hash.")
  static final class Update implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Mixin TemplateOptions template;
    @Mixin CasOption cas;

    @Override
    public Integer call() throws Exception {
      String text = template.render(file, spec.commandLine().getErr());
      String name = PolicyParser.sessionName(text).orElseThrow(
          () -> new Errors.UserError(file + " has no session name (name: …)"));
      CasClient client = cas.connect();
      HttpResponse<String> current = request(client, "GET", path(name), null);
      if (current.statusCode() != 200) {
        return refused(spec, "reading the current session", current);
      }
      String hash = JSON.readTree(current.body()).path("hash").asText();
      String line = "predecessor: " + hash;
      Matcher m = PREDECESSOR.matcher(text);
      String updated = m.find() ? m.replaceFirst(line) : text + (text.endsWith("\n") ? "" : "\n") + line + "\n";
      return upload(spec, client, updated, "updating the session");
    }
  }

  @Command(name = "read", mixinStandardHelpOptions = true, description = "Print a session (without its generated secrets).")
  static final class Read implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--hash", paramLabel = "HASH", description = "an older version by its hash")
    String hash;

    @Mixin CasOption cas;

    @Override
    public Integer call() throws Exception {
      HttpResponse<String> res = request(cas.connect(), "GET", path(name) + (hash != null ? "?hash=" + hash : ""), null);
      if (res.statusCode() != 200) {
        return refused(spec, "reading session " + name, res);
      }
      spec.commandLine().getOut().print(JSON.readTree(res.body()).path("session").asText());
      return 0;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a session with all its versions and secrets.")
  static final class Delete implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Mixin CasOption cas;

    @Override
    public Integer call() throws Exception {
      HttpResponse<String> res = request(cas.connect(), "DELETE", path(name), null);
      if (res.statusCode() != 200) {
        return refused(spec, "deleting session " + name, res);
      }
      spec.commandLine().getOut().println("deleted " + name);
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the sessions this client may list.")
  static final class ListSessions implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--prefix", paramLabel = "P", description = "only names starting with P")
    String prefix = "";

    @Mixin CasOption cas;

    @Override
    public Integer call() throws Exception {
      HttpResponse<String> res = request(cas.connect(), "GET",
          "/v1/sessions?prefix=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8), null);
      if (res.statusCode() != 200) {
        return refused(spec, "listing sessions", res);
      }
      for (JsonNode n : JSON.readTree(res.body()).path("sessions")) {
        spec.commandLine().getOut().println(n.asText());
      }
      return 0;
    }
  }
}
