package dev.clave.attestation.sim;

import dev.clave.attestation.Bytes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Test-only decoding of quote bytes by the offsets of Intel's structures (dcap.md §2), written apart from
 * the production parser so the simulation's output is checked against the layout, not against itself.
 */
final class RawQuote {
  final byte[] q;
  final int version;
  final int keyType;
  final int teeType;
  final int qeSvn;
  final int pceSvn;
  final Bytes vendorId;
  final Bytes userData;
  final int bodyLength;
  final int sigDataLength;
  final Bytes signedBytes;
  final Bytes quoteSignature;
  final Bytes attestationKey;
  final int outerCertType;
  final Bytes qeReport;
  final Bytes qeReportSignature;
  final Bytes qeAuthData;
  final int certType;
  final Bytes certData;
  final int end;

  RawQuote(byte[] quote) {
    this.q = quote.clone();
    version = u16(0);
    keyType = u16(2);
    teeType = u32(4);
    qeSvn = u16(8);
    pceSvn = u16(10);
    vendorId = slice(12, 16);
    userData = slice(28, 20);
    bodyLength = teeType == 0x81 ? 584 : 384;
    int lenAt = 48 + bodyLength;
    signedBytes = slice(0, lenAt);
    sigDataLength = u32(lenAt);
    int s = lenAt + 4;
    quoteSignature = slice(s, 64);
    attestationKey = slice(s + 64, 64);
    int p = s + 128;
    if (version == 3) {
      outerCertType = -1;
    } else {
      outerCertType = u16(p);
      int outerSize = u32(p + 2);
      p += 6;
      if (p + outerSize != s + sigDataLength) {
        throw new AssertionError("outer certification data size " + outerSize + " does not end the signature data");
      }
    }
    qeReport = slice(p, 384);
    qeReportSignature = slice(p + 384, 64);
    int authLen = u16(p + 448);
    qeAuthData = slice(p + 450, authLen);
    p += 450 + authLen;
    certType = u16(p);
    int certLen = u32(p + 2);
    certData = slice(p + 6, certLen);
    end = p + 6 + certLen;
  }

  Bytes body() {
    return slice(48, bodyLength);
  }

  int u16(int at) {
    return ByteBuffer.wrap(q, at, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
  }

  int u32(int at) {
    return ByteBuffer.wrap(q, at, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }

  Bytes slice(int at, int len) {
    return Bytes.wrap(Arrays.copyOfRange(q, at, at + len));
  }

  /** Fields of a 384-byte SGX report body. */
  record Report(Bytes raw) {
    Bytes cpuSvn() {
      return raw.slice(0, 16);
    }

    int miscSelect() {
      return ByteBuffer.wrap(raw.toByteArray(), 16, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    Bytes attributes() {
      return raw.slice(48, 16);
    }

    Bytes mrEnclave() {
      return raw.slice(64, 32);
    }

    Bytes mrSigner() {
      return raw.slice(128, 32);
    }

    int isvProdId() {
      return ByteBuffer.wrap(raw.toByteArray(), 256, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
    }

    int isvSvn() {
      return ByteBuffer.wrap(raw.toByteArray(), 258, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
    }

    int configSvn() {
      return ByteBuffer.wrap(raw.toByteArray(), 260, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
    }

    Bytes reportData() {
      return raw.slice(320, 64);
    }
  }
}
