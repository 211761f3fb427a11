package dev.clave.attestation.sim;

import dev.clave.attestation.pki.PemCertificates;
import dev.clave.attestation.pki.PkiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/** PEM and file helpers of the simulation: private keys are only ever written owner-readable (0600). */
final class SimFiles {
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final String PRIVATE_KEY = "PRIVATE KEY";
  private static final String CERTIFICATE = "CERTIFICATE";

  private SimFiles() {}

  static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  static String certificatePem(byte[] der) {
    return pem(CERTIFICATE, der);
  }

  /** The single certificate of a PEM file. */
  static byte[] readCertificate(Path file) throws IOException {
    String text = readText(file);
    List<byte[]> ders;
    try {
      ders = PemCertificates.decode(text, file.toString());
    } catch (PkiException e) {
      throw new IOException(e.getMessage());
    }
    if (ders.size() != 1) {
      throw new IOException(file + ": expected one certificate, found " + ders.size());
    }
    return ders.get(0);
  }

  static SimKey readPrivateKey(Path file) throws IOException {
    String text = readText(file);
    String begin = "-----BEGIN " + PRIVATE_KEY + "-----";
    String end = "-----END " + PRIVATE_KEY + "-----";
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    if (b < 0 || e < b) {
      // The message names the file only: the content is a secret.
      throw new IOException(file + ": no PKCS#8 \"" + PRIVATE_KEY + "\" PEM block");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
    } catch (IllegalArgumentException ex) {
      throw new IOException(file + ": the private key PEM block is not valid base64");
    }
    return SimKey.fromPkcs8(der, file.toString());
  }

  static String readText(Path file) throws IOException {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, "missing");
    }
  }

  /**
   * Writes a private key, created 0600 from the start (never briefly world-readable). Refuses to replace
   * an existing file unless {@code replace}: keys are not clobbered silently.
   */
  static void writePrivateKey(Path file, SimKey key, boolean replace) throws IOException {
    byte[] text = pem(PRIVATE_KEY, key.pkcs8()).getBytes(StandardCharsets.US_ASCII);
    if (!replace && Files.exists(file)) {
      throw new FileAlreadyExistsException(file.toString(), null, "a key is already there; not replacing it");
    }
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = createOwnerOnlyTemp(dir, file.getFileName().toString());
    try {
      Files.write(tmp, text);
      move(tmp, file, replace);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Writes a public file (certificate, CRL, JSON) atomically, replacing any old version. */
  static void writePublic(Path file, byte[] content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      Files.write(tmp, content);
      move(tmp, file, true);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static void writePublic(Path file, String content) throws IOException {
    writePublic(file, content.getBytes(StandardCharsets.UTF_8));
  }

  private static Path createOwnerOnlyTemp(Path dir, String name) throws IOException {
    if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      FileAttribute<Set<PosixFilePermission>> attr = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
      return Files.createTempFile(dir, "." + name, ".tmp", attr);
    }
    // Non-POSIX file systems (Windows) have no mode bits; the directory's ACLs govern.
    return Files.createTempFile(dir, "." + name, ".tmp");
  }

  private static void move(Path from, Path to, boolean replace) throws IOException {
    if (!replace) {
      // Without REPLACE_EXISTING a plain move fails if the target exists; an atomic rename would not.
      Files.move(from, to);
      return;
    }
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
