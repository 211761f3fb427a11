package dev.clave.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.clave.policy.ServiceEvaluation.InjectedFile;
import dev.clave.policy.ServiceEvaluation.RuntimeConfig;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the configuration the CAS delivered ({@code config} of an ALLOWED answer) into the policy module's
 * {@link RuntimeConfig}, strictly: a value that does not fit is refused rather than guessed. The values are
 * secrets: no error quotes one.
 */
final class RuntimeConfigJson {
  /** A limit far above real command lines, environments and file lists. */
  static final int MAX_ITEMS = 10_000;

  private RuntimeConfigJson() {}

  /** A configuration that does not have the documented shape. */
  static final class Malformed extends Exception {
    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  /** Reads the {@code config} object of the CAS's answer. */
  static RuntimeConfig parse(JsonNode config) throws Malformed {
    if (config == null || !config.isObject()) {
      throw new Malformed("config: missing");
    }
    JsonNode argvNode = config.get("argv");
    if (argvNode == null || !argvNode.isArray() || argvNode.isEmpty() || argvNode.size() > MAX_ITEMS) {
      throw new Malformed("config.argv: expected a non-empty list of strings");
    }
    List<String> argv = new ArrayList<>();
    for (JsonNode a : argvNode) {
      argv.add(text(a, "config.argv[" + argv.size() + "]"));
    }
    JsonNode envNode = config.get("environment");
    if (envNode == null || !envNode.isObject() || envNode.size() > MAX_ITEMS) {
      throw new Malformed("config.environment: expected an object of strings");
    }
    Map<String, String> env = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : envNode.properties()) {
      String name = e.getKey();
      if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
        throw new Malformed("config.environment: a variable name must be non-empty, without = or NUL: \""
            + Printable.line(name, 100) + "\"");
      }
      env.put(name, text(e.getValue(), "config.environment." + Printable.line(name, 100)));
    }
    String pwd = text(config.get("pwd"), "config.pwd");
    if (!pwd.startsWith("/")) {
      throw new Malformed("config.pwd: expected an absolute path, got \"" + Printable.line(pwd, 200) + "\"");
    }
    JsonNode filesNode = config.get("files");
    List<InjectedFile> files = new ArrayList<>();
    if (filesNode != null && !filesNode.isNull()) {
      if (!filesNode.isArray() || filesNode.size() > MAX_ITEMS) {
        throw new Malformed("config.files: expected a list");
      }
      for (JsonNode f : filesNode) {
        files.add(file(f, "config.files[" + files.size() + "]"));
      }
    }
    return new RuntimeConfig(argv, env, pwd, files);
  }

  private static InjectedFile file(JsonNode f, String where) throws Malformed {
    if (!f.isObject()) {
      throw new Malformed(where + ": expected an object");
    }
    String path = text(f.get("path"), where + ".path");
    String perm = text(f.get("permission"), where + ".permission");
    if (!perm.matches("0o[0-7]{1,4}")) {
      throw new Malformed(where + ".permission: expected 0o followed by octal digits, got \"" + Printable.line(perm, 20) + "\"");
    }
    int permission = Integer.parseInt(perm.substring(2), 8);
    JsonNode fromFs = f.get("fromFileSystem");
    if (fromFs != null && fromFs.isBoolean() && fromFs.booleanValue()) {
      return new InjectedFile(path, null, true, permission);
    }
    JsonNode content = f.get("content");
    if (content == null || !content.isTextual()) {
      throw new Malformed(where + ": expected content (base64) or fromFileSystem: true");
    }
    try {
      return new InjectedFile(path, Base64.getDecoder().decode(content.textValue()), false, permission);
    } catch (IllegalArgumentException e) {
      throw new Malformed(where + ".content: not base64");
    }
  }

  private static String text(JsonNode n, String where) throws Malformed {
    if (n == null || !n.isTextual()) {
      throw new Malformed(where + ": expected a string");
    }
    if (n.textValue().indexOf('\0') >= 0) {
      throw new Malformed(where + ": contains NUL, which no program argument, variable or path can hold");
    }
    return n.textValue();
  }

}
