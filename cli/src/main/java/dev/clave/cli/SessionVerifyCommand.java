package dev.clave.cli;

import dev.clave.policy.protect.PolicySignature;
import dev.clave.policy.protect.SignedPolicy;
import dev.clave.policy.protect.SignerKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Check the Ed25519 signatures of a policy.",
      "",
      "Either every signature of SIGNED.json (as 'session sign' prints it), or",
      "one signature given with --signature and --signer over a policy FILE,",
      "templated with -e/--use-env as when it was signed. Signatures cover the",
      "exact UTF-8 bytes of the policy text.",
      "Exit status: 0 valid, 1 invalid (the reason is printed), 2 usage or",
      "input error."
    })
final class SessionVerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "SIGNED.json, or with --signature/--signer a policy file.")
  Path file;

  @Option(names = "--signature", paramLabel = "HEX", description = "An Ed25519 signature: 128 hex digits.")
  String signature;

  @Option(
      names = "--signer",
      paramLabel = "KEY",
      description = "The signer's key: a PEM public key file, or its Base58Check form.")
  String signer;

  @Mixin TemplateOptions template;

  @Override
  public Integer call() {
    CommandLine cmd = spec.commandLine();
    SignedPolicy.Verification result;
    if (signature == null && signer == null) {
      if (template.given()) {
        throw new CommandLine.ParameterException(cmd, "-e and --use-env apply to a policy FILE checked with --signature and --signer");
      }
      result = readSigned(file, "signed policy file").verify();
    } else if (signature == null || signer == null) {
      throw new CommandLine.ParameterException(cmd, "--signature and --signer must be given together");
    } else {
      SignerKey key = signerKey(signer);
      if (key.algorithm() != SignerKey.Algorithm.ED25519) {
        throw new Errors.UserError("--signer: a " + key.algorithm().displayName()
            + " key; Clave signs and verifies policies with Ed25519 keys only");
      }
      PolicySignature claimed;
      try {
        claimed = new PolicySignature(key, signature);
      } catch (IllegalArgumentException e) {
        throw new Errors.UserError("--" + e.getMessage());
      }
      String policy = template.render(file, cmd.getErr());
      result = SignedPolicy.verify(policy, List.of(claimed));
    }
    PrintWriter out = cmd.getOut();
    switch (result) {
      case SignedPolicy.Verification.Valid valid -> {
        int n = valid.signers().size();
        out.println(n == 1 ? "signature valid" : "all " + n + " signatures valid");
        for (SignerKey k : valid.signers()) {
          out.println("  signer " + k.text());
        }
      }
      case SignedPolicy.Verification.Invalid invalid -> out.println("signature invalid: " + invalid.reason());
    }
    out.flush();
    return result.valid() ? 0 : 1;
  }

  /** Reads a signed policy JSON file (bounded), turning format errors into user errors naming the file. */
  static SignedPolicy readSigned(Path path, String what) {
    byte[] json;
    try {
      long size = Files.size(path);
      if (size > SignedPolicy.MAX_DOCUMENT_BYTES) {
        throw new Errors.UserError(what + " " + path + " is " + size + " bytes, more than the "
            + SignedPolicy.MAX_DOCUMENT_BYTES + " allowed");
      }
      json = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new Errors.UserError(what + " " + path + " does not exist");
    } catch (IOException e) {
      throw new Errors.UserError("cannot read " + what + " " + path + ": " + e.getMessage());
    }
    try {
      return SignedPolicy.fromJson(json);
    } catch (IllegalArgumentException e) {
      throw new Errors.UserError(path + ": " + e.getMessage());
    }
  }

  /**
   * A signer key from the command line: the contents of a file when one exists at that path, else the text
   * itself (the Base58Check form). Text that cannot be the Base58Check form is taken to be a missing file.
   */
  static SignerKey signerKey(String value) {
    Path path;
    try {
      path = Path.of(value);
    } catch (java.nio.file.InvalidPathException e) {
      throw new Errors.UserError("--signer: neither a file nor a key: " + e.getReason());
    }
    boolean base58 = value.chars().allMatch(c -> c < 128 && "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".indexOf(c) >= 0);
    if (Files.exists(path) || !base58) {
      String text = new String(Inputs.read(path, "signer key file"), StandardCharsets.UTF_8);
      try {
        return SignerKey.parse(text);
      } catch (IllegalArgumentException e) {
        throw new Errors.UserError("--signer " + value + ": " + e.getMessage());
      }
    }
    try {
      return SignerKey.parse(value);
    } catch (IllegalArgumentException e) {
      throw new Errors.UserError("--signer: " + e.getMessage());
    }
  }
}
