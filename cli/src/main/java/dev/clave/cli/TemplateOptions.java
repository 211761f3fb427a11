package dev.clave.cli;

import dev.clave.policy.template.Template;
import dev.clave.policy.template.TemplateException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The templating options of the {@code session} commands (reference §1.6, §4.3), as a picocli mixin: {@code -e
 * VAR=VALUE} (repeatable) and {@code --use-env}. A policy file is read (at most 1 MiB of UTF-8) and its
 * {@code $VAR}/{@code ${VAR}} replaced before it is signed, encrypted or checked; {@code -e} wins over the
 * environment. See {@link Template} for the rules.
 */
final class TemplateOptions {
  @Option(
      names = {"-e", "--env"},
      paramLabel = "VAR=VALUE",
      description = "Replace $VAR and $${VAR} in the policy file by VALUE (repeatable).")
  List<String> assignments = new ArrayList<>();

  @Option(
      names = "--use-env",
      description = "Also take template variables from the environment; -e wins.")
  boolean useEnv;

  /** Whether any templating option was given. */
  boolean given() {
    return !assignments.isEmpty() || useEnv;
  }

  /** Reads and renders a policy file; warns on stderr about -e variables the file does not use. */
  String render(Path file, PrintWriter err) {
    Map<String, String> explicit = explicitValues();
    Map<String, String> values = new HashMap<>();
    if (useEnv) {
      System.getenv().forEach((name, value) -> {
        if (Template.isName(name)) {
          values.put(name, value);
        }
      });
    }
    values.putAll(explicit);
    String text = utf8(Inputs.read(file, "policy file"), file);
    Template.Rendered rendered;
    try {
      rendered = Template.render(text, values);
    } catch (TemplateException e) {
      throw new Errors.UserError(file + ": " + e.getMessage());
    }
    for (String name : explicit.keySet()) {
      if (!rendered.variablesUsed().contains(name)) {
        err.println("clave: warning: -e " + name + " is not used by " + file);
      }
    }
    err.flush();
    return rendered.text();
  }

  private Map<String, String> explicitValues() {
    Map<String, String> values = new LinkedHashMap<>();
    for (String assignment : assignments) {
      int eq = assignment.indexOf('=');
      if (eq < 0) {
        throw new Errors.UserError("-e " + assignment + ": expected VAR=VALUE");
      }
      String name = assignment.substring(0, eq);
      if (!Template.isName(name)) {
        throw new Errors.UserError("-e " + name + "=…: \"" + name + "\" is not a variable name ([A-Za-z_][A-Za-z0-9_]*)");
      }
      if (values.putIfAbsent(name, assignment.substring(eq + 1)) != null) {
        throw new Errors.UserError("-e " + name + " is given twice");
      }
    }
    return values;
  }

  /** Strict UTF-8: a policy file with invalid bytes is refused, naming the offset. */
  static String utf8(byte[] bytes, Path file) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      throw new Errors.UserError(file + " is not valid UTF-8 (byte offset " + in.position() + ")");
    }
    decoder.flush(out);
    return out.flip().toString();
  }

  /** The UTF-8 bytes of rendered text; refuses text that has none (an unpaired surrogate from a value). */
  static byte[] utf8(String text) {
    try {
      ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(text));
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw new Errors.UserError("the rendered policy is not valid Unicode (an unpaired surrogate in a value?)");
    }
  }
}
