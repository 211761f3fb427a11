package dev.clave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clave.policy.protect.EncryptedPolicy;
import dev.clave.policy.protect.SessionEncryptionKeyPair;
import dev.clave.policy.protect.SignerKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code clave session sign | verify | encrypt}, run in-process on real files. */
class SessionProtectCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NL = System.lineSeparator();

  static final String TEMPLATE = """
      name: $MY_POLICY_NAME
      version: "0.3.10"
      services:
        - name: register
          mrenclaves: [${SCONE_CLI_MRENCLAVE}]
          command: "scone cas register-backup @@3"
          environment:
            \\@\\@SCONE_LAS_ADDR: ""
            PASSWORD: $$SCONE::db_password$$
            PRICE: "5\\$"
      """;

  @TempDir Path tmp;
  Path policy;
  Path alice;
  Path bob;
  KeyPair aliceKeys;

  static KeyPair ed25519() throws Exception {
    return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
  }

  @BeforeEach
  void files() throws Exception {
    policy = Files.writeString(tmp.resolve("session.yaml"), TEMPLATE);
    aliceKeys = ed25519();
    alice = Files.writeString(tmp.resolve("alice.pem"), CertCommandTest.pem("PRIVATE KEY", aliceKeys.getPrivate().getEncoded()));
    bob = Files.writeString(tmp.resolve("bob.pem"), CertCommandTest.pem("PRIVATE KEY", ed25519().getPrivate().getEncoded()));
  }

  private String[] withVars(String... args) {
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "-e";
    all[args.length + 1] = "MY_POLICY_NAME=backup";
    all[args.length + 2] = "--env";
    all[args.length + 3] = "SCONE_CLI_MRENCLAVE=" + "ab".repeat(32);
    return all;
  }

  private static String rendered() {
    return TEMPLATE.replace("$MY_POLICY_NAME", "backup").replace("${SCONE_CLI_MRENCLAVE}", "ab".repeat(32)).replace("\\$", "$");
  }

  @Test
  void signPrintsTheDocumentAndVerifyAcceptsIt() throws Exception {
    CliRun sign = CliRun.of(withVars("session", "sign", policy.toString(), "--key", alice.toString()));
    assertThat(sign.exitCode()).as(sign.err()).isZero();
    assertThat(sign.err()).isEmpty();
    JsonNode doc = JSON.readTree(sign.out());
    assertThat(doc.get("policy").asText()).isEqualTo(rendered());
    assertThat(doc.get("policy").asText()).contains("\\@\\@SCONE_LAS_ADDR", "$$SCONE::db_password$$", "PRICE: \"5$\"");
    JsonNode entry = doc.get("signatures").get(0);
    SignerKey signer = SignerKey.parse(entry.get("signer").asText());
    assertThat(signer.spkiDer()).isEqualTo(aliceKeys.getPublic().getEncoded());
    // The signature is plain Ed25519 over the rendered text's UTF-8 bytes.
    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initVerify(aliceKeys.getPublic());
    jdk.update(rendered().getBytes(StandardCharsets.UTF_8));
    assertThat(jdk.verify(HexFormat.of().parseHex(entry.get("signature").asText()))).isTrue();

    Path signed = Files.writeString(tmp.resolve("signed.json"), sign.out());
    CliRun verify = CliRun.of("session", "verify", signed.toString());
    assertThat(verify.exitCode()).as(verify.err()).isZero();
    assertThat(verify.out()).isEqualTo("signature valid" + NL + "  signer " + signer.text() + NL);
  }

  @Test
  void verifyRefusesAChangedPolicyWithExitOne() throws Exception {
    String out = CliRun.of(withVars("session", "sign", policy.toString(), "--key", alice.toString())).out();
    Path signed = Files.writeString(tmp.resolve("signed.json"), out.replace("name: backup", "name: backuq"));
    CliRun verify = CliRun.of("session", "verify", signed.toString());
    assertThat(verify.exitCode()).isEqualTo(1);
    assertThat(verify.out()).startsWith("signature invalid: signature 1 (signer ").endsWith(") does not match the policy text" + NL);
  }

  @Test
  void detachedSignatureFormChecksTheRenderedFile() throws Exception {
    JsonNode entry = JSON.readTree(CliRun.of(withVars("session", "sign", policy.toString(), "--key", alice.toString())).out())
        .get("signatures").get(0);
    String sig = entry.get("signature").asText();
    String legacy = entry.get("signer").asText();
    Path pub = Files.writeString(tmp.resolve("alice.pub.pem"), CertCommandTest.pem("PUBLIC KEY", aliceKeys.getPublic().getEncoded()));

    for (String signer : new String[] {legacy, pub.toString()}) {
      CliRun ok = CliRun.of(withVars("session", "verify", policy.toString(), "--signature", sig, "--signer", signer));
      assertThat(ok.exitCode()).as(ok.err()).isZero();
      assertThat(ok.out()).startsWith("signature valid" + NL);
    }
    CliRun otherValue = CliRun.of("session", "verify", policy.toString(), "--signature", sig, "--signer", legacy,
        "-e", "MY_POLICY_NAME=other", "-e", "SCONE_CLI_MRENCLAVE=" + "ab".repeat(32));
    assertThat(otherValue.exitCode()).isEqualTo(1);
    assertThat(otherValue.out()).startsWith("signature invalid: ");

    CliRun unrendered = CliRun.of("session", "verify", policy.toString(), "--signature", sig, "--signer", legacy);
    assertThat(unrendered.exitCode()).isEqualTo(2);
    assertThat(unrendered.err()).startsWith("clave: " + policy + ": 2 problems: line 1, column 7: variable MY_POLICY_NAME is not defined");

    CliRun badHex = CliRun.of(withVars("session", "verify", policy.toString(), "--signature", "abc", "--signer", legacy));
    assertThat(badHex.exitCode()).isEqualTo(2);
    assertThat(badHex.err()).isEqualTo("clave: --signature: expected 128 hex digits, got 3 characters" + NL);

    CliRun alone = CliRun.of("session", "verify", policy.toString(), "--signature", sig);
    assertThat(alone.exitCode()).isEqualTo(2);
    assertThat(alone.err()).startsWith("clave: --signature and --signer must be given together");

    CliRun wrongSigner = CliRun.of(withVars("session", "verify", policy.toString(), "--signature", sig, "--signer",
        "LtLcbPVddnCkH36ZcRdgYsw4H8xDbYaFZfuefkDc25uq2qdjmM"));
    assertThat(wrongSigner.exitCode()).isEqualTo(1);

    CliRun missingKeyFile = CliRun.of(withVars("session", "verify", policy.toString(), "--signature", sig, "--signer",
        tmp.resolve("nobody.pem").toString()));
    assertThat(missingKeyFile.exitCode()).isEqualTo(2);
    assertThat(missingKeyFile.err()).isEqualTo("clave: signer key file " + tmp.resolve("nobody.pem") + " does not exist" + NL);
  }

  @Test
  void governanceAddsSignersToTheSameText() throws Exception {
    Path one = Files.writeString(tmp.resolve("one.json"),
        CliRun.of(withVars("session", "sign", policy.toString(), "--key", alice.toString())).out());
    // The second signer signs what the document holds (FILE may be omitted) ...
    CliRun add = CliRun.of("session", "sign", "--key", bob.toString(), "--add-to", one.toString());
    assertThat(add.exitCode()).as(add.err()).isZero();
    Path two = Files.writeString(tmp.resolve("two.json"), add.out());
    assertThat(JSON.readTree(add.out()).get("signatures")).hasSize(2);
    CliRun verify = CliRun.of("session", "verify", two.toString());
    assertThat(verify.exitCode()).isZero();
    assertThat(verify.out()).startsWith("all 2 signatures valid" + NL);
    // ... or renders FILE, which must give the same text.
    CliRun again = CliRun.of(withVars("session", "sign", policy.toString(), "--key", bob.toString(), "--add-to", one.toString()));
    assertThat(again.exitCode()).isZero();
    assertThat(again.out()).isEqualTo(add.out());
    CliRun otherText = CliRun.of("session", "sign", policy.toString(), "--key", bob.toString(), "--add-to", one.toString(),
        "-e", "MY_POLICY_NAME=x", "-e", "SCONE_CLI_MRENCLAVE=y");
    assertThat(otherText.exitCode()).isEqualTo(2);
    assertThat(otherText.err()).contains("does not render to the policy text");
    CliRun twice = CliRun.of("session", "sign", "--key", bob.toString(), "--add-to", two.toString());
    assertThat(twice.exitCode()).isEqualTo(2);
    assertThat(twice.err()).startsWith("clave: signer ").contains("has already signed this policy");
    // A document whose signatures fail is not extended.
    Path broken = Files.writeString(tmp.resolve("broken.json"), Files.readString(one).replace("name: backup", "name: evil"));
    CliRun onBroken = CliRun.of("session", "sign", "--key", bob.toString(), "--add-to", broken.toString());
    assertThat(onBroken.exitCode()).isEqualTo(1);
    assertThat(onBroken.err()).contains("does not match the policy text; not adding a signature to it");
    assertThat(onBroken.out()).isEmpty();
  }

  @Test
  void useEnvTakesTheEnvironmentAndMinusEWins() throws Exception {
    Path t = Files.writeString(tmp.resolve("env.yaml"), "path: $PATH\n");
    CliRun fromEnv = CliRun.of("session", "sign", t.toString(), "--key", alice.toString(), "--use-env");
    assertThat(fromEnv.exitCode()).as(fromEnv.err()).isZero();
    assertThat(JSON.readTree(fromEnv.out()).get("policy").asText()).isEqualTo("path: " + System.getenv("PATH") + "\n");
    CliRun overridden = CliRun.of("session", "sign", t.toString(), "--key", alice.toString(), "--use-env", "-e", "PATH=/x");
    assertThat(JSON.readTree(overridden.out()).get("policy").asText()).isEqualTo("path: /x\n");
    CliRun withoutEnv = CliRun.of("session", "sign", t.toString(), "--key", alice.toString());
    assertThat(withoutEnv.exitCode()).isEqualTo(2);
    assertThat(withoutEnv.err()).isEqualTo("clave: " + t + ": line 1, column 7: variable PATH is not defined (give -e PATH=VALUE, "
        + "or --use-env with it in the environment)" + NL);
    CliRun unused = CliRun.of("session", "sign", t.toString(), "--key", alice.toString(), "-e", "PATH=/x", "-e", "EXTRA=1");
    assertThat(unused.exitCode()).isZero();
    assertThat(unused.err()).isEqualTo("clave: warning: -e EXTRA is not used by " + t + NL);
  }

  @Test
  void inputErrorsExitTwoWithOneLineAndNoTrace() throws Exception {
    assertOneLineError(CliRun.of("session", "sign", tmp.resolve("none.yaml").toString(), "--key", alice.toString()),
        "clave: policy file " + tmp.resolve("none.yaml") + " does not exist");
    Path big = Files.write(tmp.resolve("big.yaml"), new byte[(1 << 20) + 1]);
    assertOneLineError(CliRun.of("session", "sign", big.toString(), "--key", alice.toString()),
        "clave: policy file " + big + " is 1048577 bytes, more than the 1048576 allowed");
    Path latin1 = Files.write(tmp.resolve("latin1.yaml"), new byte[] {'a', ':', ' ', (byte) 0xe9, '\n'});
    assertOneLineError(CliRun.of("session", "sign", latin1.toString(), "--key", alice.toString()),
        "clave: " + latin1 + " is not valid UTF-8 (byte offset 3)");
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    Path p256 = Files.writeString(tmp.resolve("p256.pem"), CertCommandTest.pem("PRIVATE KEY", ec.generateKeyPair().getPrivate().getEncoded()));
    assertOneLineError(CliRun.of(withVars("session", "sign", policy.toString(), "--key", p256.toString())),
        "clave: --key " + p256 + ": the private key's algorithm is 1.2.840.10045.2.1, not Ed25519 (1.3.101.112); policy signatures need an Ed25519 key");
    assertOneLineError(CliRun.of("session", "sign", policy.toString(), "--key", alice.toString(), "-e", "NOEQUALS"),
        "clave: -e NOEQUALS: expected VAR=VALUE");
    assertOneLineError(CliRun.of("session", "sign", policy.toString(), "--key", alice.toString(), "-e", "A=1", "-e", "A=2"),
        "clave: -e A is given twice");
    assertThat(CliRun.of("session", "sign", "--key", alice.toString()).exitCode()).isEqualTo(2);
    Path notJson = Files.writeString(tmp.resolve("signed.json"), "{\"policy\": \"x\", \"signatures\": [], \"extra\": 1}");
    assertOneLineError(CliRun.of("session", "verify", notJson.toString()),
        "clave: " + notJson + ": signed policy JSON: the document: unknown field \"extra\" (allowed: policy, signatures)");
  }

  private static void assertOneLineError(CliRun run, String line) {
    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).isEqualTo(line + NL);
    assertThat(run.out()).isEmpty();
  }

  @Test
  void encryptPrintsAnEnvelopeTheCasKeyOpens() throws Exception {
    SessionEncryptionKeyPair cas = SessionEncryptionKeyPair.generate();
    Path pemKey = Files.writeString(tmp.resolve("cas.pem"), cas.publicKey().toPem());
    for (String key : new String[] {cas.publicKeyHex(), pemKey.toString()}) {
      CliRun run = CliRun.of(withVars("session", "encrypt", policy.toString(), "--cas-key", key));
      assertThat(run.exitCode()).as(run.err()).isZero();
      JsonNode doc = JSON.readTree(run.out());
      assertThat(doc.get("encryptionKey").asText()).isEqualTo(cas.publicKeyHex());
      byte[] plaintext = EncryptedPolicy.open(doc.get("policy").asText(), cas);
      assertThat(new String(plaintext, StandardCharsets.UTF_8)).isEqualTo(rendered());
      assertThat(Base64.getDecoder().decode(doc.get("policy").asText())[0]).isEqualTo((byte) 1);
      assertThat(run.out()).doesNotContain("backup");
    }
    assertOneLineError(CliRun.of(withVars("session", "encrypt", policy.toString(), "--cas-key", "abcd")),
        "clave: --cas-key abcd: neither 64 hex digits (got 4 characters) nor an existing file");
    assertOneLineError(CliRun.of(withVars("session", "encrypt", policy.toString(), "--cas-key", "00".repeat(32))),
        "clave: --cas-key: not a usable X25519 public key (a point of small order)");
    Path edKey = Files.writeString(tmp.resolve("ed.pem"), CertCommandTest.pem("PUBLIC KEY", aliceKeys.getPublic().getEncoded()));
    assertOneLineError(CliRun.of(withVars("session", "encrypt", policy.toString(), "--cas-key", edKey.toString())),
        "clave: --cas-key " + edKey + ": the public key's algorithm is 1.3.101.112, not X25519 (1.3.101.110)");
  }

  @Test
  void sessionGroupListsItsCommands() {
    CliRun run = CliRun.of("session");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("sign", "verify", "encrypt");
  }
}
