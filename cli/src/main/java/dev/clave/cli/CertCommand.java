package dev.clave.cli;

import dev.clave.policy.protect.KeyHash;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "cert",
    mixinStandardHelpOptions = true,
    description = "Work with certificates and public keys.",
    subcommands = {CertCommand.KeyHashCommand.class})
final class CertCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "key-hash",
      mixinStandardHelpOptions = true,
      description = {
        "Print the key hash of a certificate's or a public key's key.",
        "",
        "The form access_policy entries and 'cas provision -c' take: Base58Check",
        "(version 1) of the SHA-256 of the DER SubjectPublicKeyInfo. FILE is a PEM",
        "certificate or public key (other PEM blocks, such as a private key, are",
        "ignored), or a DER certificate.",
        "Exit status: 0 printed, 2 usage or input error."
      })
  static final class KeyHashCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "PEM certificate or public key, or DER certificate.")
    Path file;

    @Override
    public Integer call() {
      byte[] raw = Inputs.read(file, "certificate file");
      String text = new String(raw, StandardCharsets.ISO_8859_1);
      KeyHash hash;
      try {
        hash = text.contains("-----BEGIN ") ? KeyHash.ofPem(text) : KeyHash.ofCertificate(raw);
      } catch (IllegalArgumentException e) {
        throw new Errors.UserError(file + ": " + e.getMessage());
      }
      spec.commandLine().getOut().println(hash);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
