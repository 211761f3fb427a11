package dev.clave.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A minimal TLS 1.3 client (RFC 8446) for the CAS load generator: exactly one configuration — TLS_AES_128_GCM_SHA256,
 * X25519, the server's ecdsa_secp256r1_sha256 signature, an Ed25519 client certificate — and nothing else (no
 * resumption, no HelloRetryRequest, no key update). Every connection is a full handshake.
 *
 * <p>Why: the JDK's TLS client costs about 0.6 ms of CPU per full handshake here, on the same two cores as the
 * CAS under test; this one does the same cryptography (fresh X25519 key, the server's CertificateVerify and
 * Finished checked, its own CertificateVerify and Finished) without the JSSE machinery around it, so more of
 * the machine is left to the server. The server sees the same messages as from the JDK's client: a legacy
 * session id (middlebox compatibility mode, as the JDK, OpenSSL and {@code clave run} send), a
 * ChangeCipherSpec before the client's second flight, a close_notify at the end.
 *
 * <p>The server is trusted by the SHA-256 of its SubjectPublicKeyInfo (its key hash), as {@code KeyHashPinning}
 * does; its certificate is not otherwise parsed. Not for production use: a load generator's client.
 */
final class LeanTlsClient {
  private static final int HANDSHAKE = 22;
  private static final int APPLICATION_DATA = 23;
  private static final int ALERT = 21;
  private static final int CHANGE_CIPHER_SPEC = 20;
  private static final int MAX_RECORD = (1 << 14) + 256;
  private static final byte[] SERVER_CONTEXT = context("TLS 1.3, server CertificateVerify");
  private static final byte[] CLIENT_CONTEXT = context("TLS 1.3, client CertificateVerify");
  private static final byte[] ZEROS = new byte[32];
  private static final byte[] EMPTY_HASH = sha256().digest();
  /**
   * Per thread: a DRBG (the default NativePRNG reads /dev/urandom under a lock on every call), and the JCA
   * objects a handshake needs, looked up once instead of per connection.
   */
  private static final ThreadLocal<Tools> TOOLS = ThreadLocal.withInitial(Tools::new);

  private static final class Tools {
    final SecureRandom random;
    final Mac hmac;
    final Cipher read;
    final Cipher write;
    final Signature ecdsa;
    final MessageDigest transcript = sha256();
    final MessageDigest spki = sha256();

    Tools() {
      try {
        random = SecureRandom.getInstance("DRBG");
        hmac = Mac.getInstance("HmacSHA256");
        read = Cipher.getInstance("AES/GCM/NoPadding");
        write = Cipher.getInstance("AES/GCM/NoPadding");
        ecdsa = Signature.getInstance("SHA256withECDSA");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("this JDK lacks " + e.getMessage(), e);
      }
    }
  }

  /** The enclave's identity: its Ed25519 key (seed and public key) and its certificate's DER. */
  record Identity(byte[] seed, byte[] publicKey, byte[] certificate) {}

  /**
   * The server's pinned key: the SHA-256 of its SubjectPublicKeyInfo (a CAS key hash's digest), and that key once
   * a certificate carrying it has been seen and decoded.
   */
  static final class Pin {
    private final byte[] spkiSha256;
    private volatile PublicKey key;

    Pin(byte[] spkiSha256) {
      this.spkiSha256 = spkiSha256.clone();
    }

    PublicKey check(byte[] spki, MessageDigest sha256) throws GeneralSecurityException {
      if (!MessageDigest.isEqual(sha256.digest(spki), spkiSha256)) {
        throw new GeneralSecurityException("the server's key is not the pinned one");
      }
      PublicKey k = key;
      if (k == null) {
        k = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
        key = k;
      }
      return k;
    }
  }

  /** An identity from its Ed25519 seed and its certificate's DER. */
  static Identity identity(byte[] seed, byte[] certificate) {
    byte[] pub = new byte[Ed25519.PUBLIC_KEY_SIZE];
    Ed25519.generatePublicKey(seed, 0, pub, 0);
    return new Identity(seed.clone(), pub, certificate.clone());
  }

  private LeanTlsClient() {}

  /**
   * Connects, handshakes as {@code id}, sends {@code request} and returns the server's answer up to the end of
   * an HTTP/1.1 response with Content-Length; then sends close_notify and closes.
   */
  static byte[] exchange(InetSocketAddress server, Identity id, Pin pin, byte[] request) throws IOException {
    try (Socket s = new Socket()) {
      s.setTcpNoDelay(true); // small flights: do not wait for delayed ACKs
      s.connect(server);
      Connection c = new Connection(s.getInputStream(), s.getOutputStream(), TOOLS.get());
      c.handshake(id, pin);
      c.sendApplicationData(request);
      byte[] answer = c.readHttpResponse();
      c.closeNotify();
      return answer;
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS: " + e.getMessage(), e);
    }
  }

  private static final class Connection {
    private final DataInputStream in;
    private final OutputStream out;
    private final SecureRandom random;
    private final MessageDigest transcript;
    private final Mac hmac;
    private final Cipher readCipher;
    private final Cipher writeCipher;
    private final Signature ecdsa;
    private byte[] readKey;
    private byte[] readIv;
    private long readSeq;
    private byte[] writeKey;
    private byte[] writeIv;
    private long writeSeq;
    /** Handshake bytes received and not yet consumed (messages may span records or share one). */
    private byte[] pending = new byte[0];

    Connection(InputStream in, OutputStream out, Tools tools) {
      this.in = new DataInputStream(new java.io.BufferedInputStream(in, MAX_RECORD + 5));
      this.out = new java.io.BufferedOutputStream(out, 1 << 15); // one write per flight
      this.random = tools.random;
      this.transcript = tools.transcript;
      this.transcript.reset();
      this.hmac = tools.hmac;
      this.readCipher = tools.read;
      this.writeCipher = tools.write;
      this.ecdsa = tools.ecdsa;
    }

    void handshake(Identity id, Pin pin) throws IOException, GeneralSecurityException {
      byte[] ephemeral = new byte[X25519.SCALAR_SIZE];
      random.nextBytes(ephemeral);
      byte[] share = new byte[X25519.POINT_SIZE];
      X25519.scalarMultBase(ephemeral, 0, share, 0);
      byte[] hello = clientHello(share, random);
      transcript.update(hello);
      writeRecord(HANDSHAKE, hello, 0, hello.length, false);
      out.flush();

      // ServerHello, in the clear.
      byte[] sh = readPlainHandshake();
      transcript.update(sh);
      byte[] serverShare = serverShare(sh);
      byte[] shared = new byte[X25519.POINT_SIZE];
      if (!X25519.calculateAgreement(ephemeral, 0, serverShare, 0, shared, 0)) {
        throw new GeneralSecurityException("the server's X25519 share is a small-order point");
      }
      byte[] early = extract(ZEROS, ZEROS);
      byte[] hs = extract(expandLabel(early, "derived", EMPTY_HASH, 32), shared);
      byte[] chTranscript = currentHash();
      byte[] clientHs = expandLabel(hs, "c hs traffic", chTranscript, 32);
      byte[] serverHs = expandLabel(hs, "s hs traffic", chTranscript, 32);
      setReadKeys(serverHs);

      // EncryptedExtensions, CertificateRequest, Certificate, CertificateVerify, Finished.
      byte[] certificateRequestContext = null;
      PublicKey serverKey = null;
      while (true) {
        byte[] m = readHandshakeMessage();
        int type = m[0] & 0xff;
        if (type == 20) { // Finished
          byte[] expected = hmac(expandLabel(serverHs, "finished", new byte[0], 32), currentHash());
          if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(m, 4, m.length))) {
            throw new GeneralSecurityException("the server's Finished does not verify");
          }
          transcript.update(m);
          break;
        }
        if (type == 15) { // CertificateVerify: over the transcript up to the server's Certificate
          if (serverKey == null) {
            throw new GeneralSecurityException("CertificateVerify before Certificate");
          }
          int scheme = u16(m, 4);
          int len = u16(m, 6);
          if (scheme != 0x0403 || 8 + len != m.length) {
            throw new GeneralSecurityException("the server signed with scheme 0x" + Integer.toHexString(scheme));
          }
          Signature v = ecdsa;
          v.initVerify(serverKey);
          v.update(SERVER_CONTEXT);
          v.update(currentHash());
          if (!v.verify(m, 8, len)) {
            throw new GeneralSecurityException("the server's CertificateVerify does not verify");
          }
        } else if (type == 11) { // Certificate: the end-entity certificate's key must be the pinned one
          serverKey = pinnedKey(m, pin);
        } else if (type == 13) { // CertificateRequest: keep its context for our Certificate
          int ctxLen = m[4] & 0xff;
          certificateRequestContext = Arrays.copyOfRange(m, 5, 5 + ctxLen);
        } else if (type != 8) { // 8: EncryptedExtensions, nothing to act on
          throw new GeneralSecurityException("unexpected handshake message " + type);
        }
        transcript.update(m);
      }
      byte[] serverFinishedHash = currentHash();
      byte[] master = extract(expandLabel(hs, "derived", EMPTY_HASH, 32), ZEROS);
      byte[] clientAp = expandLabel(master, "c ap traffic", serverFinishedHash, 32);
      byte[] serverAp = expandLabel(master, "s ap traffic", serverFinishedHash, 32);

      // The client's flight: ChangeCipherSpec (compatibility mode), then Certificate, CertificateVerify, Finished.
      java.io.ByteArrayOutputStream flight = new java.io.ByteArrayOutputStream(id.certificate().length + 300);
      if (certificateRequestContext != null) {
        byte[] cert = clientCertificate(certificateRequestContext, id.certificate());
        transcript.update(cert);
        flight.writeBytes(cert);
        byte[] signed = concat(CLIENT_CONTEXT, currentHash());
        byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(id.seed(), 0, id.publicKey(), 0, signed, 0, signed.length, sig, 0);
        byte[] cv = handshakeMessage(15, concat(new byte[] {0x08, 0x07, 0x00, (byte) sig.length}, sig));
        transcript.update(cv);
        flight.writeBytes(cv);
      }
      byte[] fin = handshakeMessage(20, hmac(expandLabel(clientHs, "finished", new byte[0], 32), currentHash()));
      flight.writeBytes(fin);
      out.write(new byte[] {CHANGE_CIPHER_SPEC, 3, 3, 0, 1, 1});
      setWriteKeys(clientHs);
      byte[] f = flight.toByteArray();
      writeRecord(HANDSHAKE, f, 0, f.length, true);
      setWriteKeys(clientAp);
      setReadKeys(serverAp);
    }

    void sendApplicationData(byte[] data) throws IOException, GeneralSecurityException {
      for (int off = 0; off < data.length; off += 1 << 14) {
        writeRecord(APPLICATION_DATA, data, off, Math.min(1 << 14, data.length - off), true);
      }
      out.flush();
    }

    byte[] readHttpResponse() throws IOException, GeneralSecurityException {
      java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
      int end = -1;
      long length = -1;
      while (true) {
        byte[] record = readRecord();
        if (record[record.length - 1] != APPLICATION_DATA) {
          continue; // post-handshake messages (a NewSessionTicket) are not used
        }
        body.write(record, 0, record.length - 1);
        byte[] all = body.toByteArray();
        if (end < 0) {
          end = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          if (end >= 0) {
            length = HttpHead.contentLength(new String(all, 0, end + 4, StandardCharsets.ISO_8859_1));
          }
        }
        if (end >= 0 && all.length >= end + 4 + length) {
          return all;
        }
      }
    }

    void closeNotify() throws IOException, GeneralSecurityException {
      writeRecord(ALERT, new byte[] {1, 0}, 0, 2, true);
      out.flush();
    }

    // --- records

    private void writeRecord(int type, byte[] data, int off, int len, boolean encrypt)
        throws IOException, GeneralSecurityException {
      if (!encrypt) {
        byte[] r = new byte[5 + len];
        r[0] = (byte) type;
        r[1] = 3;
        r[2] = 1; // legacy_record_version of a ClientHello record
        r[3] = (byte) (len >>> 8);
        r[4] = (byte) len;
        System.arraycopy(data, off, r, 5, len);
        out.write(r);
        return;
      }
      int cipherLen = len + 1 + 16;
      byte[] r = new byte[5 + cipherLen];
      r[0] = APPLICATION_DATA;
      r[1] = 3;
      r[2] = 3;
      r[3] = (byte) (cipherLen >>> 8);
      r[4] = (byte) cipherLen;
      byte[] inner = new byte[len + 1];
      System.arraycopy(data, off, inner, 0, len);
      inner[len] = (byte) type;
      writeCipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(writeKey, "AES"), new GCMParameterSpec(128, nonce(writeIv, writeSeq++)));
      writeCipher.updateAAD(r, 0, 5);
      writeCipher.doFinal(inner, 0, inner.length, r, 5);
      out.write(r);
    }

    /** One decrypted record's inner plaintext, its content type as the last byte (padding removed). */
    private byte[] readRecord() throws IOException, GeneralSecurityException {
      while (true) {
        byte[] header = new byte[5];
        in.readFully(header);
        int len = u16(header, 3);
        if (len > MAX_RECORD) {
          throw new GeneralSecurityException("a record of " + len + " bytes");
        }
        byte[] body = new byte[len];
        in.readFully(body);
        int type = header[0] & 0xff;
        if (type == CHANGE_CIPHER_SPEC) {
          continue; // compatibility mode's, meaningless
        }
        if (type == ALERT) {
          throw new GeneralSecurityException("the server sent alert " + (len >= 2 ? body[1] & 0xff : -1));
        }
        if (type != APPLICATION_DATA) {
          throw new GeneralSecurityException("an unprotected record of type " + type + " after ServerHello");
        }
        readCipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(readKey, "AES"), new GCMParameterSpec(128, nonce(readIv, readSeq++)));
        readCipher.updateAAD(header);
        byte[] inner = readCipher.doFinal(body);
        int end = inner.length;
        while (end > 0 && inner[end - 1] == 0) {
          end--;
        }
        if (end == 0) {
          throw new GeneralSecurityException("a record without a content type");
        }
        int innerType = inner[end - 1] & 0xff;
        if (innerType == ALERT) {
          if (end >= 3 && inner[1] == 0) { // close_notify
            throw new IOException("the server closed the connection");
          }
          throw new GeneralSecurityException("the server sent alert " + (end >= 3 ? inner[1] & 0xff : -1));
        }
        return Arrays.copyOf(inner, end);
      }
    }

    private byte[] readPlainHandshake() throws IOException, GeneralSecurityException {
      byte[] header = new byte[5];
      in.readFully(header);
      int len = u16(header, 3);
      if (len > MAX_RECORD) {
        throw new GeneralSecurityException("a record of " + len + " bytes");
      }
      byte[] body = new byte[len];
      in.readFully(body);
      if (header[0] == ALERT) {
        throw new GeneralSecurityException("the server sent alert " + (len >= 2 ? body[1] & 0xff : -1));
      }
      if (header[0] != HANDSHAKE || len < 4 || body[0] != 2 || 4 + u24(body, 1) != len) {
        throw new GeneralSecurityException("expected a ServerHello alone in its record");
      }
      return body;
    }

    private byte[] readHandshakeMessage() throws IOException, GeneralSecurityException {
      while (pending.length < 4 || pending.length < 4 + u24(pending, 1)) {
        byte[] record = readRecord();
        if (record[record.length - 1] != HANDSHAKE) {
          throw new GeneralSecurityException("expected a handshake record");
        }
        byte[] more = new byte[pending.length + record.length - 1];
        System.arraycopy(pending, 0, more, 0, pending.length);
        System.arraycopy(record, 0, more, pending.length, record.length - 1);
        pending = more;
      }
      int len = 4 + u24(pending, 1);
      byte[] m = Arrays.copyOf(pending, len);
      pending = Arrays.copyOfRange(pending, len, pending.length);
      return m;
    }

    // --- key schedule (SHA-256)

    private void setReadKeys(byte[] secret) throws GeneralSecurityException {
      readKey = expandLabel(secret, "key", new byte[0], 16);
      readIv = expandLabel(secret, "iv", new byte[0], 12);
      readSeq = 0;
    }

    private void setWriteKeys(byte[] secret) throws GeneralSecurityException {
      writeKey = expandLabel(secret, "key", new byte[0], 16);
      writeIv = expandLabel(secret, "iv", new byte[0], 12);
      writeSeq = 0;
    }

    private byte[] currentHash() {
      try {
        return ((MessageDigest) transcript.clone()).digest();
      } catch (CloneNotSupportedException e) {
        throw new IllegalStateException("SHA-256 cannot be cloned here", e);
      }
    }

    private byte[] extract(byte[] salt, byte[] ikm) throws GeneralSecurityException {
      return hmac(salt, ikm);
    }

    private byte[] expandLabel(byte[] secret, String label, byte[] context, int length) throws GeneralSecurityException {
      byte[] l = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
      byte[] info = new byte[2 + 1 + l.length + 1 + context.length + 1];
      info[0] = (byte) (length >>> 8);
      info[1] = (byte) length;
      info[2] = (byte) l.length;
      System.arraycopy(l, 0, info, 3, l.length);
      info[3 + l.length] = (byte) context.length;
      System.arraycopy(context, 0, info, 4 + l.length, context.length);
      info[info.length - 1] = 1; // the first (and, for ≤ 32 bytes, only) HKDF-Expand block
      return Arrays.copyOf(hmac(secret, info), length);
    }

    private byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
      hmac.init(new SecretKeySpec(key, "HmacSHA256"));
      return hmac.doFinal(data);
    }
  }

  // --- messages

  private static byte[] clientHello(byte[] share, SecureRandom rng) {
    byte[] random = new byte[32];
    byte[] sessionId = new byte[32];
    rng.nextBytes(random);
    rng.nextBytes(sessionId);
    byte[] extensions = concat(
        new byte[] {0x00, 0x2b, 0x00, 0x03, 0x02, 0x03, 0x04}, // supported_versions: TLS 1.3
        new byte[] {0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x1d}, // supported_groups: x25519
        new byte[] {0x00, 0x0d, 0x00, 0x06, 0x00, 0x04, 0x04, 0x03, 0x08, 0x07}, // signature_algorithms
        new byte[] {0x00, 0x33, 0x00, 0x26, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20}, share); // key_share: x25519
    byte[] body = concat(new byte[] {0x03, 0x03}, random, new byte[] {32}, sessionId,
        new byte[] {0x00, 0x02, 0x13, 0x01, 0x01, 0x00}, // TLS_AES_128_GCM_SHA256; null compression
        new byte[] {(byte) (extensions.length >>> 8), (byte) extensions.length}, extensions);
    return handshakeMessage(1, body);
  }

  /** The X25519 key share of a ServerHello; anything else (a HelloRetryRequest, another group) is refused. */
  private static byte[] serverShare(byte[] sh) throws GeneralSecurityException {
    int p = 4 + 2 + 32;
    int sidLen = sh[p] & 0xff;
    p += 1 + sidLen;
    int suite = u16(sh, p);
    if (suite != 0x1301) {
      throw new GeneralSecurityException("the server chose cipher suite 0x" + Integer.toHexString(suite));
    }
    p += 3;
    int end = p + 2 + u16(sh, p);
    p += 2;
    while (p + 4 <= end) {
      int type = u16(sh, p);
      int len = u16(sh, p + 2);
      if (type == 0x33) {
        if (len != 36 || u16(sh, p + 4) != 0x1d || u16(sh, p + 6) != 32) {
          throw new GeneralSecurityException("the server's key share is not X25519");
        }
        return Arrays.copyOfRange(sh, p + 8, p + 40);
      }
      p += 4 + len;
    }
    throw new GeneralSecurityException("no key share in the ServerHello (a HelloRetryRequest?)");
  }

  /** The pinned key when the first certificate's SubjectPublicKeyInfo hashes to the pin; else refused. */
  private static PublicKey pinnedKey(byte[] m, Pin pin) throws GeneralSecurityException {
    int p = 4;
    p += 1 + (m[p] & 0xff); // certificate_request_context
    p += 3; // certificate_list length
    int certLen = u24(m, p);
    p += 3;
    return pin.check(Der.subjectPublicKeyInfo(m, p, certLen), TOOLS.get().spki);
  }

  private static byte[] clientCertificate(byte[] requestContext, byte[] der) {
    int entry = 3 + der.length + 2;
    byte[] body = new byte[1 + requestContext.length + 3 + entry];
    int p = 0;
    body[p++] = (byte) requestContext.length;
    System.arraycopy(requestContext, 0, body, p, requestContext.length);
    p += requestContext.length;
    p = put24(body, p, entry);
    p = put24(body, p, der.length);
    System.arraycopy(der, 0, body, p, der.length);
    // the entry's extensions<0..2^16-1>: none (the two zero bytes are already there)
    return handshakeMessage(11, body);
  }

  private static byte[] handshakeMessage(int type, byte[] body) {
    byte[] m = new byte[4 + body.length];
    m[0] = (byte) type;
    put24(m, 1, body.length);
    System.arraycopy(body, 0, m, 4, body.length);
    return m;
  }

  /** Just enough DER to find a certificate's SubjectPublicKeyInfo: Certificate → TBSCertificate → 7th element. */
  private static final class Der {
    static byte[] subjectPublicKeyInfo(byte[] b, int off, int len) throws GeneralSecurityException {
      int[] cert = element(b, off, off + len); // {contentStart, contentEnd, next}
      int[] tbs = element(b, cert[0], cert[1]);
      int p = tbs[0];
      if ((b[p] & 0xff) == 0xa0) { // [0] version
        p = element(b, p, tbs[1])[2];
      }
      for (int i = 0; i < 5; i++) { // serialNumber, signature, issuer, validity, subject
        p = element(b, p, tbs[1])[2];
      }
      int[] spki = element(b, p, tbs[1]);
      return Arrays.copyOfRange(b, p, spki[2]);
    }

    private static int[] element(byte[] b, int p, int limit) throws GeneralSecurityException {
      if (p + 2 > limit) {
        throw new GeneralSecurityException("the server's certificate is truncated");
      }
      int len = b[p + 1] & 0xff;
      int start = p + 2;
      if (len >= 0x80) {
        int n = len & 0x7f;
        if (n == 0 || n > 3 || start + n > limit) {
          throw new GeneralSecurityException("the server's certificate has a bad DER length");
        }
        len = 0;
        for (int i = 0; i < n; i++) {
          len = (len << 8) | (b[start + i] & 0xff);
        }
        start += n;
      }
      if (start + len > limit) {
        throw new GeneralSecurityException("the server's certificate is truncated");
      }
      return new int[] {start, start + len, start + len};
    }
  }

  // --- bytes

  private static byte[] nonce(byte[] iv, long seq) {
    byte[] n = iv.clone();
    for (int i = 0; i < 8; i++) {
      n[11 - i] ^= (byte) (seq >>> (8 * i));
    }
    return n;
  }

  private static byte[] context(String label) {
    byte[] l = label.getBytes(StandardCharsets.US_ASCII);
    byte[] c = new byte[64 + l.length + 1];
    Arrays.fill(c, 0, 64, (byte) 0x20);
    System.arraycopy(l, 0, c, 64, l.length);
    return c;
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] all = new byte[n];
    int off = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, all, off, p.length);
      off += p.length;
    }
    return all;
  }

  private static int indexOf(byte[] data, byte[] what) {
    outer:
    for (int i = 0; i + what.length <= data.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (data[i + j] != what[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static int u16(byte[] b, int off) {
    return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
  }

  private static int u24(byte[] b, int off) {
    return ((b[off] & 0xff) << 16) | ((b[off + 1] & 0xff) << 8) | (b[off + 2] & 0xff);
  }

  private static int put24(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 16);
    b[off + 1] = (byte) (v >>> 8);
    b[off + 2] = (byte) v;
    return off + 3;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is required of every JDK", e);
    }
  }
}
