package dev.clave.backupcontroller;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the controller needs to know, read from the environment the Helm chart {@code charts/cas-backup-controller}
 * renders (names as the original's controller used them).
 *
 * @param casAddress the primary CAS (SCONE_CAS_ADDR), handed to the registration's {@code clave run --cas}
 * @param session the policy service the registration attests as, {@code POLICY/register} (CLAVE_BACKUP_SESSION)
 * @param namespace where the backup CAS and registration pods run (NAMESPACE)
 * @param backupName backup CAS pods are named {@code <backupName>-<node>} (BACKUP_CAS_NAME)
 * @param image the Clave image for both pods (BACKUP_CAS_IMAGE)
 * @param lasSelector labels of the LAS pods (LAS_SELECTOR_LABEL, {@code k=v[,k=v]})
 * @param lasNamespace where the LAS pods run (LAS_NAMESPACE)
 * @param nodeSelector labels a node needs to be covered at all (SELECTOR_LABELS, a JSON object)
 * @param sgxResources the resource limits each pod gets for SGX, after useSGXDevPlugin (SGX_RESOURCES, JSON)
 * @param clientPort the backup CAS's client port, the address handed to register-backup (BACKUP_CAS_CLIENT_PORT)
 * @param enclavePort the backup CAS's enclave port (BACKUP_CAS_ENCLAVE_PORT)
 * @param lasPort where a LAS answers {@code GET /v1/platform-id}
 * @param interval pause between two rounds (CONTROLLER_LOOP_INTERVAL_SECONDS)
 * @param podTimeout how long a backup CAS may take to get ready, and a registration to finish
 * @param pollInterval how often pod state is read while waiting
 * @param casResource the CAS custom resource (in {@code namespace}) whose status gets the migration fields
 *     (CAS_RESOURCE_NAME); empty: they are only logged
 * @param drillSession the policy service a scheduled restore drill runs as, {@code POLICY/drill}
 *     (CLAVE_DRILL_SESSION); its command is {@code clave cas restore-drill --on @@4}, the backup CAS's address being
 *     word 4 of the host command {@code clave cas restore-drill --on ADDRESS}. Empty: no drills
 * @param drillInterval how often a restore drill runs at most (CLAVE_DRILL_INTERVAL_SECONDS, default a day)
 */
public record ControllerConfig(
    String casAddress,
    String session,
    String namespace,
    String backupName,
    String image,
    Map<String, String> lasSelector,
    String lasNamespace,
    Map<String, String> nodeSelector,
    Map<String, String> sgxResources,
    int clientPort,
    int enclavePort,
    int lasPort,
    Duration interval,
    Duration podTimeout,
    Duration pollInterval,
    String casResource,
    String drillSession,
    Duration drillInterval) {

  public static final String DEFAULT_LAS_SELECTOR = "app.kubernetes.io/name=las";
  /** The original's LAS namespace, as its log shows ({@code on namespace kube-system}). */
  public static final String DEFAULT_LAS_NAMESPACE = "kube-system";
  /** Clave's SGX plugin sets only this label (the original also wanted las.scontain.com/* labels, which no Clave part sets). */
  public static final String DEFAULT_NODE_SELECTOR = "{\"sgx.intel.com/capable\":\"true\"}";

  /** Restore drills run once a day unless told otherwise. */
  public static final Duration DEFAULT_DRILL_INTERVAL = Duration.ofDays(1);

  private static final ObjectMapper JSON = new ObjectMapper();

  public ControllerConfig {
    require(casAddress, "SCONE_CAS_ADDR");
    require(session, "CLAVE_BACKUP_SESSION");
    require(image, "BACKUP_CAS_IMAGE");
    if (!session.contains("/")) {
      throw new IllegalArgumentException("session: expected POLICY/SERVICE, got " + session);
    }
    lasSelector = Map.copyOf(lasSelector);
    nodeSelector = Map.copyOf(nodeSelector);
    sgxResources = Map.copyOf(sgxResources);
    casResource = casResource == null ? "" : casResource.strip();
    drillSession = drillSession == null ? "" : drillSession.strip();
    if (!drillSession.isEmpty() && !drillSession.contains("/")) {
      throw new IllegalArgumentException("CLAVE_DRILL_SESSION: expected POLICY/SERVICE, got " + drillSession);
    }
    if (drillInterval == null) {
      drillInterval = DEFAULT_DRILL_INTERVAL;
    }
  }

  /** The configuration from environment variables; missing optional ones take the original's defaults. */
  public static ControllerConfig fromEnv(Map<String, String> env) {
    return new ControllerConfig(
        env.get("SCONE_CAS_ADDR"),
        env.get("CLAVE_BACKUP_SESSION"),
        or(env, "NAMESPACE", "default"),
        or(env, "BACKUP_CAS_NAME", "cas-backup"),
        env.get("BACKUP_CAS_IMAGE"),
        labels(or(env, "LAS_SELECTOR_LABEL", DEFAULT_LAS_SELECTOR)),
        or(env, "LAS_NAMESPACE", DEFAULT_LAS_NAMESPACE),
        jsonMap(or(env, "SELECTOR_LABELS", DEFAULT_NODE_SELECTOR), "SELECTOR_LABELS"),
        jsonMap(or(env, "SGX_RESOURCES", "{}"), "SGX_RESOURCES"),
        port(or(env, "BACKUP_CAS_CLIENT_PORT", "8081"), "BACKUP_CAS_CLIENT_PORT"),
        port(or(env, "BACKUP_CAS_ENCLAVE_PORT", "18765"), "BACKUP_CAS_ENCLAVE_PORT"),
        18766,
        Duration.ofSeconds(positive(or(env, "CONTROLLER_LOOP_INTERVAL_SECONDS", "60"), "CONTROLLER_LOOP_INTERVAL_SECONDS")),
        Duration.ofMinutes(5),
        Duration.ofSeconds(1),
        env.getOrDefault("CAS_RESOURCE_NAME", ""),
        env.getOrDefault("CLAVE_DRILL_SESSION", ""),
        Duration.ofSeconds(positive(or(env, "CLAVE_DRILL_INTERVAL_SECONDS", "" + DEFAULT_DRILL_INTERVAL.toSeconds()),
            "CLAVE_DRILL_INTERVAL_SECONDS")));
  }

  public ControllerConfig withTimings(int lasPort, Duration interval, Duration podTimeout, Duration pollInterval) {
    return new ControllerConfig(casAddress, session, namespace, backupName, image, lasSelector, lasNamespace,
        nodeSelector, sgxResources, clientPort, enclavePort, lasPort, interval, podTimeout, pollInterval, casResource,
        drillSession, drillInterval);
  }

  /** Whether scheduled restore drills are configured at all. */
  public boolean drills() {
    return !drillSession.isEmpty();
  }

  /** The name of the backup CAS pod on {@code node}. */
  public String backupPodName(String node) {
    return backupName + "-" + node;
  }

  /** The LAS selector as {@code kubectl -l} writes it. */
  public String lasSelectorText() {
    StringBuilder b = new StringBuilder();
    new java.util.TreeMap<>(lasSelector).forEach((k, v) -> b.append(b.isEmpty() ? "" : ",").append(k).append('=').append(v));
    return b.toString();
  }

  /** {@code k=v[,k=v]}, as LAS_SELECTOR_LABEL holds it. */
  static Map<String, String> labels(String text) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      String p = part.strip();
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("LAS_SELECTOR_LABEL: expected key=value[,key=value], got " + text);
      }
      m.put(p.substring(0, eq).strip(), p.substring(eq + 1).strip());
    }
    return m;
  }

  private static Map<String, String> jsonMap(String text, String name) {
    try {
      Map<String, Object> raw = JSON.readValue(text, new TypeReference<Map<String, Object>>() {});
      Map<String, String> m = new LinkedHashMap<>();
      raw.forEach((k, v) -> m.put(k, String.valueOf(v)));
      return m;
    } catch (IOException e) {
      throw new IllegalArgumentException(name + ": expected a JSON object of strings, got " + text);
    }
  }

  private static String or(Map<String, String> env, String key, String dflt) {
    String v = env.get(key);
    return v == null || v.isBlank() ? dflt : v.strip();
  }

  private static int port(String v, String name) {
    int p = positive(v, name);
    if (p > 65535) {
      throw new IllegalArgumentException(name + ": not a port: " + v);
    }
    return p;
  }

  private static int positive(String v, String name) {
    try {
      int n = Integer.parseInt(v);
      if (n <= 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": expected a positive number, got " + v);
    }
  }

  private static void require(String v, String name) {
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(name + " is required");
    }
  }
}
