package dev.clave.attestation.sim;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.pki.PckExtensions;
import org.bouncycastle.asn1.ASN1Boolean;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;

/**
 * The Intel SGX extension of a PCK certificate (OID 1.2.840.113741.1.13.1), encoded as Intel's are:
 * {@code SEQUENCE OF SEQUENCE {OID, value}} with PPID, TCB (16 component SVNs, PCESVN, CPUSVN), PCE-ID,
 * FMSPC, SGX type and, as a Platform-CA certificate, PlatformInstanceID and Configuration.
 */
final class SgxExtension {
  /** PCE-ID of every simulated platform, as of every real one seen. */
  static final Bytes PCE_ID = Bytes.fromHex("0000");
  /** SGX type "Scalable", what Platform-CA certificates carry. */
  static final int SGX_TYPE_SCALABLE = 1;

  private SgxExtension() {}

  static ASN1Encodable encode(PlatformTcb tcb, Bytes ppid, Bytes platformInstanceId) {
    ASN1EncodableVector tcbMembers = new ASN1EncodableVector();
    for (int i = 0; i < 16; i++) {
      tcbMembers.add(member("2." + (i + 1), new ASN1Integer(tcb.sgxComponents().get(i) & 0xff)));
    }
    tcbMembers.add(member("2.17", new ASN1Integer(tcb.pceSvn())));
    tcbMembers.add(member("2.18", octets(tcb.cpuSvn())));

    ASN1EncodableVector config = new ASN1EncodableVector();
    config.add(member("7.1", ASN1Boolean.TRUE)); // dynamic platform
    config.add(member("7.2", ASN1Boolean.TRUE)); // cached keys
    config.add(member("7.3", ASN1Boolean.TRUE)); // SMT enabled

    ASN1EncodableVector v = new ASN1EncodableVector();
    v.add(member("1", octets(SimValues.exact(ppid, 16, "PPID"))));
    v.add(member("2", new DERSequence(tcbMembers)));
    v.add(member("3", octets(PCE_ID)));
    v.add(member("4", octets(tcb.fmspc())));
    v.add(member("5", new ASN1Enumerated(SGX_TYPE_SCALABLE)));
    v.add(member("6", octets(SimValues.exact(platformInstanceId, 16, "PlatformInstanceID"))));
    v.add(member("7", new DERSequence(config)));
    return new DERSequence(v);
  }

  private static DERSequence member(String suffix, ASN1Encodable value) {
    ASN1ObjectIdentifier oid = PckExtensions.SGX_EXTENSIONS.branch(suffix);
    return new DERSequence(new ASN1Encodable[] {oid, value});
  }

  private static DEROctetString octets(Bytes b) {
    return new DEROctetString(b.toByteArray());
  }
}
