package dev.clave.cli;

import dev.clave.policy.protect.PolicySignature;
import dev.clave.policy.protect.SignedPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "sign",
    mixinStandardHelpOptions = true,
    description = {
      "Sign a policy with an Ed25519 key; print the signed policy as JSON.",
      "",
      "Output: {\"policy\": TEXT, \"signatures\": [{\"signer\": KEY, \"signature\": HEX}]}",
      "The signature covers the exact UTF-8 bytes of the policy after",
      "templating, so 'openssl pkeyutl -sign -rawin' over the same bytes gives",
      "the same signature. --add-to adds the signature to an existing signed",
      "policy for the same text (governance: several signers); its signatures",
      "must verify, and FILE may be left out to sign the text it holds.",
      "Exit status: 0 printed, 1 the existing signatures do not verify,",
      "2 usage or input error."
    })
final class SessionSignCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "FILE", description = "The policy file (a template).")
  Path file;

  @Option(
      names = "--key",
      required = true,
      paramLabel = "KEY.pem",
      description = "Unencrypted PKCS#8 Ed25519 private key (openssl genpkey -algorithm ed25519).")
  Path key;

  @Option(names = "--add-to", paramLabel = "SIGNED.json", description = "Add the signature to this signed policy.")
  Path addTo;

  @Mixin TemplateOptions template;

  @Override
  public Integer call() {
    CommandLine cmd = spec.commandLine();
    if (file == null && addTo == null) {
      throw new CommandLine.ParameterException(cmd, "give a policy FILE, or --add-to SIGNED.json");
    }
    if (file == null && template.given()) {
      throw new CommandLine.ParameterException(cmd, "-e and --use-env apply to a policy FILE");
    }
    SignedPolicy existing = addTo == null ? null : SessionVerifyCommand.readSigned(addTo, "signed policy file");
    String policy;
    if (file != null) {
      policy = template.render(file, cmd.getErr());
      if (existing != null && !existing.policy().equals(policy)) {
        throw new Errors.UserError(file + " does not render to the policy text " + addTo
            + " holds; every signer must sign the same text");
      }
    } else {
      policy = existing.policy();
    }
    if (existing != null && existing.verify() instanceof SignedPolicy.Verification.Invalid invalid) {
      cmd.getErr().println("clave: " + addTo + ": " + invalid.reason() + "; not adding a signature to it");
      cmd.getErr().flush();
      return 1;
    }
    int size = TemplateOptions.utf8(policy).length;
    if (size > SignedPolicy.MAX_POLICY_BYTES) {
      throw new Errors.UserError("the policy is " + size + " bytes of UTF-8, more than the "
          + SignedPolicy.MAX_POLICY_BYTES + " allowed");
    }
    String keyPem = new String(Inputs.read(key, "key file"), StandardCharsets.UTF_8);
    PolicySignature signature;
    try {
      signature = SignedPolicy.sign(policy, keyPem);
    } catch (IllegalArgumentException e) {
      throw new Errors.UserError("--key " + key + ": " + e.getMessage());
    }
    SignedPolicy signed;
    try {
      signed = existing == null ? new SignedPolicy(policy, List.of(signature)) : existing.withSignature(signature);
    } catch (IllegalArgumentException e) {
      throw new Errors.UserError(e.getMessage());
    }
    cmd.getOut().println(signed.toJson());
    cmd.getOut().flush();
    return 0;
  }
}
