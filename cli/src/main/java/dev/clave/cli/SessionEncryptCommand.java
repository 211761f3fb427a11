package dev.clave.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clave.policy.protect.EncryptedPolicy;
import dev.clave.policy.protect.SessionEncryptionKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "encrypt",
    mixinStandardHelpOptions = true,
    description = {
      "Encrypt a policy to a CAS session-encryption key; print it as JSON.",
      "",
      "Output: {\"policy\": BASE64, \"encryptionKey\": HEX}, the spec fields of an",
      "EncryptedPolicy resource (without casAddress). HPKE (RFC 9180) base",
      "mode, X25519, HKDF-SHA256, AES-256-GCM: only the holder of the CAS",
      "private key can read the policy.",
      "Exit status: 0 printed, 2 usage or input error."
    })
final class SessionEncryptCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The policy file (a template).")
  Path file;

  @Option(
      names = "--cas-key",
      required = true,
      paramLabel = "HEX|PEMFILE",
      description = "The CAS session-encryption key (X25519): 64 hex digits, or a file with a PEM public key or the hex.")
  String casKey;

  @Mixin TemplateOptions template;

  @Override
  public Integer call() throws JsonProcessingException {
    CommandLine cmd = spec.commandLine();
    SessionEncryptionKey recipient = recipient(casKey);
    String policy = template.render(file, cmd.getErr());
    byte[] plaintext = TemplateOptions.utf8(policy);
    if (plaintext.length > EncryptedPolicy.MAX_PLAINTEXT_BYTES) {
      throw new Errors.UserError(file + ": the rendered policy is " + plaintext.length + " bytes, more than the "
          + EncryptedPolicy.MAX_PLAINTEXT_BYTES + " allowed");
    }
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode()
        .put("policy", EncryptedPolicy.seal(plaintext, recipient))
        .put("encryptionKey", recipient.hex());
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
        .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));
    printer.indentObjectsWith(indenter);
    cmd.getOut().println(json.writer(printer).writeValueAsString(root));
    cmd.getOut().flush();
    return 0;
  }

  private static SessionEncryptionKey recipient(String value) {
    boolean hex = value.length() == 64 && value.chars().allMatch(c -> c < 128 && Character.digit(c, 16) >= 0);
    if (hex) {
      try {
        return SessionEncryptionKey.fromHex(value);
      } catch (IllegalArgumentException e) {
        throw new Errors.UserError("--cas-key: " + e.getMessage());
      }
    }
    Path path;
    try {
      path = Path.of(value);
    } catch (java.nio.file.InvalidPathException e) {
      throw new Errors.UserError("--cas-key: neither 64 hex digits nor a file name (" + e.getReason() + ")");
    }
    if (!Files.exists(path)) {
      throw new Errors.UserError("--cas-key " + value + ": neither 64 hex digits (got " + value.length()
          + " characters) nor an existing file");
    }
    String text = new String(Inputs.read(path, "CAS key file"), StandardCharsets.UTF_8);
    try {
      return SessionEncryptionKey.parse(text);
    } catch (IllegalArgumentException e) {
      throw new Errors.UserError("--cas-key " + value + ": " + e.getMessage());
    }
  }
}
