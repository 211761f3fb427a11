package dev.clave.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clave.cas.client.CasClient;
import dev.clave.policy.protect.InvalidEncodingException;
import dev.clave.policy.protect.KeyHash;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLHandshakeException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code clave cas provision ADDR -c KEY_HASH --token TOKEN --config-file owner.toml
 * (only_for_testing-without-attestation | with-attestation …)}: claims a fresh CAS. The CAS is pinned by
 * its key hash before anything is sent; ownership is bound to the CLI identity (its TLS client
 * certificate), which is kept in the CLI config, as is the CAS (then the default CAS).
 */
@Command(
    name = "provision",
    mixinStandardHelpOptions = true,
    description = "Become the owner of a fresh CAS (its key hash and token are in its log).")
final class CasProvisionCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ADDR", description = "the CAS: host[:port] (port 8081 by default)")
  String address;

  @Option(names = {"-c", "--cas-key-hash"}, required = true, paramLabel = "KEY_HASH", description = "the CAS key hash from its log")
  String keyHash;

  @Option(names = "--token", required = true, paramLabel = "TOKEN", description = "the provisioning token from its log")
  String token;

  @Option(names = "--config-file", required = true, paramLabel = "owner.toml", description = "the owner configuration")
  Path configFile;

  @Option(names = "--identity", paramLabel = "FILE",
      description = "use this PKCS#8 private key (optionally followed by its certificate) as the CLI identity")
  Path identityFile;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Mode mode;

  // The original's with-attestation flags: -C -G -S, --only_for_testing-debug/-ignore-signer/-trust-any, and
  // where the CAS's quote is verified against.
  @picocli.CommandLine.Mixin CasAttestOptions attestation;

  static final class Mode {
    @Option(names = "only_for_testing-without-attestation", description = "do not attest the CAS (testing only)")
    boolean withoutAttestation;

    @Option(names = "with-attestation", description = "attest the CAS before trusting it")
    boolean withAttestation;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    KeyHash pin = parseKeyHash(keyHash);
    CliConfig config = CliConfig.loadOrCreate(CliConfig.location(System.getenv()));
    if (identityFile != null) {
      config = config.withIdentityFrom(identityFile);
    }
    String ownerToml = new String(Inputs.read(configFile, "owner configuration"), StandardCharsets.UTF_8);
    out.println("This command will provision and claim ownership of a CAS.");
    out.println("    The ownership will be bound to the cryptographic identity used during this provisioning.");
    out.println("    Holding the owner's identity (" + config.file() + ") is necessary to change CAS settings.");
    CasClient cas = CasClient.connect(address, pin, config.identity());
    if (mode.withAttestation) {
      if (!attestation.attestAndSay(cas, address, spec)) {
        return 1;
      }
    } else {
      out.println("Warning: the CAS is not attested (only_for_testing-without-attestation); it is trusted only for its key hash.");
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("token", token);
    body.put("ownerConfig", ownerToml);
    HttpResponse<String> res = send(cas, "/v1/provision", body);
    if (res.statusCode() != 201) {
      out.flush();
      spec.commandLine().getErr().println("clave: provisioning refused (" + res.statusCode() + "): " + errorOf(res));
      return 1;
    }
    config.remember(address, pin);
    config.save();
    out.println("Done, CAS configuration was successfully provisioned. You are now the owner of the CAS.");
    out.println("owner key hash: " + config.identity().keyHash());
    return 0;
  }

  static KeyHash parseKeyHash(String text) {
    try {
      return KeyHash.parse(text.strip());
    } catch (InvalidEncodingException e) {
      throw new Errors.UserError("-c: not a CAS key hash: " + e.getMessage());
    }
  }

  static HttpResponse<String> send(CasClient client, String path, ObjectNode body) throws InterruptedException {
    try {
      return client.post(path, "application/json", body.toString());
    } catch (SSLHandshakeException e) {
      throw new Errors.UserError("refusing " + client.base() + ": " + rootMessage(e)
          + " (nothing was sent)");
    } catch (IOException e) {
      throw new Errors.UserError("cannot reach the CAS at " + client.base() + ": " + rootMessage(e));
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.toString();
  }

  static String errorOf(HttpResponse<String> res) {
    try {
      JsonNode n = JSON.readTree(res.body());
      return n.path("error").asText(res.body());
    } catch (IOException e) {
      return res.body();
    }
  }

  /** {@code clave cas update-config --config-file owner.toml [--cas ADDR]}: the owner changes the configuration. */
  @Command(name = "update-config", mixinStandardHelpOptions = true, description = "Replace the owner configuration (owner only).")
  static final class UpdateConfig implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--config-file", required = true, paramLabel = "owner.toml")
    Path configFile;

    @Option(names = "--cas", paramLabel = "ADDR", description = "the CAS (default: the CLI config's default CAS)")
    String address;

    @Override
    public Integer call() throws Exception {
      CliConfig config = CliConfig.loadOrCreate(CliConfig.location(System.getenv()));
      String addr = address != null ? address : config.defaultCas().orElseThrow(
          () -> new Errors.UserError("no CAS given and the CLI config has no default CAS: use --cas ADDR"));
      KeyHash pin = config.keyHash(addr).orElseThrow(() -> new Errors.UserError(
          "the CLI config does not know the CAS " + addr + " (provision it, or add it with its key hash)"));
      ObjectNode body = JSON.createObjectNode();
      body.put("ownerConfig", new String(Inputs.read(configFile, "owner configuration"), StandardCharsets.UTF_8));
      HttpResponse<String> res = send(CasClient.connect(addr, pin, config.identity()), "/v1/owner/config", body);
      if (res.statusCode() != 200) {
        spec.commandLine().getErr().println("clave: update refused (" + res.statusCode() + "): " + errorOf(res));
        return 1;
      }
      spec.commandLine().getOut().println("the CAS configuration was updated");
      return 0;
    }
  }
}
