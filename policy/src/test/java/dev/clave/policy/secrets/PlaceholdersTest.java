package dev.clave.policy.secrets;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clave.policy.secrets.Placeholders.Context;
import dev.clave.policy.secrets.Placeholders.Reference;
import dev.clave.policy.secrets.Placeholders.Span;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PlaceholdersTest {
  private static Map<String, SecretValue> values;

  @BeforeAll
  static void secrets() throws Exception {
    Map<String, SecretValue> generated =
        SecretGenerator.generate(
            List.of(Specs.key("key", KeyType.P256), Specs.cert("tls", "key", null)),
            SecretGenerator.Predecessor.NONE,
            Map.of(),
            Instant.now(),
            new SecureRandom());
    values = new LinkedHashMap<>(generated);
    values.put("pw", new SecretValue.Ascii("p@ss word"));
    values.put("bin", new SecretValue.Binary(new byte[] {0, 1, (byte) 0xfe}));
    values.put("db.hex", new SecretValue.Ascii("dotted")); // a name that looks like a legacy suffix
    values.put("db", new SecretValue.Binary(new byte[] {(byte) 0xab}));
    values.put("nul", new SecretValue.Ascii("a\0b"));
  }

  // ---- syntax ----

  @Test
  void findsSpansInOrder() throws Exception {
    String text = "a $$SCONE::pw$$ b $$SCONE::bin:hex$$$$SCONE::tls.crt$$";
    assertThat(Placeholders.find(text))
        .containsExactly(new Span(2, 15, "pw"), new Span(18, 36, "bin:hex"), new Span(36, 54, "tls.crt"));
    assertThat(Placeholders.find("no placeholders, $$ and $SCONE:: alone")).isEmpty();
    assertThat(new Span(2, 15, "pw").text()).isEqualTo("$$SCONE::pw$$");
  }

  @Test
  void syntaxErrorsCarryOffsets() {
    assertThatThrownBy(() -> Placeholders.find("x $$SCONE::pw"))
        .isInstanceOf(SecretException.class)
        .hasMessage("offset 2: the placeholder is not closed with '$$'");
    assertThatThrownBy(() -> Placeholders.find("$$SCONE::outer-$$SCONE::inner$$-x$$"))
        .hasMessageStartingWith(
            "offset 0: the placeholder is not closed before another placeholder opens at offset 15 (placeholders cannot be"
                + " nested");
    assertThatThrownBy(() -> Placeholders.find("ab$$SCONE:pw$$"))
        .hasMessage("offset 2: a placeholder opens with '$$SCONE::' (two colons), found '$$SCONE:' with one");
    assertThatThrownBy(() -> Placeholders.find("$$SCONE::$$"))
        .hasMessage("offset 0: the placeholder names no secret ($$SCONE::$$)");
    assertThatThrownBy(() -> Placeholders.find("$$SCONE::pw\necho $$"))
        .hasMessage(
            "offset 0: the placeholder contains a line break at offset 11; a placeholder is $$SCONE::name$$ or"
                + " $$SCONE::name:suffix$$ (is its closing '$$' missing?)");
    assertThatThrownBy(() -> Placeholders.find("$$SCONE::a b$$")).hasMessageContaining("contains a space at offset 10");
    assertThatThrownBy(() -> Placeholders.find("$$SCONE::a$b$$")).hasMessageContaining("contains '$' at offset 10");
    assertThatThrownBy(() -> Placeholders.find("$$SCONE::" + "a".repeat(2000) + "$$"))
        .hasMessage("offset 0: the placeholder is longer than 1024 characters; is its closing '$$' missing?");
  }

  // ---- resolution ----

  @Test
  void resolvesNamesSuffixesAndLegacyForms() throws Exception {
    Set<String> names = Set.of("pw", "bin", "tls", "db", "db.hex", "my.cert");
    assertThat(Placeholders.resolve("pw", names)).isEqualTo(new Reference("pw", ""));
    assertThat(Placeholders.resolve("bin:base64", names)).isEqualTo(new Reference("bin", ":base64"));
    assertThat(Placeholders.resolve("tls:privatekey:pkcs8:der", names)).isEqualTo(new Reference("tls", ":privatekey:pkcs8:der"));
    assertThat(Placeholders.resolve("bin.hex", names)).isEqualTo(new Reference("bin", ".hex"));
    assertThat(Placeholders.resolve("tls.chain", names)).isEqualTo(new Reference("tls", ".chain"));
    // A full name wins over a legacy suffix.
    assertThat(Placeholders.resolve("db.hex", names)).isEqualTo(new Reference("db.hex", ""));
    assertThat(Placeholders.resolve("db.hex:hex", names)).isEqualTo(new Reference("db.hex", ":hex"));
    assertThat(Placeholders.resolve("my.cert.crt", names)).isEqualTo(new Reference("my.cert", ".crt"));
    assertThat(Placeholders.resolve("my.cert", names)).isEqualTo(new Reference("my.cert", ""));
  }

  @Test
  void resolutionErrors() {
    Set<String> names = Set.of("pw", "bin");
    assertThatThrownBy(() -> Placeholders.resolve("nope", names))
        .hasMessage("$$SCONE::nope$$: there is no secret named 'nope'");
    assertThatThrownBy(() -> Placeholders.resolve("nope:hex", names))
        .hasMessage("$$SCONE::nope:hex$$: there is no secret named 'nope'");
    assertThatThrownBy(() -> Placeholders.resolve("nope.hex", names))
        .hasMessage("$$SCONE::nope.hex$$: there is no secret named 'nope.hex' or 'nope'");
    assertThatThrownBy(() -> Placeholders.resolve(":hex", names))
        .hasMessage("$$SCONE:::hex$$: the placeholder names no secret before ':'");
    assertThatThrownBy(() -> Placeholders.resolve("pw|escape(json)", names))
        .hasMessage("$$SCONE::pw|escape(json)$$: encodings after '|' (such as |escape(json)) are not supported by Clave yet");
    assertThatThrownBy(() -> Placeholders.resolve("self::software_identity", names))
        .hasMessage("$$SCONE::self::software_identity$$: built-in variables (self::...) are not supported by Clave yet");
  }

  // ---- substitution ----

  @Test
  void substitutesTextRenderings() throws Exception {
    assertThat(Placeholders.substituteText("--password=$$SCONE::pw$$ --key=$$SCONE::bin:hex$$", values))
        .isEqualTo("--password=p@ss word --key=0001fe");
    assertThat(Placeholders.substituteText("$$SCONE::db.hex$$/$$SCONE::db:hex$$", values)).isEqualTo("dotted/ab");
    assertThat(Placeholders.substituteText("plain", values)).isEqualTo("plain");
    String pem = Placeholders.substituteText("$$SCONE::tls$$", values);
    assertThat(pem).isEqualTo(Pem.encode(Pem.CERTIFICATE, ((SecretValue.Certificate) values.get("tls")).der()));
  }

  @Test
  void valuesAreNotScannedAgain() throws Exception {
    Map<String, SecretValue> tricky = Map.of("a", new SecretValue.Ascii("$$SCONE::b$$"), "b", new SecretValue.Ascii("B"));
    assertThat(Placeholders.substituteText("[$$SCONE::a$$]", tricky)).isEqualTo("[$$SCONE::b$$]");
  }

  @Test
  void binaryRenderingsOnlyInFiles() throws Exception {
    assertThatThrownBy(() -> Placeholders.substituteText("k=$$SCONE::bin$$", values))
        .hasMessage(
            "placeholder $$SCONE::bin$$ at offset 2: no suffix renders raw bytes, which only injection files can hold, not"
                + " command or environment; use a text encoding such as $$SCONE::bin:hex$$");
    assertThatThrownBy(() -> Placeholders.substituteText("$$SCONE::key:der$$", values))
        .hasMessageEndingWith("use a text encoding such as $$SCONE::key:pem$$");
    assertThatThrownBy(() -> Placeholders.substituteText("$$SCONE::tls:privatekey:der$$", values))
        .hasMessageEndingWith("use a text encoding such as $$SCONE::tls:privatekey:pem$$");
    assertThatThrownBy(() -> Placeholders.substituteText("$$SCONE::tls:pkcs12-with-private-key$$", values))
        .hasMessageEndingWith("use it in an injection file");

    byte[] file = Placeholders.substitute("key=$$SCONE::bin$$;der=$$SCONE::tls:crt:der$$\n", values, Context.FILE);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.writeBytes("key=".getBytes(UTF_8));
    expected.writeBytes(new byte[] {0, 1, (byte) 0xfe});
    expected.writeBytes(";der=".getBytes(UTF_8));
    expected.writeBytes(((SecretValue.Certificate) values.get("tls")).der());
    expected.writeBytes("\n".getBytes(UTF_8));
    assertThat(file).isEqualTo(expected.toByteArray());
  }

  @Test
  void nulCharactersAreRefusedInText() throws Exception {
    assertThatThrownBy(() -> Placeholders.substituteText("$$SCONE::nul$$", values))
        .hasMessage(
            "placeholder $$SCONE::nul$$ at offset 0: the value contains a NUL character, which command and environment cannot"
                + " hold");
    assertThat(Placeholders.substitute("$$SCONE::nul$$", values, Context.FILE)).containsExactly('a', 0, 'b');
  }

  @Test
  void substitutionErrorsNameThePlaceholderAndTheAllowedSuffixes() {
    assertThatThrownBy(() -> Placeholders.substituteText("x $$SCONE::pw:hex$$", values))
        .hasMessage("placeholder $$SCONE::pw:hex$$ at offset 2: suffix ':hex' is not valid for an ascii secret; allowed: '' (none)");
    assertThatThrownBy(() -> Placeholders.substituteText("$$SCONE::missing$$", values))
        .hasMessage("placeholder $$SCONE::missing$$ at offset 0: there is no secret named 'missing'");
    assertThatThrownBy(() -> Placeholders.substituteText("$$SCONE::key.crt$$", values))
        .hasMessageStartingWith("placeholder $$SCONE::key.crt$$ at offset 0: suffix '.crt' is not valid for a private-key secret;");
  }

  @Test
  void checkValidatesAgainstKindsBeforeValuesExist() throws Exception {
    Map<String, SecretKind> kinds = Map.of("pw", SecretKind.ASCII, "bin", SecretKind.BINARY, "frag", SecretKind.CONFIG_FRAGMENT);
    assertThat(Placeholders.check("$$SCONE::pw$$ $$SCONE::bin.hex$$", kinds, Context.TEXT))
        .containsExactly(new Reference("pw", ""), new Reference("bin", ".hex"));
    assertThat(Placeholders.check("$$SCONE::bin$$", kinds, Context.FILE)).containsExactly(new Reference("bin", ""));
    assertThatThrownBy(() -> Placeholders.check("$$SCONE::bin$$", kinds, Context.TEXT)).hasMessageContaining("raw bytes");
    assertThatThrownBy(() -> Placeholders.check("$$SCONE::frag$$", kinds, Context.FILE))
        .hasMessageStartingWith("placeholder $$SCONE::frag$$ at offset 0: config-fragment secrets cannot be injected");
  }

  @Test
  void hexOfFileBytesIsStable() throws Exception {
    assertThat(HexFormat.of().formatHex(Placeholders.substitute("$$SCONE::db$$", values, Context.FILE))).isEqualTo("ab");
  }
}
