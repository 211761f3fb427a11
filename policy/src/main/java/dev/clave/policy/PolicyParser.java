package dev.clave.policy;

import dev.clave.policy.AccessPolicy.AccessRule;
import dev.clave.policy.AccessPolicy.Principal;
import dev.clave.policy.decision.AttestationRules;
import dev.clave.policy.decision.Tolerance;
import dev.clave.policy.protect.InvalidEncodingException;
import dev.clave.policy.secrets.CommandSplitter;
import dev.clave.policy.secrets.HostArguments;
import dev.clave.policy.secrets.KeyType;
import dev.clave.policy.secrets.Placeholders;
import dev.clave.policy.secrets.SecretException;
import dev.clave.policy.secrets.SecretKind;
import dev.clave.policy.secrets.SecretSpec;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Parses and validates a session in the SCONE session language v0.3 (reference §1). A policy that parses
 * is fully valid; otherwise {@link PolicyException} lists every problem with file, line and column.
 *
 * <p>Unknown keys are errors, never ignored. Features that need a cloud service or are not implemented
 * ({@code mode: maa}, {@code aad-token}, {@code import_akv}, {@code pgp-key}, {@code jwt}, …) parse and are
 * refused with "not supported by Clave yet" at their position.
 */
public final class PolicyParser {
  /** The largest policy accepted, in bytes (UTF-8). */
  public static final int MAX_POLICY_BYTES = 1 << 20;

  private static final Pattern NAME_SEGMENT = Pattern.compile("[A-Za-z0-9_\\-.~]{1,128}");
  private static final int MAX_NAME_LENGTH = 512;
  private static final Pattern VERSION = Pattern.compile("0\\.3(\\.(0|[1-9][0-9]{0,3}))?");
  private static final Pattern HEX = Pattern.compile("[0-9A-Fa-f]*");
  /** Intel advisory IDs; the simulation ladder's are INTEL-SA-SIMnn. */
  private static final Pattern ADVISORY = Pattern.compile("INTEL-SA-[0-9A-Z]{5}");
  private static final Pattern HOST_ENV_KEY = Pattern.compile("(?:\\\\@\\\\@|@@)([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern TEMPLATE_VAR = Pattern.compile("\\$\\{?[A-Za-z_][A-Za-z0-9_]*\\}?");
  private static final Pattern VALID_FOR =
      Pattern.compile("([0-9]{1,6})\\s*(d|days?|w|weeks?|y|years?|h|hours?)", Pattern.CASE_INSENSITIVE);
  private static final Pattern BASE32 = Pattern.compile("[A-Z2-7]+=*");
  private static final String PLACEHOLDER_START = "$$SCONE::";

  private static final Set<String> TOP = Set.of("name", "version", "predecessor", "namespace_hash", "salt",
      "access_policy", "security", "services", "images", "volumes", "secrets", "secret_config", "creator");
  private static final Set<String> SERVICE = Set.of("name", "image_name", "command", "environment", "pwd",
      "attestation", "mrenclaves", "platforms", "one_time_password_shared_secret", "fspf_path", "fspf_key",
      "fspf_tag", "fspf_update_policy", "persistency");
  private static final Set<String> VARIANT = Set.of("mrenclave", "signer");
  private static final Set<String> SIGNER = Set.of("mrsigner", "isvprodid", "isvsvn", "isvsvn_min", "isvsvn_max");
  private static final Set<String> SECURITY = Set.of("attestation", "singleton_enclaves", "service_access_token");
  private static final Set<String> SECURITY_ATTESTATION = Set.of("mode", "tolerate", "ignore_advisories",
      "trusted_scone_qe_pubkeys", "one_time_password_shared_secret", "must_be_sgx_local", "url", "certificates",
      "min_rsa_signing_key_size");
  private static final Set<String> IMAGE = Set.of("name", "injection_files", "volumes", "provide_secrets");
  private static final Set<String> INJECTION_FILE = Set.of("path", "content", "permission");
  private static final Set<String> IMAGE_VOLUME = Set.of("name", "path", "update_policy");
  private static final Set<String> VOLUME = Set.of("name", "files", "fspf_key", "fspf_tag", "export", "import");
  private static final Set<String> VOLUME_EXPORT = Set.of("to", "update_policy", "volume_alias");
  private static final Set<String> SESSION_REF = Set.of("session", "session_hash");
  private static final Set<String> VOLUME_IMPORT = Set.of("session", "volume");
  private static final Set<String> SECRET = Set.of("name", "kind", "value", "size", "key_type", "migrate",
      "private_key", "issuer", "common_name", "endpoint", "dns", "san", "valid_for", "export", "export_public",
      "import", "import_akv", "tenant_id", "client_id", "application_secret", "certificate_thumbprint", "signer",
      "alg", "validity", "payload");
  private static final Set<String> SECRET_EXPORT = Set.of("session", "session_hash", "namespace");
  private static final Set<String> SECRET_IMPORT = Set.of("session", "secret", "cas_url", "cas_key", "cas_software_key");
  private static final Set<String> ACCESS = Set.of("read", "update", "create_sessions", "list_sessions");
  private static final Set<String> SECRET_CONFIG = Set.of("store_in");
  private static final Set<String> UPDATE_POLICIES = Set.of("rollback_protected", "ephemeral", "no_rollback_protection");
  private static final Set<String> FSPF_UPDATE_POLICIES = Set.of("rollback_protected_reinitializable", "no_rollback_protection");

  /** Which secret fields each supported kind accepts, besides name, kind, value, export, export_public, import. */
  private static final Map<SecretKind, Set<String>> KIND_FIELDS = Map.of(
      SecretKind.ASCII, Set.of("size", "migrate"),
      SecretKind.BINARY, Set.of("size", "migrate"),
      SecretKind.PRIVATE_KEY, Set.of("key_type", "migrate"),
      SecretKind.PUBLIC_KEY, Set.of("private_key"),
      SecretKind.X509, Set.of("private_key", "issuer", "common_name", "endpoint", "dns", "san", "valid_for"),
      SecretKind.X509_CA, Set.of("private_key", "issuer", "common_name", "dns", "san", "valid_for"),
      SecretKind.CONFIG_FRAGMENT, Set.of());

  private final Yaml yaml;
  private final String text;
  /** Secret names and their kinds, for placeholder and reference checks. */
  private final Map<String, SecretKind> secretKinds = new HashMap<>();
  private final Map<String, Node> secretNodes = new HashMap<>();
  /** Strings to check for placeholders once all secret names are known: (node, text). */
  private final List<PlaceholderUse> placeholderUses = new ArrayList<>();
  private final Map<String, Node> fragmentValues = new HashMap<>();
  private final Map<String, SecretSpec.SecretImport> fragmentImports = new HashMap<>();
  private final FragmentResolver fragments;
  /** The session's name as written, once read: imported fragments resolve relative to it. */
  private String importerName;

  private PolicyParser(String text, String file, FragmentResolver fragments) {
    this.yaml = new Yaml(file);
    this.text = text;
    this.fragments = fragments;
  }

  /** Parses {@code text}; {@code file} names it in problems. Imported config-fragments are not available. */
  public static Session parse(String text, String file) throws PolicyException {
    return parse(text, file, FragmentResolver.NONE);
  }

  /** Parses {@code text}, taking imported config-fragments from {@code fragments} (CAS passes its store). */
  public static Session parse(String text, String file, FragmentResolver fragments) throws PolicyException {
    if (text.length() > MAX_POLICY_BYTES || text.getBytes(StandardCharsets.UTF_8).length > MAX_POLICY_BYTES) {
      throw new PolicyException(List.of(new PolicyProblem(file, 1, 1,
          "the policy is larger than " + MAX_POLICY_BYTES + " bytes")));
    }
    return new PolicyParser(text, file, fragments).run();
  }

  /**
   * The session's {@code name} as written, without validating anything else (CAS needs it to resolve a
   * policy's imports before the policy can be parsed); empty when the text has no top-level name.
   */
  public static java.util.Optional<String> sessionName(String text) {
    if (text.length() > MAX_POLICY_BYTES) {
      return java.util.Optional.empty();
    }
    Node root = new Yaml("policy").compose(text);
    if (root instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("name") && t.getValueNode() instanceof ScalarNode v) {
          return java.util.Optional.of(v.getValue());
        }
      }
    }
    return java.util.Optional.empty();
  }

  /** Reads and parses a UTF-8 file. */
  public static Session parse(Path path) throws PolicyException, IOException {
    return parse(readUtf8(path), path.toString());
  }

  /** A policy file's text: at most {@link #MAX_POLICY_BYTES}, strict UTF-8. */
  public static String readUtf8(Path path) throws IOException, PolicyException {
    long size = Files.size(path);
    if (size > MAX_POLICY_BYTES) {
      throw new PolicyException(List.of(new PolicyProblem(path.toString(), 1, 1,
          "the policy is larger than " + MAX_POLICY_BYTES + " bytes")));
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(path)))
          .toString();
    } catch (CharacterCodingException e) {
      throw new PolicyException(List.of(new PolicyProblem(path.toString(), 1, 1, "the policy is not UTF-8 text")));
    }
  }

  private Session run() throws PolicyException {
    Node root = yaml.compose(text);
    if (root == null) {
      throw new PolicyException(yaml.problems);
    }
    Yaml.Fields top = yaml.fields(root, "the policy", TOP);
    if (!(root instanceof MappingNode)) {
      throw new PolicyException(yaml.problems);
    }
    String name = sessionName(top);
    importerName = name;
    String version = version(top);
    String predecessor = hexField(top.get("predecessor"), "predecessor", 32, true);
    String namespaceHash = hexField(top.get("namespace_hash"), "namespace_hash", 32, true);
    if (predecessor != null && namespaceHash != null) {
      yaml.problem(top.key("namespace_hash"), "namespace_hash is checked only when a session is created; it cannot be combined with predecessor");
    }
    String salt = hexField(top.get("salt"), "salt", 16, true);
    if (top.has("creator")) {
      yaml.problem(top.key("creator"), "creator is filled in by CAS on upload; remove it from the policy");
    }
    if (top.has("secret_config")) {
      secretConfig(top.get("secret_config"));
    }
    // Secrets first: placeholders and references elsewhere are checked against their names.
    List<SecretSpec> secrets = secrets(top.get("secrets"));
    Node securityNode = top.has("security") ? expand(top.get("security"), "security") : null;
    Security security = securityNode != null ? security(securityNode) : Security.DEFAULT;
    List<Volume> volumes = volumes(top.get("volumes"));
    List<Image> images = images(top.get("images"), volumes);
    List<Service> services = services(top.get("services"), security, images);
    Node accessNode = top.has("access_policy") ? expand(top.get("access_policy"), "access_policy") : null;
    AccessPolicy access = accessNode != null ? accessPolicy(accessNode) : AccessPolicy.DEFAULT;
    checkPlaceholders();
    if (!yaml.problems.isEmpty()) {
      throw new PolicyException(yaml.problems);
    }
    return new Session(name, version, predecessor, namespaceHash, salt, null, access, security, services, images,
        volumes, secrets);
  }

  // ---------------------------------------------------------------- top level

  private String sessionName(Yaml.Fields top) {
    if (!top.has("name")) {
      yaml.problem(top.node(), "name is missing: every session needs a name, e.g. name: my-app");
      return null;
    }
    Node n = top.get("name");
    String v = yaml.text(n, "name");
    if (v == null) {
      return null;
    }
    if (!isSessionName(v)) {
      yaml.problem(n, "name `" + Yaml.abbreviate(v) + "` is not a session name: segments of A-Z a-z 0-9 _ - . ~ (1 to 128 characters each) separated by /, at most "
          + MAX_NAME_LENGTH + " characters" + templateHint(v));
    }
    return v;
  }

  static boolean isSessionName(String v) {
    if (v.isEmpty() || v.length() > MAX_NAME_LENGTH) {
      return false;
    }
    for (String seg : v.split("/", -1)) {
      if (!NAME_SEGMENT.matcher(seg).matches() || seg.equals(".") || seg.equals("..")) {
        return false;
      }
    }
    return true;
  }

  private static boolean isSimpleName(String v) {
    return NAME_SEGMENT.matcher(v).matches();
  }

  private static String templateHint(String v) {
    Matcher m = TEMPLATE_VAR.matcher(v);
    if (m.find() && !v.contains(PLACEHOLDER_START)) {
      String var = m.group().replaceAll("[${}]", "");
      return "; it looks like the template variable " + var + " was not substituted: pass -e " + var
          + "=VALUE or --use-env";
    }
    return "";
  }

  private String version(Yaml.Fields top) {
    if (!top.has("version")) {
      yaml.problem(top.node(), "version is missing: Clave reads sessions of version \"0.3\" or \"0.3.N\" (add version: \"0.3\")");
      return null;
    }
    Node n = top.get("version");
    String v = yaml.text(n, "version");
    if (v != null && !VERSION.matcher(v).matches()) {
      yaml.problem(n, "version `" + Yaml.abbreviate(v) + "` is not supported: Clave reads \"0.3\" and \"0.3.N\"");
    }
    return v;
  }

  private void secretConfig(Node n) {
    Yaml.Fields f = yaml.fields(n, "secret_config", SECRET_CONFIG);
    Node store = f.get("store_in");
    if (store != null) {
      String tag = store.getTag().getValue();
      if (tag.equals("!akv")) {
        yaml.problem(store, "secret_config store_in: !akv (Azure Key Vault) is not supported by Clave yet; remove secret_config to keep secrets in CAS");
      } else if (!tag.equals("!cas")) {
        yaml.problem(store, "secret_config store_in must be !cas (the default)");
      }
    }
  }

  /** Hex of exactly {@code bytes} bytes, lowercase; null when absent and {@code optional}. */
  private String hexField(Node n, String what, int bytes, boolean optional) {
    if (Yaml.isNull(n)) {
      if (!optional) {
        yaml.problem(n, what + " is missing");
      }
      return null;
    }
    String v = yaml.text(n, what);
    if (v == null) {
      return null;
    }
    if (v.length() != 2 * bytes || !HEX.matcher(v).matches()) {
      yaml.problem(n, what + " must be " + bytes + " bytes as " + 2 * bytes + " hex digits, not `"
          + Yaml.abbreviate(v) + "` (" + v.length() + " characters)" + templateHint(v));
      return null;
    }
    return v.toLowerCase(Locale.ROOT);
  }

  /** Like {@link #hexField} but a placeholder is accepted as is (and checked later). */
  private String hexOrPlaceholder(Node n, String what, int bytes) {
    String v = yaml.optionalText(n, what);
    if (v == null) {
      return null;
    }
    if (isPlaceholder(v)) {
      usesPlaceholders(n, v, Placeholders.Context.TEXT);
      return v;
    }
    return hexField(n, what, bytes, false);
  }

  private static boolean isPlaceholder(String v) {
    return v.startsWith(PLACEHOLDER_START) && v.endsWith("$$") && v.length() > PLACEHOLDER_START.length() + 2
        && v.indexOf("$$", PLACEHOLDER_START.length()) == v.length() - 2;
  }

  // ---------------------------------------------------------------- services

  private List<Service> services(Node n, Security security, List<Image> images) {
    List<Service> out = new ArrayList<>();
    Map<String, Node> seen = new HashMap<>();
    Set<String> imageNames = new HashSet<>();
    images.forEach(i -> imageNames.add(i.name()));
    for (Node item : yaml.items(n, "services", false)) {
      Service s = service(item, security, imageNames);
      if (s != null && unique(seen, item, "service", s.name())) {
        out.add(s);
      }
    }
    return out;
  }

  private Service service(Node n, Security security, Set<String> imageNames) {
    Yaml.Fields f = yaml.fields(n, "a service", SERVICE);
    String name = f.has("name") ? yaml.text(f.get("name"), "service name") : null;
    if (!f.has("name")) {
      yaml.problem(n, "a service needs a name");
    } else if (name != null && !isSimpleName(name)) {
      yaml.problem(f.get("name"), "service name `" + Yaml.abbreviate(name) + "` must be 1 to 128 of A-Z a-z 0-9 _ - . ~");
    }
    String where = "service " + (name == null ? "?" : name);
    String imageName = yaml.optionalText(f.get("image_name"), "image_name");
    if (imageName != null && !imageNames.contains(imageName)) {
      yaml.problem(f.get("image_name"), where + ": image_name `" + imageName + "` names no entry of images"
          + suggestion(imageName, imageNames));
    }
    if (f.has("persistency")) {
      yaml.problem(f.key("persistency"), where + ": persistency is not supported by Clave yet");
    }
    List<String> command = new ArrayList<>();
    boolean commandIsList = false;
    if (f.has("command")) {
      Node c = f.get("command");
      try {
        if (c instanceof SequenceNode) {
          commandIsList = true;
          List<String> written = new ArrayList<>();
          for (Node arg : yaml.items(c, "command", false)) {
            String a = yaml.text(arg, where + ": a command argument");
            if (a != null) {
              usesPlaceholders(arg, a, Placeholders.Context.TEXT);
              written.add(a);
            }
          }
          command.addAll(CommandSplitter.fromList(written));
        } else {
          String line = yaml.text(c, where + ": command");
          if (line != null) {
            usesPlaceholders(c, line, Placeholders.Context.TEXT);
            command.addAll(CommandSplitter.split(line));
          }
        }
        HostArguments.validate(command);
      } catch (SecretException e) {
        yaml.problem(c, where + ": " + e.getMessage());
      }
    }
    Map<String, String> env = new LinkedHashMap<>();
    List<String> hostEnv = new ArrayList<>();
    if (f.has("environment")) {
      environment(f.get("environment"), where, env, hostEnv);
    }
    String pwd = null;
    if (!f.has("pwd")) {
      yaml.problem(n, where + ": pwd is missing: every service needs a working directory, e.g. pwd: /");
    } else {
      pwd = yaml.text(f.get("pwd"), where + ": pwd");
      if (pwd != null) {
        noNul(f.get("pwd"), pwd, where + ": pwd");
      }
    }
    List<Service.AttestationVariant> variants = new ArrayList<>();
    if (f.has("attestation") && f.has("mrenclaves")) {
      yaml.problem(f.key("mrenclaves"), where + ": use either attestation or the older mrenclaves, not both");
    } else if (f.has("attestation")) {
      Node a = expand(f.get("attestation"), where + ": attestation");
      if (a == null) {
        // the fragment's problem is reported already
      } else if (a instanceof SequenceNode) {
        int i = 1;
        for (Node v : expandItems(yaml.items(a, "attestation", false), where + ": attestation")) {
          Service.AttestationVariant variant = variant(v, where + ": attestation variant " + i++);
          if (variant != null) {
            variants.add(variant);
          }
        }
      } else {
        Service.AttestationVariant variant = variant(a, where + ": attestation");
        if (variant != null) {
          variants.add(variant);
        }
      }
    } else if (f.has("mrenclaves")) {
      List<String> mrenclaves = measurements(f.get("mrenclaves"), where + ": mrenclaves");
      if (!mrenclaves.isEmpty()) {
        variants.add(new Service.AttestationVariant(mrenclaves, null));
      }
    }
    if (variants.isEmpty() && security.mode() == AttestationRules.Mode.HARDWARE && !f.has("attestation")
        && !f.has("mrenclaves")) {
      yaml.problem(n, where + " has no attestation: add mrenclaves: [<MRENCLAVE>] or attestation: {mrenclave: …, signer: …}"
          + " (or set security.attestation.mode: none to disable attestation)");
    }
    List<String> platforms = new ArrayList<>();
    for (Node p : expandItems(yaml.items(f.get("platforms"), where + ": platforms", false), where + ": platforms")) {
      String id = platform(p, where);
      if (id != null) {
        platforms.add(id);
      }
    }
    String otp = otpSecret(f.get("one_time_password_shared_secret"), where + ": one_time_password_shared_secret");
    Service.Fspf fspf = null;
    if (f.has("fspf_path") || f.has("fspf_key") || f.has("fspf_tag") || f.has("fspf_update_policy")) {
      String path = yaml.optionalText(f.get("fspf_path"), "fspf_path");
      String key = hexOrPlaceholder(f.get("fspf_key"), where + ": fspf_key", 32);
      String tag = hexField(f.get("fspf_tag"), where + ": fspf_tag", 16, true);
      String policy = oneOf(f.get("fspf_update_policy"), where + ": fspf_update_policy", FSPF_UPDATE_POLICIES,
          "rollback_protected_reinitializable");
      if (path == null) {
        yaml.problem(n, where + ": fspf_key, fspf_tag and fspf_update_policy need fspf_path");
      }
      fspf = new Service.Fspf(path, key, tag, policy);
    }
    if (name == null) {
      return null;
    }
    return new Service(name, imageName, command, commandIsList, env, hostEnv, pwd, variants, platforms, otp, fspf);
  }

  private void noNul(Node n, String v, String what) {
    if (v.indexOf('\0') >= 0) {
      yaml.problem(n, what + " must not contain NUL characters");
    }
  }

  private void environment(Node n, String where, Map<String, String> env, List<String> hostEnv) {
    if (!(n instanceof MappingNode m)) {
      yaml.problem(n, where + ": environment must be a mapping of NAME: value, not " + Yaml.describe(n));
      return;
    }
    Map<String, Node> seen = new HashMap<>();
    for (NodeTuple t : m.getValue()) {
      String key = t.getKeyNode() instanceof ScalarNode k && !Yaml.isNull(k) ? k.getValue() : null;
      if (key == null) {
        yaml.problem(t.getKeyNode(), where + ": environment names must be text");
        continue;
      }
      Matcher host = HOST_ENV_KEY.matcher(key);
      String name = host.matches() ? host.group(1) : key;
      if (seen.containsKey(name)) {
        yaml.problem(t.getKeyNode(), where + ": environment variable " + name + " is defined twice (first at line "
            + Yaml.line(seen.get(name)) + ")");
        continue;
      }
      seen.put(name, t.getKeyNode());
      if (host.matches()) {
        hostEnv.add(name);
        continue; // the value of a pass-through key is ignored (reference §1.3)
      }
      if (key.startsWith("@") || key.startsWith("\\@")) {
        yaml.problem(t.getKeyNode(), where + ": environment key `" + key + "` is not a host pass-through: write \\@\\@NAME with NAME a variable name");
        continue;
      }
      if (key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0) {
        yaml.problem(t.getKeyNode(), where + ": environment name `" + Yaml.abbreviate(key) + "` must be non-empty without = or NUL");
        continue;
      }
      Node v = t.getValueNode();
      String value = Yaml.isNull(v) ? "" : yaml.text(v, where + ": environment value of " + key);
      if (value != null) {
        noNul(v, value, where + ": environment value of " + key);
        usesPlaceholders(v, value, Placeholders.Context.TEXT);
        env.put(key, value);
      }
    }
  }

  private Service.AttestationVariant variant(Node n, String where) {
    Yaml.Fields f = yaml.fields(n, where, VARIANT);
    List<String> mrenclaves = f.has("mrenclave") ? measurements(f.get("mrenclave"), where + ": mrenclave") : List.of();
    Service.Signer signer = f.has("signer") ? signer(f.get("signer"), where + ": signer") : null;
    if (mrenclaves.isEmpty() && signer == null) {
      if (!f.has("mrenclave") && !f.has("signer")) {
        yaml.problem(n, where + " needs mrenclave, signer, or both");
      }
      return null;
    }
    return new Service.AttestationVariant(mrenclaves, signer);
  }

  private List<String> measurements(Node n, String what) {
    List<String> out = new ArrayList<>();
    for (Node item : yaml.items(n, what, true)) {
      String v = hexOrPlaceholder(item, what, 32);
      if (v != null) {
        out.add(v);
      }
    }
    if (out.isEmpty() && yaml.items(n, what, true).isEmpty()) {
      yaml.problem(n, what + " lists no MRENCLAVE");
    }
    return out;
  }

  private Service.Signer signer(Node n, String where) {
    Yaml.Fields f = yaml.fields(n, where, SIGNER);
    String mrsigner = f.has("mrsigner") ? hexOrPlaceholder(f.get("mrsigner"), where + ": mrsigner", 32) : null;
    if (!f.has("mrsigner")) {
      yaml.problem(n, where + " needs mrsigner");
    }
    Integer prodId = f.has("isvprodid") ? yaml.integer(f.get("isvprodid"), where + ": isvprodid", 0, 65535) : null;
    if (f.has("isvsvn") && (f.has("isvsvn_min") || f.has("isvsvn_max"))) {
      yaml.problem(f.key("isvsvn"), where + ": use isvsvn (a minimum) or isvsvn_min/isvsvn_max, not both");
    }
    Integer min = f.has("isvsvn") ? yaml.integer(f.get("isvsvn"), where + ": isvsvn", 0, 65535)
        : f.has("isvsvn_min") ? yaml.integer(f.get("isvsvn_min"), where + ": isvsvn_min", 0, 65535) : Integer.valueOf(0);
    Integer max = f.has("isvsvn_max") ? yaml.integer(f.get("isvsvn_max"), where + ": isvsvn_max", 0, 65535) : Integer.valueOf(65535);
    if (min != null && max != null && min > max) {
      yaml.problem(f.key("isvsvn_max"), where + ": isvsvn_min " + min + " is above isvsvn_max " + max);
    }
    if (mrsigner == null) {
      return null;
    }
    return new Service.Signer(mrsigner, prodId, min == null ? 0 : min, max == null ? 65535 : max);
  }

  /** A platform ID: 64 hex (a LAS key), INTEL_QE_ID: and 32 hex, or a placeholder; hex lowercased. */
  private String platform(Node n, String where) {
    String v = yaml.text(n, where + ": a platform");
    if (v == null) {
      return null;
    }
    if (isPlaceholder(v)) {
      usesPlaceholders(n, v, Placeholders.Context.TEXT);
      return v;
    }
    if (v.regionMatches(true, 0, "INTEL_QE_ID:", 0, 12)) {
      String hex = v.substring(12);
      if (hex.length() == 32 && HEX.matcher(hex).matches()) {
        return "INTEL_QE_ID:" + hex.toLowerCase(Locale.ROOT);
      }
      yaml.problem(n, where + ": platform `" + Yaml.abbreviate(v) + "` must be INTEL_QE_ID: followed by 32 hex digits");
      return null;
    }
    if (v.length() == 64 && HEX.matcher(v).matches()) {
      return v.toLowerCase(Locale.ROOT);
    }
    yaml.problem(n, where + ": platform `" + Yaml.abbreviate(v) + "` must be a LAS platform key (64 hex digits, as the LAS log prints it)"
        + " or INTEL_QE_ID:<32 hex digits>" + templateHint(v));
    return null;
  }

  private String otpSecret(Node n, String what) {
    String v = yaml.optionalText(n, what);
    if (v == null) {
      return null;
    }
    if (isPlaceholder(v)) {
      usesPlaceholders(n, v, Placeholders.Context.TEXT);
      return v;
    }
    // RFC 6238 shared secrets of at least 128 bits: 26 base32 characters.
    if (!BASE32.matcher(v).matches() || v.replace("=", "").length() < 26) {
      yaml.problem(n, what + " must be base32 (A-Z, 2-7) of at least 128 bits (26 characters), or a $$SCONE::…:base32nopad$$ placeholder");
      return null;
    }
    return v;
  }

  private String oneOf(Node n, String what, Set<String> allowed, String dflt) {
    String v = yaml.optionalText(n, what);
    if (v == null) {
      return dflt;
    }
    if (!allowed.contains(v)) {
      yaml.problem(n, what + " must be one of " + String.join(", ", new java.util.TreeSet<>(allowed)) + ", not `" + Yaml.abbreviate(v) + "`");
      return dflt;
    }
    return v;
  }

  private String suggestion(String v, Set<String> candidates) {
    String near = Suggest.closest(v, candidates);
    if (near != null) {
      return " (did you mean `" + near + "`?)";
    }
    if (candidates.isEmpty()) {
      return " (there are none)";
    }
    List<String> names = new ArrayList<>(candidates);
    names.sort(null);
    return names.size() <= 8 ? " (there are: " + String.join(", ", names) + ")" : "";
  }

  // ---------------------------------------------------------------- security

  private Security security(Node n) {
    Yaml.Fields f = yaml.fields(n, "security", SECURITY);
    boolean singleton = f.has("singleton_enclaves") && Boolean.TRUE.equals(yaml.bool(f.get("singleton_enclaves"), "security.singleton_enclaves"));
    String token = yaml.optionalText(f.get("service_access_token"), "security.service_access_token");
    if (!f.has("attestation")) {
      return new Security(AttestationRules.Mode.HARDWARE, Set.of(), AttestationRules.AdvisoryRule.NONE, List.of(), null,
          token, singleton, false);
    }
    Node an = expand(f.get("attestation"), "security.attestation");
    if (an == null) {
      return new Security(AttestationRules.Mode.HARDWARE, Set.of(), AttestationRules.AdvisoryRule.NONE, List.of(), null,
          token, singleton, false);
    }
    Yaml.Fields a = yaml.fields(an, "security.attestation", SECURITY_ATTESTATION);
    AttestationRules.Mode mode = AttestationRules.Mode.HARDWARE;
    String m = yaml.optionalText(a.get("mode"), "security.attestation.mode");
    if (m != null) {
      switch (m) {
        case "hardware", "default" -> mode = AttestationRules.Mode.HARDWARE;
        case "none" -> mode = AttestationRules.Mode.NONE;
        case "maa" -> yaml.problem(a.get("mode"), "security.attestation.mode: maa (Microsoft Azure Attestation) is not supported by Clave yet; use hardware");
        default -> yaml.problem(a.get("mode"), "security.attestation.mode must be hardware, default or none, not `" + Yaml.abbreviate(m) + "`");
      }
    }
    for (String maaKey : List.of("url", "certificates", "min_rsa_signing_key_size")) {
      if (a.has(maaKey)) {
        yaml.problem(a.key(maaKey), "security.attestation." + maaKey + " belongs to mode: maa, which is not supported by Clave yet");
      }
    }
    Set<Tolerance> tolerate = EnumSet.noneOf(Tolerance.class);
    Set<String> names = new LinkedHashSet<>();
    for (Tolerance t : Tolerance.values()) {
      names.add(t.yamlName());
    }
    for (Node t : yaml.items(a.get("tolerate"), "security.attestation.tolerate", true)) {
      String v = yaml.text(t, "a tolerate entry");
      if (v == null) {
        continue;
      }
      Tolerance tol = Tolerance.byName(v).orElse(null);
      if (tol == null) {
        yaml.problem(t, "tolerate `" + Yaml.abbreviate(v) + "` is not a known condition" + suggestion(v, names)
            + "; known: " + String.join(", ", names));
      } else if (!tolerate.add(tol)) {
        yaml.problem(t, "tolerate lists " + v + " twice");
      }
    }
    if (tolerate.contains(Tolerance.MAA_MANAGED_TCB)) {
      yaml.problem(a.get("tolerate"), "tolerate maa-managed-tcb belongs to mode: maa, which is not supported by Clave yet");
    }
    AttestationRules.AdvisoryRule ignore = AttestationRules.AdvisoryRule.NONE;
    Node ia = a.get("ignore_advisories");
    if (ia instanceof ScalarNode s && !Yaml.isNull(s)) {
      if (s.getValue().equals("*")) {
        ignore = new AttestationRules.AdvisoryRule(true, Set.of());
        if (!tolerate.contains(Tolerance.DEBUG_MODE)) {
          yaml.problem(ia, "ignore_advisories: \"*\" is allowed only when debug-mode is tolerated; list the advisories (e.g. [INTEL-SA-00615]) or add debug-mode to tolerate");
        }
      } else {
        ignore = new AttestationRules.AdvisoryRule(false, advisories(List.of(ia)));
      }
    } else if (ia != null) {
      ignore = new AttestationRules.AdvisoryRule(false, advisories(yaml.items(ia, "ignore_advisories", false)));
    }
    List<String> qeKeys = new ArrayList<>();
    for (Node k : yaml.items(a.get("trusted_scone_qe_pubkeys"), "trusted_scone_qe_pubkeys", false)) {
      String v = hexOrPlaceholder(k, "a trusted_scone_qe_pubkeys entry", 32);
      if (v != null) {
        qeKeys.add(v);
      }
    }
    String otp = otpSecret(a.get("one_time_password_shared_secret"), "security.attestation.one_time_password_shared_secret");
    boolean local = a.has("must_be_sgx_local") && Boolean.TRUE.equals(yaml.bool(a.get("must_be_sgx_local"), "must_be_sgx_local"));
    if (local && !tolerate.contains(Tolerance.LOCAL_ATTESTATION_TRUST_CAS_TCB)) {
      yaml.problem(a.get("must_be_sgx_local"), "must_be_sgx_local needs local-attestation-trust-cas-tcb in tolerate");
    }
    return new Security(mode, tolerate, ignore, qeKeys, otp, token, singleton, local);
  }

  private Set<String> advisories(List<Node> items) {
    Set<String> out = new LinkedHashSet<>();
    for (Node i : items) {
      String v = yaml.text(i, "an ignore_advisories entry");
      if (v == null) {
        continue;
      }
      if (v.equals("*")) {
        yaml.problem(i, "the wildcard \"*\" stands alone: write ignore_advisories: \"*\"");
      } else if (!ADVISORY.matcher(v).matches()) {
        yaml.problem(i, "advisory `" + Yaml.abbreviate(v) + "` must be an Intel advisory ID such as INTEL-SA-00615");
      } else {
        out.add(v);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- images and volumes

  private List<Image> images(Node n, List<Volume> volumes) {
    Set<String> volumeNames = new HashSet<>();
    volumes.forEach(v -> volumeNames.add(v.name()));
    List<Image> out = new ArrayList<>();
    Map<String, Node> seen = new HashMap<>();
    for (Node item : yaml.items(n, "images", false)) {
      Yaml.Fields f = yaml.fields(item, "an image", IMAGE);
      String name = entryName(item, f, "image", seen);
      if (name == null) {
        continue;
      }
      String where = "image " + name;
      List<Image.InjectionFile> files = new ArrayList<>();
      Map<String, Node> paths = new HashMap<>();
      for (Node fileNode : yaml.items(f.get("injection_files"), where + ": injection_files", false)) {
        Image.InjectionFile file = injectionFile(fileNode, where);
        if (file == null) {
          continue;
        }
        if (paths.containsKey(file.path())) {
          yaml.problem(fileNode, where + ": injection file " + file.path() + " is listed twice (first at line "
              + Yaml.line(paths.get(file.path())) + ")");
          continue;
        }
        paths.put(file.path(), fileNode);
        files.add(file);
      }
      List<Image.VolumeMount> mounts = new ArrayList<>();
      for (Node v : yaml.items(f.get("volumes"), where + ": volumes", false)) {
        Yaml.Fields vf = yaml.fields(v, where + ": a volume", IMAGE_VOLUME);
        String vname = yaml.text(vf.get("name"), where + ": volume name");
        String path = yaml.text(vf.get("path"), where + ": volume path");
        String policy = oneOf(vf.get("update_policy"), where + ": update_policy", UPDATE_POLICIES, "rollback_protected");
        if (vname != null && !volumeNames.contains(vname)) {
          yaml.problem(vf.get("name"), where + ": volume `" + vname + "` names no entry of volumes" + suggestion(vname, volumeNames));
        }
        if (vname != null && path != null) {
          mounts.add(new Image.VolumeMount(vname, path, policy));
        }
      }
      List<String> provide = null;
      if (f.has("provide_secrets")) {
        provide = new ArrayList<>();
        for (Node s : yaml.items(f.get("provide_secrets"), where + ": provide_secrets", false)) {
          String secret = yaml.text(s, "a provide_secrets entry");
          if (secret != null) {
            referSecret(s, secret, where + ": provide_secrets", null);
            provide.add(secret);
          }
        }
      }
      out.add(new Image(name, files, mounts, provide));
    }
    return out;
  }

  /** The name of a list entry ({@code kind} "image", "volume"), unique among {@code seen}; null after a problem. */
  private String entryName(Node item, Yaml.Fields f, String kind, Map<String, Node> seen) {
    if (!f.has("name")) {
      yaml.problem(item, "a" + (kind.startsWith("i") ? "n " : " ") + kind + " needs a name");
      return null;
    }
    String name = yaml.text(f.get("name"), kind + " name");
    return name != null && unique(seen, item, kind, name) ? name : null;
  }

  /** Records {@code name} as seen at {@code item}; false, after a problem, when a {@code kind} of that name came before. */
  private boolean unique(Map<String, Node> seen, Node item, String kind, String name) {
    if (seen.containsKey(name)) {
      yaml.problem(item, "duplicate " + kind + " name `" + name + "` (first at line " + Yaml.line(seen.get(name)) + ")");
      return false;
    }
    seen.put(name, item);
    return true;
  }

  private Image.InjectionFile injectionFile(Node n, String where) {
    if (n instanceof ScalarNode) {
      String path = yaml.text(n, where + ": an injection file");
      return path != null && absolutePath(n, path, where) ? new Image.InjectionFile(path, null, Image.InjectionFile.DEFAULT_PERMISSION) : null;
    }
    Yaml.Fields f = yaml.fields(n, where + ": an injection file", INJECTION_FILE);
    if (!f.has("path")) {
      yaml.problem(n, where + ": an injection file needs a path");
      return null;
    }
    String path = yaml.text(f.get("path"), where + ": injection file path");
    String content = null;
    if (f.has("content")) {
      content = Yaml.isNull(f.get("content")) ? "" : yaml.text(f.get("content"), where + ": content");
      if (content != null) {
        usesPlaceholders(f.get("content"), content, Placeholders.Context.FILE);
      }
    }
    int permission = Image.InjectionFile.DEFAULT_PERMISSION;
    if (f.has("permission")) {
      Integer p = permission(f.get("permission"), where);
      if (p != null) {
        permission = p;
      }
    }
    return path != null && absolutePath(f.get("path"), path, where) ? new Image.InjectionFile(path, content, permission) : null;
  }

  /** A Unix mode: 0o100 (YAML 1.2 octal), or digits with a leading 0 read as octal as in chmod. */
  private Integer permission(Node n, String where) {
    String t = yaml.text(n, where + ": permission");
    if (t == null) {
      return null;
    }
    String s = t.strip();
    Integer v = null;
    try {
      if (s.startsWith("0o")) {
        v = Integer.parseInt(s.substring(2), 8);
      } else if (s.startsWith("0") && s.length() > 1) {
        v = Integer.parseInt(s.substring(1), 8);
      } else {
        v = Integer.parseInt(s);
      }
    } catch (NumberFormatException e) {
      v = null;
    }
    if (v == null || v < 0 || v > 07777) {
      yaml.problem(n, where + ": permission must be a Unix mode such as 0o600 (at most 0o7777), not `" + Yaml.abbreviate(t) + "`");
      return null;
    }
    return v;
  }

  private boolean absolutePath(Node n, String path, String where) {
    if (!path.startsWith("/") || path.indexOf('\0') >= 0 || path.contains("/../") || path.endsWith("/..")) {
      yaml.problem(n, where + ": injection file path `" + Yaml.abbreviate(path) + "` must be absolute, without .. or NUL");
      return false;
    }
    return true;
  }

  private List<Volume> volumes(Node n) {
    List<Volume> out = new ArrayList<>();
    Map<String, Node> seen = new HashMap<>();
    for (Node item : yaml.items(n, "volumes", false)) {
      Yaml.Fields f = yaml.fields(item, "a volume", VOLUME);
      String name = entryName(item, f, "volume", seen);
      if (name == null) {
        continue;
      }
      String where = "volume " + name;
      String files = oneOf(f.get("files"), where + ": files", Set.of("encrypted", "authenticated-only"), "encrypted");
      String key = hexOrPlaceholder(f.get("fspf_key"), where + ": fspf_key", 32);
      String tag = hexField(f.get("fspf_tag"), where + ": fspf_tag", 16, true);
      List<Volume.Export> exports = new ArrayList<>();
      for (Node e : yaml.items(f.get("export"), where + ": export", false)) {
        Yaml.Fields ef = yaml.fields(e, where + ": an export", VOLUME_EXPORT);
        Yaml.Fields to = yaml.fields(ef.get("to"), where + ": export to", SESSION_REF);
        String session = yaml.text(to.get("session"), where + ": export to session");
        String hash = hexField(to.get("session_hash"), where + ": export session_hash", 32, true);
        String policy = oneOf(ef.get("update_policy"), where + ": export update_policy", UPDATE_POLICIES, "rollback_protected");
        String alias = yaml.optionalText(ef.get("volume_alias"), where + ": volume_alias");
        if (session != null) {
          exports.add(new Volume.Export(session, hash, policy, alias));
        }
      }
      Volume.Import imp = null;
      if (f.has("import")) {
        Yaml.Fields i = yaml.fields(f.get("import"), where + ": import", VOLUME_IMPORT);
        String session = yaml.text(i.get("session"), where + ": import session");
        String volume = yaml.text(i.get("volume"), where + ": import volume");
        if (session != null && volume != null) {
          imp = new Volume.Import(session, volume);
        }
      }
      out.add(new Volume(name, files, key, tag, exports, imp));
    }
    return out;
  }

  // ---------------------------------------------------------------- secrets

  private List<SecretSpec> secrets(Node n) {
    List<Node> items = yaml.items(n, "secrets", false);
    // Names and kinds first, so that references may point forward.
    for (Node item : items) {
      if (item instanceof MappingNode m) {
        String name = null;
        SecretKind kind = null;
        for (NodeTuple t : m.getValue()) {
          if (t.getKeyNode() instanceof ScalarNode k && t.getValueNode() instanceof ScalarNode v) {
            // The first of duplicated keys, as Yaml.fields takes it (the duplicate is reported there).
            if (k.getValue().equals("name") && name == null) {
              name = v.getValue();
            } else if (k.getValue().equals("kind") && kind == null) {
              kind = SecretKind.byName(v.getValue()).orElse(null);
            }
          }
        }
        if (name != null && !secretKinds.containsKey(name)) {
          secretKinds.put(name, kind);
          secretNodes.put(name, item);
          if (kind == SecretKind.CONFIG_FRAGMENT) {
            fragmentSource(name, (MappingNode) item);
          }
        }
      }
    }
    List<SecretSpec> out = new ArrayList<>();
    Map<String, Node> seen = new HashMap<>();
    for (Node item : items) {
      SecretSpec s = secret(item);
      if (s != null && unique(seen, item, "secret", s.name())) {
        out.add(s);
      }
    }
    checkSecretCycles(out);
    return out;
  }

  private SecretSpec secret(Node n) {
    Yaml.Fields f = yaml.fields(n, "a secret", SECRET);
    if (!f.has("name")) {
      yaml.problem(n, "a secret needs a name");
      return null;
    }
    String name = yaml.text(f.get("name"), "secret name");
    if (name == null) {
      return null;
    }
    if (!isSimpleName(name)) {
      yaml.problem(f.get("name"), "secret name `" + Yaml.abbreviate(name) + "` must be 1 to 128 of A-Z a-z 0-9 _ - . ~");
    }
    String where = "secret " + name;
    if (f.has("import_akv")) {
      yaml.problem(f.key("import_akv"), where + ": import_akv (Azure Key Vault) is not supported by Clave yet");
    }
    if (!f.has("kind")) {
      yaml.problem(n, where + " needs a kind: one of ascii, binary, private-key, public-key, x509, x509-ca, config-fragment");
      return null;
    }
    String kindText = yaml.text(f.get("kind"), where + ": kind");
    if (kindText == null) {
      return null;
    }
    SecretKind kind = SecretKind.byName(kindText).orElse(null);
    if (kind == null) {
      Set<String> kinds = new LinkedHashSet<>();
      for (SecretKind k : SecretKind.values()) {
        kinds.add(k.yamlName());
      }
      yaml.problem(f.get("kind"), where + ": kind `" + Yaml.abbreviate(kindText) + "` is not a secret kind" + suggestion(kindText, kinds)
          + "; kinds: ascii, binary, private-key, public-key, x509, x509-ca, config-fragment");
      return null;
    }
    if (!kind.supported()) {
      yaml.problem(f.get("kind"), where + ": kind " + kind.yamlName() + " is not supported by Clave yet");
      return null;
    }
    Set<String> allowed = new HashSet<>(KIND_FIELDS.get(kind));
    allowed.addAll(Set.of("name", "kind", "value", "export", "export_public", "import", "import_akv"));
    for (Map.Entry<String, Node> e : f.keys().entrySet()) {
      if (SECRET.contains(e.getKey()) && !allowed.contains(e.getKey())) {
        yaml.problem(e.getValue(), where + ": " + e.getKey() + " is not a field of a secret of kind " + kind.yamlName());
      }
    }
    SecretSpec.SecretImport imp = null;
    if (f.has("import")) {
      imp = secretImport(f.get("import"), where);
    }
    if (f.has("value") && imp != null) {
      yaml.problem(f.key("value"), where + ": a secret has a value or an import, not both");
    }
    String value = f.has("value") ? secretValue(f.get("value"), kind, where) : null;
    Integer size = null;
    if (f.has("size")) {
      size = yaml.integer(f.get("size"), where + ": size", 1, 65536);
      if (value != null || imp != null) {
        yaml.problem(f.key("size"), where + ": size applies only to generated values");
      }
    }
    KeyType keyType = null;
    if (kind == SecretKind.PRIVATE_KEY) {
      keyType = KeyType.P256;
      String kt = yaml.optionalText(f.get("key_type"), where + ": key_type");
      if (kt != null) {
        keyType = KeyType.byName(kt).orElse(null);
        if (keyType == null) {
          yaml.problem(f.get("key_type"), where + ": key_type `" + Yaml.abbreviate(kt) + "` must be one of P-256, P-384, Ed25519, RSA-2048, RSA-3072");
          keyType = KeyType.P256;
        }
      }
    }
    boolean migrate = f.has("migrate") && Boolean.TRUE.equals(yaml.bool(f.get("migrate"), where + ": migrate"));
    String privateKey = null;
    if (f.has("private_key")) {
      privateKey = yaml.text(f.get("private_key"), where + ": private_key");
      if (privateKey != null) {
        referSecret(f.get("private_key"), privateKey, where + ": private_key", SecretKind.PRIVATE_KEY);
      }
    } else if ((kind == SecretKind.PUBLIC_KEY || kind == SecretKind.X509 || kind == SecretKind.X509_CA)
        && value == null && imp == null) {
      yaml.problem(n, where + ": a generated " + kind.yamlName() + " needs private_key: <name of a private-key secret>");
    }
    String issuer = null;
    if (f.has("issuer")) {
      issuer = yaml.text(f.get("issuer"), where + ": issuer");
      if (issuer != null) {
        referSecret(f.get("issuer"), issuer, where + ": issuer", SecretKind.X509_CA);
      }
    }
    String cn = yaml.optionalText(f.get("common_name"), where + ": common_name");
    List<SecretSpec.SubjectAltName> sans = new ArrayList<>();
    for (Node d : yaml.items(f.get("dns"), where + ": dns", true)) {
      String v = yaml.text(d, where + ": a dns entry");
      if (v != null && dnsName(d, v, where)) {
        sans.add(new SecretSpec.SubjectAltName(SecretSpec.SubjectAltName.Type.DNS, v));
      }
    }
    for (Node s : yaml.items(f.get("san"), where + ": san", true)) {
      SecretSpec.SubjectAltName san = subjectAltName(s, where);
      if (san != null) {
        sans.add(san);
      }
    }
    SecretSpec.Endpoint endpoint = null;
    String ep = yaml.optionalText(f.get("endpoint"), where + ": endpoint");
    if (ep != null) {
      switch (ep) {
        case "server" -> endpoint = SecretSpec.Endpoint.SERVER;
        case "client" -> endpoint = SecretSpec.Endpoint.CLIENT;
        default -> yaml.problem(f.get("endpoint"), where + ": endpoint must be server or client, not `" + Yaml.abbreviate(ep) + "`");
      }
    }
    Duration validFor = null;
    String vf = yaml.optionalText(f.get("valid_for"), where + ": valid_for");
    if (vf != null) {
      validFor = duration(f.get("valid_for"), vf, where);
    }
    List<SecretSpec.SecretExport> exports = new ArrayList<>();
    for (Node e : yaml.items(f.get("export"), where + ": export", false)) {
      SecretSpec.SecretExport ex = secretExport(e, where);
      if (ex != null) {
        exports.add(ex);
      }
    }
    boolean exportPublic = f.has("export_public") && Boolean.TRUE.equals(yaml.bool(f.get("export_public"), where + ": export_public"));
    return new SecretSpec(name, kind, value, size, keyType, migrate, privateKey, issuer, cn, sans, endpoint, validFor,
        exports, exportPublic, imp);
  }

  private String secretValue(Node n, SecretKind kind, String where) {
    if (kind == SecretKind.CONFIG_FRAGMENT) {
      if (Yaml.isNull(n)) {
        yaml.problem(n, where + ": a config-fragment value must be YAML (a mapping or a list)");
        return null;
      }
      return Fragments.canonicalText(n);
    }
    String v = yaml.text(n, where + ": value");
    if (v == null) {
      return null;
    }
    switch (kind) {
      case BINARY -> {
        if (v.isEmpty() || v.length() % 2 != 0 || !HEX.matcher(v).matches()) {
          yaml.problem(n, where + ": a binary value is written as hex digits (an even number of them)");
          return null;
        }
        return v.toLowerCase(Locale.ROOT);
      }
      case PRIVATE_KEY -> pemKind(n, v, where, "PRIVATE KEY", "a PKCS#8 private key");
      case PUBLIC_KEY -> pemKind(n, v, where, "PUBLIC KEY", "a public key (SubjectPublicKeyInfo)");
      case X509, X509_CA -> pemKind(n, v, where, "CERTIFICATE", "a certificate");
      default -> {
        // ascii: any text without NUL
        noNul(n, v, where + ": value");
      }
    }
    return v;
  }

  private void pemKind(Node n, String v, String where, String label, String what) {
    String s = v.strip();
    if (!s.startsWith("-----BEGIN " + label + "-----") || !s.endsWith("-----END " + label + "-----")) {
      yaml.problem(n, where + ": value must be " + what + " in PEM (-----BEGIN " + label + "----- … -----END " + label + "-----)");
    }
  }

  private boolean dnsName(Node n, String v, String where) {
    if (v.isEmpty() || v.length() > 253 || !v.matches("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9\\-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9\\-]{0,61}[A-Za-z0-9])?)*")) {
      yaml.problem(n, where + ": `" + Yaml.abbreviate(v) + "` is not a DNS name");
      return false;
    }
    return true;
  }

  private SecretSpec.SubjectAltName subjectAltName(Node n, String where) {
    String v = yaml.text(n, where + ": a san entry");
    if (v == null) {
      return null;
    }
    if (v.startsWith("dns:")) {
      String d = v.substring(4);
      return dnsName(n, d, where) ? new SecretSpec.SubjectAltName(SecretSpec.SubjectAltName.Type.DNS, d) : null;
    }
    if (v.startsWith("ip:")) {
      String ip = v.substring(3);
      if (isIpLiteral(ip)) {
        return new SecretSpec.SubjectAltName(SecretSpec.SubjectAltName.Type.IP, ip);
      }
      yaml.problem(n, where + ": `" + Yaml.abbreviate(ip) + "` is not an IPv4 or IPv6 address");
      return null;
    }
    yaml.problem(n, where + ": a san entry is dns:<name> or ip:<address>, not `" + Yaml.abbreviate(v) + "`");
    return null;
  }

  private static boolean isIpLiteral(String s) {
    if (s.matches("(25[0-5]|2[0-4][0-9]|1?[0-9]{1,2})(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]{1,2})){3}")) {
      return true;
    }
    if (s.indexOf(':') >= 0 && s.matches("[0-9A-Fa-f:.]+")) {
      try {
        // An IPv6 literal never triggers a name lookup.
        return java.net.InetAddress.getByName(s) instanceof java.net.Inet6Address;
      } catch (java.net.UnknownHostException e) {
        return false;
      }
    }
    return false;
  }

  private Duration duration(Node n, String v, String where) {
    Matcher m = VALID_FOR.matcher(v.strip());
    if (!m.matches()) {
      yaml.problem(n, where + ": valid_for must be a count and a unit, e.g. 90 days, 59d, 12 weeks, 1 year or 24 hours, not `" + Yaml.abbreviate(v) + "`");
      return null;
    }
    long count = Long.parseLong(m.group(1));
    char unit = Character.toLowerCase(m.group(2).charAt(0));
    Duration d = switch (unit) {
      case 'h' -> Duration.ofHours(count);
      case 'd' -> Duration.ofDays(count);
      case 'w' -> Duration.ofDays(7 * count);
      default -> Duration.ofDays(365 * count);
    };
    if (d.isZero() || d.toDays() > 36500) {
      yaml.problem(n, where + ": valid_for must be more than zero and at most 100 years");
      return null;
    }
    return d;
  }

  private SecretSpec.SecretExport secretExport(Node n, String where) {
    Yaml.Fields f = yaml.fields(n, where + ": an export", SECRET_EXPORT);
    String session = yaml.optionalText(f.get("session"), where + ": export session");
    String namespace = yaml.optionalText(f.get("namespace"), where + ": export namespace");
    String hash = hexField(f.get("session_hash"), where + ": export session_hash", 32, true);
    if ((session == null) == (namespace == null)) {
      yaml.problem(n, where + ": an export names exactly one of session or namespace");
      return null;
    }
    if (namespace != null && f.has("session_hash")) {
      yaml.problem(f.key("session_hash"), where + ": a namespace export cannot pin a session_hash");
      return null;
    }
    String target = session != null ? session : namespace;
    if (!isRelativeOrSessionName(target)) {
      yaml.problem(f.get(session != null ? "session" : "namespace"), where + ": `" + Yaml.abbreviate(target) + "` is not a session name");
      return null;
    }
    return new SecretSpec.SecretExport(session, hash, namespace);
  }

  private static boolean isRelativeOrSessionName(String v) {
    String s = v;
    while (s.startsWith("../")) {
      s = s.substring(3);
    }
    if (s.startsWith("./")) {
      s = s.substring(2);
    }
    return isSessionName(s);
  }

  private SecretSpec.SecretImport secretImport(Node n, String where) {
    if (n instanceof ScalarNode) {
      yaml.problem(n, where + ": the URL form of import is not supported by Clave yet; write import: {session: <name>, secret: <name>}");
      return null;
    }
    Yaml.Fields f = yaml.fields(n, where + ": import", SECRET_IMPORT);
    for (String remote : List.of("cas_url", "cas_key", "cas_software_key")) {
      if (f.has(remote)) {
        yaml.problem(f.key(remote), where + ": importing from another CAS (" + remote + ") is not supported by Clave yet");
      }
    }
    String session = yaml.text(f.get("session"), where + ": import session");
    String secret = yaml.text(f.get("secret"), where + ": import secret");
    if (session == null || secret == null) {
      return null;
    }
    if (!isRelativeOrSessionName(session)) {
      yaml.problem(f.get("session"), where + ": import session `" + Yaml.abbreviate(session) + "` is not a session name");
    }
    return new SecretSpec.SecretImport(session, secret);
  }

  /** A reference to another secret of this session, of {@code kind} when not null. */
  private void referSecret(Node n, String name, String where, SecretKind kind) {
    if (!secretKinds.containsKey(name)) {
      yaml.problem(n, where + " names `" + name + "`, which is not a secret of this session" + suggestion(name, secretKinds.keySet()));
      return;
    }
    SecretKind actual = secretKinds.get(name);
    if (kind != null && actual != null && actual != kind) {
      yaml.problem(n, where + " must name a secret of kind " + kind.yamlName() + "; `" + name + "` is of kind " + actual.yamlName());
    }
  }

  /** private_key / issuer chains must not loop (an x509-ca issued by itself through others). */
  private void checkSecretCycles(List<SecretSpec> specs) {
    Map<String, SecretSpec> byName = new HashMap<>();
    specs.forEach(s -> byName.put(s.name(), s));
    for (SecretSpec s : specs) {
      Set<String> path = new LinkedHashSet<>();
      SecretSpec cur = s;
      while (cur != null && cur.issuer() != null && !cur.issuer().equals(cur.name())) {
        if (!path.add(cur.name())) {
          yaml.problem(secretNodes.get(s.name()), "secret " + s.name() + ": issuers form a cycle: " + String.join(" → ", path));
          break;
        }
        cur = byName.get(cur.issuer());
      }
    }
  }

  // ---------------------------------------------------------------- access policy

  private AccessPolicy accessPolicy(Node n) {
    Yaml.Fields f = yaml.fields(n, "access_policy", ACCESS);
    AccessRule read = f.has("read") ? rule(f.get("read"), "access_policy.read", false) : null;
    AccessRule update = f.has("update") ? rule(f.get("update"), "access_policy.update", true) : null;
    AccessRule create = f.has("create_sessions") ? rule(f.get("create_sessions"), "access_policy.create_sessions", true) : null;
    AccessRule list = f.has("list_sessions") ? rule(f.get("list_sessions"), "access_policy.list_sessions", false) : null;
    return AccessPolicy.of(read, update, create, list);
  }

  private static final Pattern AT_LEAST = Pattern.compile("require-at-least-([0-9]{1,4})");

  private AccessRule rule(Node n, String where, boolean governance) {
    if (n instanceof MappingNode m && m.getValue().size() == 1
        && m.getValue().get(0).getKeyNode() instanceof ScalarNode k
        && (k.getValue().equals("require-all") || k.getValue().startsWith("require-at-least-"))) {
      if (!governance) {
        yaml.problem(k, where + ": " + k.getValue() + " is allowed only in update and create_sessions");
        return new AccessPolicy.AnyOf(List.of(new Principal.None()));
      }
      List<AccessRule> nested = new ArrayList<>();
      for (Node item : yaml.items(m.getValue().get(0).getValueNode(), where + ": " + k.getValue(), false)) {
        nested.add(rule(item, where + ": " + k.getValue(), true));
      }
      if (k.getValue().equals("require-all")) {
        return new AccessPolicy.RequireAll(nested);
      }
      Matcher am = AT_LEAST.matcher(k.getValue());
      int count = am.matches() ? Integer.parseInt(am.group(1)) : -1;
      if (count < 1 || count > nested.size()) {
        yaml.problem(k, where + ": " + k.getValue() + " needs N from 1 to the number of entries (" + nested.size() + ")");
      }
      return new AccessPolicy.RequireAtLeast(Math.max(count, 1), nested);
    }
    List<Node> items = n instanceof MappingNode ? List.of(n) : expandItems(yaml.items(n, where, true), where);
    List<Principal> principals = new ArrayList<>();
    for (Node item : items) {
      Principal p = principal(item, where, governance);
      if (p != null) {
        principals.add(p);
      }
    }
    boolean standalone = principals.stream().anyMatch(p -> p instanceof Principal.Any || p instanceof Principal.None);
    if (standalone && principals.size() > 1) {
      yaml.problem(n, where + ": ANY and NONE must stand alone; remove the other entries or the ANY/NONE");
    }
    if (principals.isEmpty() && items.isEmpty()) {
      yaml.problem(n, where + " lists nobody; write [NONE] to deny everyone");
    }
    return new AccessPolicy.AnyOf(principals);
  }

  private Principal principal(Node n, String where, boolean signerAllowed) {
    if (n instanceof MappingNode) {
      Yaml.Fields f = yaml.fields(n, where + ": an entry", Set.of("signer"));
      String key = yaml.text(f.get("signer"), where + ": signer");
      if (key == null) {
        return null;
      }
      if (!signerAllowed) {
        yaml.problem(n, where + ": a signer is not allowed in read or list_sessions (a signer cannot read a session)");
        return null;
      }
      return signerKey(f.get("signer"), key.strip(), where);
    }
    String v = yaml.text(n, where + ": an entry");
    if (v == null) {
      return null;
    }
    switch (v) {
      case "CREATOR":
        return new Principal.Creator();
      case "ANY":
        return new Principal.Any();
      case "NONE":
        return new Principal.None();
      default:
        break;
    }
    if (isPlaceholder(v)) {
      usesPlaceholders(n, v, Placeholders.Context.TEXT);
      return new Principal.SecretReference(v);
    }
    String s = v.strip();
    if (s.startsWith("-----BEGIN CERTIFICATE-----")) {
      try {
        return new Principal.Certificate(Keys.certificateKeyHash(s));
      } catch (InvalidEncodingException e) {
        yaml.problem(n, where + ": the PEM certificate does not parse: " + e.getMessage());
        return null;
      }
    }
    if (Keys.looksLikeKeyHash(s)) {
      try {
        return new Principal.KeyHash(Keys.keyHash(s));
      } catch (InvalidEncodingException e) {
        yaml.problem(n, where + ": `" + Yaml.abbreviate(s) + "` is not a valid key hash: " + e.getMessage());
        return null;
      }
    }
    yaml.problem(n, where + ": `" + Yaml.abbreviate(v) + "` is not CREATOR, ANY, NONE, a PEM certificate, a key hash (Base58Check, 50 characters) or a $$SCONE::secret$$ placeholder"
        + Suggest.closestHint(v, List.of("CREATOR", "ANY", "NONE")));
    return null;
  }

  private Principal signerKey(Node n, String key, String where) {
    try {
      return new Principal.Signer(Keys.signerKey(key));
    } catch (InvalidEncodingException e) {
      yaml.problem(n, where + ": signer must be an Ed25519 or P-384 public key in PEM (-----BEGIN PUBLIC KEY-----) or the Base58Check form of an Ed25519 key: "
          + e.getMessage());
      return null;
    }
  }

  // ---------------------------------------------------------------- config fragments

  /** Where a config-fragment's YAML comes from: its own {@code value}, or its {@code import}. */
  private void fragmentSource(String name, MappingNode item) {
    for (NodeTuple t : item.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k) {
        if (k.getValue().equals("value")) {
          fragmentValues.put(name, t.getValueNode());
        } else if (k.getValue().equals("import") && t.getValueNode() instanceof MappingNode imp) {
          String session = null;
          String secret = null;
          for (NodeTuple i : imp.getValue()) {
            if (i.getKeyNode() instanceof ScalarNode ik && i.getValueNode() instanceof ScalarNode iv) {
              if (ik.getValue().equals("session")) {
                session = iv.getValue();
              } else if (ik.getValue().equals("secret")) {
                secret = iv.getValue();
              }
            }
          }
          if (session != null && secret != null) {
            fragmentImports.put(name, new SecretSpec.SecretImport(session, secret));
          }
        }
      }
    }
  }

  /**
   * A section written as {@code $$SCONE::fragment$$} (reference §1.4, §1.9): the config-fragment's YAML in
   * its place; any other node as it is. An imported fragment comes from {@link FragmentResolver}; a
   * fragment that is not available is a problem at the placeholder.
   */
  private Node expand(Node n, String where) {
    if (!(n instanceof ScalarNode s) || !isPlaceholder(s.getValue())) {
      return n;
    }
    String body = s.getValue().substring(PLACEHOLDER_START.length(), s.getValue().length() - 2);
    if (secretKinds.get(body) != SecretKind.CONFIG_FRAGMENT) {
      return n;
    }
    Node local = fragmentValues.get(body);
    if (local != null) {
      return local;
    }
    SecretSpec.SecretImport imp = fragmentImports.get(body);
    if (imp == null) {
      yaml.problem(n, where + ": the config-fragment " + body + " has neither a value nor an import");
      return null;
    }
    java.util.Optional<String> text = fragments.fragment(importerName == null ? "" : importerName, imp);
    if (text.isEmpty()) {
      yaml.problem(n, where + ": the config-fragment " + body + " is imported from session " + imp.session()
          + ", which is not available here" + (fragments == FragmentResolver.NONE ? " (fragments of other sessions are resolved by CAS)" : ""));
      return null;
    }
    Yaml inner = new Yaml(yaml.file + " (fragment " + body + " from " + imp.session() + ")");
    Node composed = inner.compose(text.get());
    if (composed == null) {
      yaml.problem(n, where + ": the config-fragment " + body + " from session " + imp.session() + " is not valid YAML");
    }
    return composed;
  }

  /** List items with fragment placeholders replaced; a fragment that is a list is spliced in (flattened). */
  private List<Node> expandItems(List<Node> items, String where) {
    List<Node> out = new ArrayList<>(items.size());
    for (Node item : items) {
      Node e = expand(item, where);
      if (e instanceof SequenceNode seq && e != item) {
        out.addAll(seq.getValue());
      } else if (e != null) {
        out.add(e);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- placeholders

  private void usesPlaceholders(Node n, String value, Placeholders.Context context) {
    if (Placeholders.mayContain(value)) {
      placeholderUses.add(new PlaceholderUse(n, value, context));
    }
  }

  private record PlaceholderUse(Node node, String text, Placeholders.Context context) {}

  /**
   * Every placeholder names a secret of this session with a suffix its kind has, fits its context (no
   * binary rendering in commands or environment values), and none is nested or unterminated.
   */
  private void checkPlaceholders() {
    Map<String, SecretKind> kinds = new HashMap<>();
    secretKinds.forEach((name, kind) -> {
      if (kind != null) {
        kinds.put(name, kind);
      }
    });
    for (PlaceholderUse use : placeholderUses) {
      try {
        Placeholders.check(use.text(), kinds, use.context());
      } catch (SecretException e) {
        String hint = "";
        try {
          for (Placeholders.Span span : Placeholders.find(use.text())) {
            try {
              Placeholders.resolve(span.body(), secretKinds.keySet());
            } catch (SecretException noSuchSecret) {
              int colon = span.body().indexOf(':');
              hint = suggestion(colon >= 0 ? span.body().substring(0, colon) : span.body(), secretKinds.keySet());
              break;
            }
          }
        } catch (SecretException ignored) {
          // the syntax problem is what e says
        }
        yaml.problem(use.node(), e.getMessage() + hint);
      }
    }
  }

}
