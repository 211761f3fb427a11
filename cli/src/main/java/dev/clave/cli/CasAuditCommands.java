package dev.clave.cli;

import dev.clave.cas.audit.AuditBundle;
import dev.clave.cas.audit.AuditEntry;
import dev.clave.cas.audit.AuditFormatException;
import dev.clave.cas.audit.AuditLogVerifier;
import dev.clave.cas.audit.SignedTreeHead;
import dev.clave.cas.client.CasClient;
import dev.clave.policy.protect.KeyHash;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code clave cas audit-log} and {@code clave cas verify-audit-log}: fetch the CAS's audit log with proofs
 * and check it — tree-head signatures under the pinned CAS key, every entry's inclusion, and consistency
 * with the last tree head this CLI verified (kept beside the CLI config), so that a CAS that dropped,
 * rewrote or rolled back entries is caught. Exit codes as the original's verify-audit-log: 0 OK, 20
 * integrity, 19 wrong CAS, 18 rollback, 17 rollback or missing entries, 16 rollback cannot be ruled out,
 * 15 old entries missing, 14 recent entries missing.
 */
final class CasAuditCommands {
  private CasAuditCommands() {}

  /** Fetches pages from {@code from} to the end of the log, all against one tree size. */
  static List<AuditBundle> fetch(CasClient client, long from, Optional<SignedTreeHead> trusted)
      throws IOException, InterruptedException {
    List<AuditBundle> pages = new ArrayList<>();
    String trustedParam = trusted.map(h -> "&trusted=" + h.treeSize()).orElse("");
    AuditBundle first = page(client, "/v1/audit-log?from=" + from + trustedParam);
    pages.add(first);
    long size = first.head().treeSize();
    long next = from + first.entries().size();
    while (next < size && !pages.getLast().entries().isEmpty()) {
      AuditBundle p = page(client, "/v1/audit-log?from=" + next + "&size=" + size);
      pages.add(p);
      next += p.entries().size();
    }
    return pages;
  }

  private static AuditBundle page(CasClient client, String path) throws IOException, InterruptedException {
    HttpResponse<String> res = client.get(path);
    if (res.statusCode() != 200) {
      throw new Errors.UserError("the CAS refused the audit log (" + res.statusCode() + "): " + CasProvisionCommand.errorOf(res));
    }
    try {
      return AuditBundle.fromJson(res.body().getBytes(StandardCharsets.UTF_8));
    } catch (AuditFormatException e) {
      throw new Errors.UserError("the CAS sent a malformed audit bundle: " + e.getMessage());
    }
  }

  /** Where this CLI keeps the last tree head it verified for a CAS. */
  static Path trustedHeadFile(CliConfig config, KeyHash cas) {
    return config.file().toAbsolutePath().getParent().resolve("audit-heads").resolve(cas + ".json");
  }

  static Optional<SignedTreeHead> trustedHead(Path file) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(SignedTreeHead.fromJson(Inputs.read(file, "trusted audit tree head")));
    } catch (AuditFormatException e) {
      throw new Errors.UserError("trusted audit tree head " + file + " is unreadable: " + e.getMessage());
    }
  }

  static void saveHead(Path file, SignedTreeHead head) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), ".head", ".tmp");
      Files.write(tmp, head.toJson());
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new Errors.UserError("cannot keep the verified tree head in " + file + ": " + e.getMessage());
    }
  }

  /** Runs fetch + verify; prints entries when {@code print}; returns the exit code. */
  static int run(CommandSpec spec, String address, long from, boolean print) throws Exception {
    CliConfig config = CliConfig.loadOrCreate(CliConfig.location(System.getenv()));
    String addr = address != null ? address : config.defaultCas().orElseThrow(
        () -> new Errors.UserError("no CAS given and the CLI config has no default CAS: use --cas ADDR"));
    KeyHash pin = config.keyHash(addr).orElseThrow(() -> new Errors.UserError(
        "the CLI config does not know the CAS " + addr + " (provision it, or add it with its key hash)"));
    Path headFile = trustedHeadFile(config, pin);
    Optional<SignedTreeHead> trusted = trustedHead(headFile);
    List<AuditBundle> pages;
    try {
      pages = fetch(CasClient.connect(addr, pin, config.identity()), from, trusted);
    } catch (IOException e) {
      throw new Errors.UserError("cannot reach the CAS at " + addr + ": " + e.getMessage());
    }
    AuditLogVerifier.Result result =
        new AuditLogVerifier(AuditLogVerifier.TrustAnchor.ofKeyHash(pin)).verifyPages(trusted, from, pages);
    PrintWriter out = spec.commandLine().getOut();
    if (print) {
      for (AuditEntry e : result.entries()) {
        out.println(new String(e.canonicalBytes(), StandardCharsets.UTF_8));
      }
    }
    if (result.ok()) {
      result.verifiedHead().ifPresent(h -> saveHead(headFile, h));
      if (!print) {
        out.println(result.message());
      }
    } else {
      spec.commandLine().getErr().println("clave: audit log verification failed (" + result.exitCode() + "): " + result.message());
    }
    return result.exitCode();
  }

  @Command(name = "audit-log", mixinStandardHelpOptions = true,
      description = "Print the CAS's audit log entries (one JSON object per line), verified; owner only.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--cas", paramLabel = "ADDR", description = "the CAS (default: the CLI config's default CAS)")
    String address;

    @Option(names = "--from", paramLabel = "N", description = "the first entry (default 0)")
    long from;

    @Override
    public Integer call() throws Exception {
      if (from < 0) {
        throw new Errors.UserError("--from must be 0 or more");
      }
      return run(spec, address, from, true);
    }
  }

  @Command(name = "verify-audit-log", mixinStandardHelpOptions = true,
      description = "Verify the whole audit log against the last tree head this CLI verified; owner only.")
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--cas", paramLabel = "ADDR", description = "the CAS (default: the CLI config's default CAS)")
    String address;

    @Override
    public Integer call() throws Exception {
      return run(spec, address, 0, false);
    }
  }
}
