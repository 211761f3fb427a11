package dev.clave.cas.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A snapshot of an embedded CAS store (issue #7): one directory {@code <yyyyMMdd'T'HHmmss'Z'>-v<state version>}
 * in the snapshot directory, holding
 *
 * <ul>
 *   <li>{@value SqliteCasStore#DATABASE_FILE}: a consistent copy of the database ({@code VACUUM INTO}, one read
 *       transaction), with its backup registrations. Its rows are encrypted and its head is MACed as in the live
 *       store, so the copy is as confidential and tamper-evident as the store;
 *   <li>{@value SqliteCasStore#KEY_STORE_FILE}: a key store for exactly that head, sealed to the platform that
 *       took the snapshot — with it the snapshot also restores on the primary's own platform;
 *   <li>{@value #MANIFEST_FILE}: when, which state version and head, which backups can open it, and the size and
 *       SHA-256 of both files, with a MAC under a key derived from the store's data key.
 * </ul>
 *
 * <p>{@link #read} checks what can be checked without the data key (manifest syntax, file sizes and digests),
 * so a damaged snapshot is reported precisely before anything is restored. After a registered backup opened the
 * copied database, {@link SqliteCasStore#checkRestoredFrom} checks the manifest's MAC and that the database is at
 * the manifest's head: a manifest lying about its time or version is caught there.
 */
public final class Snapshot {
  /** The manifest in a snapshot directory. */
  public static final String MANIFEST_FILE = "snapshot.json";

  static final int FORMAT = 1;
  private static final int MAX_MANIFEST_BYTES = 256 * 1024;
  private static final int MAX_REGISTRATIONS = 4096;
  private static final byte[] MAC_DOMAIN = Bytes.ascii("clave-cas-snapshot-v1\0");
  private static final DateTimeFormatter NAME_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern NAME = Pattern.compile("\\d{8}T\\d{6}Z-v\\d{1,19}");
  private static final HexFormat HEX = HexFormat.of();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A backup CAS that can open the snapshot: its key hash and platform ID. */
  public record Registration(String keyHash, String platformId) {}

  /** A file of the snapshot: its size and SHA-256. */
  record FileDigest(long size, byte[] sha256) {}

  private final Path dir;
  private final long stateVersion;
  private final Instant created;
  private final byte[] storeId;
  private final byte[] headMac;
  private final List<Registration> registrations;
  private final FileDigest database;
  private final FileDigest keyStore;
  private final byte[] mac;

  Snapshot(Path dir, long stateVersion, Instant created, byte[] storeId, byte[] headMac,
      List<Registration> registrations, FileDigest database, FileDigest keyStore, byte[] mac) {
    this.dir = dir;
    this.stateVersion = stateVersion;
    this.created = created;
    this.storeId = storeId.clone();
    this.headMac = headMac.clone();
    this.registrations = List.copyOf(registrations);
    this.database = database;
    this.keyStore = keyStore;
    this.mac = mac.clone();
  }

  public Path dir() {
    return dir;
  }

  /** The store's state version the snapshot holds. */
  public long stateVersion() {
    return stateVersion;
  }

  /** When it was taken (as its manifest says; authenticated once a store opened it). */
  public Instant created() {
    return created;
  }

  /** The store the snapshot is of, in hex. */
  public String storeId() {
    return HEX.formatHex(storeId);
  }

  /** The backups registered when it was taken: the platforms it can be restored on. */
  public List<Registration> registrations() {
    return registrations;
  }

  /** The size of its database file in bytes. */
  public long databaseSize() {
    return database.size();
  }

  /** Its database file. */
  public Path databaseFile() {
    return dir.resolve(SqliteCasStore.DATABASE_FILE);
  }

  /** The directory name of a snapshot of {@code version} taken at {@code created}. */
  static String directoryName(Instant created, long version) {
    return NAME_TIME.format(created) + "-v" + version;
  }

  /** Whether {@code name} is a snapshot directory's name. */
  public static boolean isSnapshotName(String name) {
    return NAME.matcher(name).matches();
  }

  // ---------------------------------------------------------------- reading

  /**
   * Reads and checks the snapshot in {@code dir}: its manifest, and the size and SHA-256 of its database (and of
   * its key store if present; a snapshot copied to a backup without the primary's key store is complete).
   *
   * @throws StoreIntegrityException naming the file and what is wrong with it
   */
  public static Snapshot read(Path dir) {
    Path manifest = dir.resolve(MANIFEST_FILE);
    String where = "snapshot " + dir;
    byte[] bytes;
    try {
      if (!Files.isRegularFile(manifest)) {
        throw new StoreIntegrityException(where + " has no " + MANIFEST_FILE + ": not a snapshot, or an unfinished one");
      }
      long size = Files.size(manifest);
      if (size > MAX_MANIFEST_BYTES) {
        throw new StoreIntegrityException(where + ": " + MANIFEST_FILE + " has " + size + " bytes; a manifest has at"
            + " most " + MAX_MANIFEST_BYTES);
      }
      bytes = Files.readAllBytes(manifest);
    } catch (IOException e) {
      throw new StoreIntegrityException(where + ": cannot read " + MANIFEST_FILE + ": " + e.getMessage());
    }
    Snapshot s = parse(dir, bytes, where + ": " + MANIFEST_FILE);
    s.checkFile(SqliteCasStore.DATABASE_FILE, s.database, true);
    s.checkFile(SqliteCasStore.KEY_STORE_FILE, s.keyStore, false);
    return s;
  }

  /** The manifest of {@code dir} parsed from {@code bytes}; files not checked. */
  static Snapshot parse(Path dir, byte[] bytes, String where) {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new StoreIntegrityException(where + " is not JSON: " + firstLine(e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new StoreIntegrityException(where + " is not a JSON object");
    }
    long format = longField(root, "format", where);
    if (format != FORMAT) {
      throw new StoreIntegrityException(where + " has format " + format + "; this Clave reads format " + FORMAT);
    }
    long version = longField(root, "stateVersion", where);
    if (version < 0) {
      throw new StoreIntegrityException(where + ": stateVersion is negative");
    }
    Instant created;
    try {
      created = Instant.parse(textField(root, "created", where));
    } catch (DateTimeParseException e) {
      throw new StoreIntegrityException(where + ": created is not an ISO-8601 instant");
    }
    byte[] storeId = hexField(root, "storeId", StoreKeys.STORE_ID_LENGTH, where);
    byte[] headMac = hexField(root, "headMac", Crypto.MAC_LENGTH, where);
    JsonNode regs = root.get("registrations");
    if (regs == null || !regs.isArray() || regs.size() > MAX_REGISTRATIONS) {
      throw new StoreIntegrityException(where + ": registrations must be an array of at most " + MAX_REGISTRATIONS);
    }
    List<Registration> registrations = new ArrayList<>();
    for (int i = 0; i < regs.size(); i++) {
      JsonNode r = regs.get(i);
      String w = where + ": registrations[" + i + "]";
      if (!r.isObject()) {
        throw new StoreIntegrityException(w + " is not an object");
      }
      registrations.add(new Registration(textField(r, "keyHash", w), textField(r, "platformId", w)));
    }
    JsonNode files = root.get("files");
    if (files == null || !files.isObject()) {
      throw new StoreIntegrityException(where + ": files is missing");
    }
    FileDigest db = fileDigest(files, SqliteCasStore.DATABASE_FILE, where);
    FileDigest ks = fileDigest(files, SqliteCasStore.KEY_STORE_FILE, where);
    byte[] mac = hexField(root, "mac", Crypto.MAC_LENGTH, where);
    return new Snapshot(dir, version, created, storeId, headMac, registrations, db, ks, mac);
  }

  private void checkFile(String name, FileDigest expected, boolean required) {
    Path f = dir.resolve(name);
    String where = "snapshot " + dir + ": " + name;
    if (!Files.isRegularFile(f)) {
      if (required) {
        throw new StoreIntegrityException(where + " is missing");
      }
      return;
    }
    try {
      long size = Files.size(f);
      if (size != expected.size()) {
        throw new StoreIntegrityException(where + " has " + size + " bytes, the manifest says " + expected.size()
            + ": the file is truncated or was replaced");
      }
      if (!MessageDigest.isEqual(sha256(f), expected.sha256())) {
        throw new StoreIntegrityException(where + " does not match the SHA-256 in the manifest: the file is damaged");
      }
    } catch (IOException e) {
      throw new StoreIntegrityException(where + " cannot be read: " + e.getMessage());
    }
  }

  /**
   * The snapshot directories in {@code dir}, newest first (by the time and version in their names); {@code dir}
   * itself if it is one snapshot (holds a manifest). Unfinished snapshots ({@code .partial-*}) are not listed.
   */
  public static List<Path> list(Path dir) throws IOException {
    if (Files.isRegularFile(dir.resolve(MANIFEST_FILE))) {
      return List.of(dir);
    }
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (isSnapshotName(p.getFileName().toString()) && Files.isDirectory(p)) {
          found.add(p);
        }
      }
    }
    found.sort(Comparator.comparing((Path p) -> p.getFileName().toString().substring(0, 16))
        .thenComparingLong(p -> Long.parseLong(p.getFileName().toString().substring(18)))
        .reversed());
    return found;
  }

  /**
   * The newest snapshot in {@code dir} that {@link #read} accepts; each one refused on the way is reported to
   * {@code refused} with its reason.
   */
  public static Optional<Snapshot> newestIntact(Path dir, Consumer<String> refused) throws IOException {
    for (Path p : list(dir)) {
      try {
        return Optional.of(read(p));
      } catch (StoreIntegrityException e) {
        refused.accept(e.getMessage());
      }
    }
    return Optional.empty();
  }

  /**
   * Copies this snapshot's database into {@code stateDir} as {@value SqliteCasStore#DATABASE_FILE} (0600, written
   * atomically), where a CAS registered as a backup of its store opens it ({@link SqliteCasStore#open(Path,
   * Sealer, BackupIdentity)}). The key store is not copied: a backup makes its own.
   *
   * @throws StoreException if {@code stateDir} already holds a store, or the copy fails
   */
  public void copyDatabaseInto(Path stateDir) {
    Path target = stateDir.resolve(SqliteCasStore.DATABASE_FILE);
    try {
      SecureFiles.createPrivateDirectory(stateDir);
      for (String f : List.of(SqliteCasStore.DATABASE_FILE, SqliteCasStore.DATABASE_FILE + "-wal",
          SqliteCasStore.KEY_STORE_FILE)) {
        if (Files.exists(stateDir.resolve(f))) {
          throw new StoreException(stateDir + " already holds a CAS store (" + f + "): a snapshot is restored into"
              + " a state directory without one");
        }
      }
      Path tmp = stateDir.resolve(SqliteCasStore.DATABASE_FILE + ".restoring");
      Files.deleteIfExists(tmp);
      SecureFiles.createPrivateFile(tmp);
      Files.copy(databaseFile(), tmp, StandardCopyOption.REPLACE_EXISTING);
      if (!MessageDigest.isEqual(sha256(tmp), database.sha256())) {
        Files.deleteIfExists(tmp);
        throw new StoreIntegrityException("the copy of " + databaseFile() + " in " + stateDir + " does not match"
            + " the snapshot's SHA-256: the snapshot changed while it was copied");
      }
      force(tmp);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      SecureFiles.fsyncDirectory(stateDir);
    } catch (IOException e) {
      throw new StoreException("cannot copy " + databaseFile() + " into " + stateDir + ": " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- writing (SqliteCasStore)

  /** The manifest's MAC input: every field but the MAC, in a fixed binary form. */
  byte[] macInput() {
    Bytes.Writer w = new Bytes.Writer(512).raw(MAC_DOMAIN).u32(FORMAT).raw(storeId).u64(stateVersion)
        .raw(headMac).u64(created.toEpochMilli()).u32(registrations.size());
    for (Registration r : registrations) {
      w.field(r.keyHash()).field(r.platformId());
    }
    return w.u64(database.size()).raw(database.sha256()).u64(keyStore.size()).raw(keyStore.sha256()).toByteArray();
  }

  boolean macVerifies(StoreKeys keys) {
    return MessageDigest.isEqual(keys.snapshotMac(macInput()), mac);
  }

  boolean isOf(byte[] storeIdOfStore, long version, byte[] headMacOfStore) {
    return MessageDigest.isEqual(storeId, storeIdOfStore) && version == stateVersion
        && MessageDigest.isEqual(headMac, headMacOfStore);
  }

  static Snapshot withMac(Snapshot s, StoreKeys keys) {
    return new Snapshot(s.dir, s.stateVersion, s.created, s.storeId, s.headMac, s.registrations, s.database,
        s.keyStore, keys.snapshotMac(s.macInput()));
  }

  Snapshot movedTo(Path newDir) {
    return new Snapshot(newDir, stateVersion, created, storeId, headMac, registrations, database, keyStore, mac);
  }

  byte[] manifestJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("created", created.toString());
    root.put("stateVersion", stateVersion);
    root.put("storeId", HEX.formatHex(storeId));
    root.put("headMac", HEX.formatHex(headMac));
    ArrayNode regs = root.putArray("registrations");
    for (Registration r : registrations) {
      regs.addObject().put("keyHash", r.keyHash()).put("platformId", r.platformId());
    }
    ObjectNode files = root.putObject("files");
    files.putObject(SqliteCasStore.DATABASE_FILE).put("size", database.size()).put("sha256", HEX.formatHex(database.sha256()));
    files.putObject(SqliteCasStore.KEY_STORE_FILE).put("size", keyStore.size()).put("sha256", HEX.formatHex(keyStore.sha256()));
    root.put("mac", HEX.formatHex(mac));
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static FileDigest digestOf(Path f) throws IOException {
    return new FileDigest(Files.size(f), sha256(f));
  }

  static void force(Path f) throws IOException {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  static byte[] sha256(Path f) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(f)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return md.digest();
  }

  // ---------------------------------------------------------------- JSON fields

  private static long longField(JsonNode root, String name, String where) {
    JsonNode n = root.get(name);
    if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
      throw new StoreIntegrityException(where + ": " + name + " is missing or not an integer");
    }
    return n.asLong();
  }

  private static String textField(JsonNode root, String name, String where) {
    JsonNode n = root.get(name);
    if (n == null || !n.isTextual() || n.asText().isEmpty() || n.asText().length() > 256) {
      throw new StoreIntegrityException(where + ": " + name + " is missing or not a string of 1 to 256 characters");
    }
    return n.asText();
  }

  private static byte[] hexField(JsonNode root, String name, int length, String where) {
    String s = textField(root, name, where);
    try {
      byte[] b = HEX.parseHex(s);
      if (b.length != length) {
        throw new StoreIntegrityException(where + ": " + name + " has " + b.length + " bytes, expected " + length);
      }
      return b;
    } catch (IllegalArgumentException e) {
      throw new StoreIntegrityException(where + ": " + name + " is not hex");
    }
  }

  private static FileDigest fileDigest(JsonNode files, String name, String where) {
    JsonNode f = files.get(name);
    String w = where + ": files." + name;
    if (f == null || !f.isObject()) {
      throw new StoreIntegrityException(w + " is missing");
    }
    long size = longField(f, "size", w);
    if (size < 0) {
      throw new StoreIntegrityException(w + ": size is negative");
    }
    return new FileDigest(size, hexField(f, "sha256", 32, w));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  @Override
  public String toString() {
    return "Snapshot[" + dir + ", version " + stateVersion + ", " + created + "]";
  }
}
