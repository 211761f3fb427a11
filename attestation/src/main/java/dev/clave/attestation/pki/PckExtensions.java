package dev.clave.attestation.pki;

import dev.clave.attestation.Bytes;
import java.math.BigInteger;
import org.bouncycastle.asn1.ASN1Boolean;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x509.Extension;

/**
 * The Intel SGX extension of a PCK certificate (OID 1.2.840.113741.1.13.1): the platform's FMSPC, PCE-ID
 * and the TCB level the certificate was issued for. TCB evaluation uses these values, never the quote's
 * CPUSVN.
 *
 * @param tcbComponents SGXTCBCOMP01..16 SVNs, one unsigned byte each
 * @param configuration Platform-CA certificates only (null otherwise): dynamic platform, cached keys, SMT
 */
public record PckExtensions(
    Bytes ppid,
    Bytes tcbComponents,
    int pceSvn,
    Bytes cpuSvn,
    Bytes pceId,
    Bytes fmspc,
    int sgxType,
    Bytes platformInstanceId,
    PlatformConfiguration configuration) {

  public static final ASN1ObjectIdentifier SGX_EXTENSIONS = new ASN1ObjectIdentifier("1.2.840.113741.1.13.1");
  private static final String PREFIX = SGX_EXTENSIONS.getId() + ".";

  /** The Platform-CA-only configuration flags. */
  public record PlatformConfiguration(Boolean dynamicPlatform, Boolean cachedKeys, Boolean smtEnabled) {}

  /** Parses the extension of {@code cert}; every required member missing or mistyped is named. */
  public static PckExtensions of(ParsedCertificate cert) throws PkiException {
    Extension ext = cert.extension(SGX_EXTENSIONS);
    if (ext == null) {
      throw new PkiException("PCK certificate has no SGX extension (" + SGX_EXTENSIONS.getId() + ")");
    }
    try {
      return parse(ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(ext.getExtnValue().getOctets())));
    } catch (PkiException e) {
      throw e;
    } catch (Exception e) {
      throw new PkiException("PCK certificate SGX extension is not the expected ASN.1 structure");
    }
  }

  private static PckExtensions parse(ASN1Sequence seq) throws PkiException {
    Bytes ppid = null;
    Bytes comps = null;
    Integer pceSvn = null;
    Bytes cpuSvn = null;
    Bytes pceId = null;
    Bytes fmspc = null;
    Integer sgxType = null;
    Bytes instanceId = null;
    PlatformConfiguration config = null;
    for (ASN1Encodable element : seq) {
      ASN1Sequence pair = pair(element, "SGX extension");
      String oid = ASN1ObjectIdentifier.getInstance(pair.getObjectAt(0)).getId();
      ASN1Encodable value = pair.getObjectAt(1);
      switch (member(oid)) {
        case "1" -> ppid = octets(value, 16, "PPID");
        case "2" -> {
          byte[] c = new byte[16];
          ASN1Sequence tcb = ASN1Sequence.getInstance(value);
          for (ASN1Encodable t : tcb) {
            ASN1Sequence tp = pair(t, "TCB");
            String toid = ASN1ObjectIdentifier.getInstance(tp.getObjectAt(0)).getId();
            String sub = member(toid);
            if (!sub.startsWith("2.")) {
              throw new PkiException("PCK SGX extension: unexpected TCB member " + toid);
            }
            int n = Integer.parseInt(sub.substring(2));
            if (n >= 1 && n <= 16) {
              c[n - 1] = (byte) svn(tp.getObjectAt(1), 255, "SGXTCBCOMP" + (n < 10 ? "0" : "") + n + "SVN");
            } else if (n == 17) {
              pceSvn = svn(tp.getObjectAt(1), 65535, "PCESVN");
            } else if (n == 18) {
              cpuSvn = octets(tp.getObjectAt(1), 16, "CPUSVN");
            }
          }
          if (tcb.size() != 18) {
            throw new PkiException("PCK SGX extension: TCB has " + tcb.size() + " members, expected 18");
          }
          comps = Bytes.wrap(c);
        }
        case "3" -> pceId = octets(value, 2, "PCE-ID");
        case "4" -> fmspc = octets(value, 6, "FMSPC");
        case "5" -> sgxType = ASN1Enumerated.getInstance(value).intValueExact();
        case "6" -> instanceId = octets(value, 16, "PlatformInstanceID");
        case "7" -> config = configuration(ASN1Sequence.getInstance(value));
        default -> {
          // Later Intel members are tolerated: the verifier only relies on the ones above.
        }
      }
    }
    if (ppid == null || comps == null || pceSvn == null || cpuSvn == null || pceId == null || fmspc == null
        || sgxType == null) {
      throw new PkiException(
          "PCK SGX extension lacks a required member (PPID, TCB with PCESVN and CPUSVN, PCE-ID, FMSPC, SGX type)");
    }
    return new PckExtensions(ppid, comps, pceSvn, cpuSvn, pceId, fmspc, sgxType, instanceId, config);
  }

  private static PlatformConfiguration configuration(ASN1Sequence seq) throws PkiException {
    Boolean dynamic = null;
    Boolean cached = null;
    Boolean smt = null;
    for (ASN1Encodable e : seq) {
      ASN1Sequence p = pair(e, "Configuration");
      String sub = member(ASN1ObjectIdentifier.getInstance(p.getObjectAt(0)).getId());
      boolean v = ASN1Boolean.getInstance(p.getObjectAt(1)).isTrue();
      switch (sub) {
        case "7.1" -> dynamic = v;
        case "7.2" -> cached = v;
        case "7.3" -> smt = v;
        default -> {}
      }
    }
    return new PlatformConfiguration(dynamic, cached, smt);
  }

  private static ASN1Sequence pair(ASN1Encodable e, String where) throws PkiException {
    ASN1Sequence s = ASN1Sequence.getInstance(e);
    if (s.size() != 2) {
      throw new PkiException("PCK SGX extension: " + where + " entry is not an {OID, value} pair");
    }
    return s;
  }

  private static String member(String oid) throws PkiException {
    if (!oid.startsWith(PREFIX)) {
      throw new PkiException("PCK SGX extension: member " + oid + " is outside " + SGX_EXTENSIONS.getId());
    }
    return oid.substring(PREFIX.length());
  }

  private static Bytes octets(ASN1Encodable value, int length, String name) throws PkiException {
    byte[] b = ASN1OctetString.getInstance(value).getOctets();
    if (b.length != length) {
      throw new PkiException("PCK SGX extension: " + name + " has " + b.length + " bytes, expected " + length);
    }
    return Bytes.wrap(b);
  }

  private static int svn(ASN1Encodable value, int max, String name) throws PkiException {
    BigInteger v = ASN1Integer.getInstance(value).getValue();
    if (v.signum() < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
      throw new PkiException("PCK SGX extension: " + name + " is " + v + ", expected 0.." + max);
    }
    return v.intValue();
  }
}
