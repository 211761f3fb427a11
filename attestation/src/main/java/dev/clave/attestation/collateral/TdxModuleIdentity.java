package dev.clave.attestation.collateral;

import dev.clave.attestation.Bytes;
import java.util.List;

/**
 * A TDX module identity. The TCB info's {@code tdxModule} is represented with id null and no levels;
 * {@code tdxModuleIdentities[]} entries have an id such as {@code TDX_01} and their own levels.
 *
 * @param mrSigner 48 bytes
 * @param attributes 8 bytes
 * @param attributesMask 8 bytes
 */
public record TdxModuleIdentity(
    String id, Bytes mrSigner, Bytes attributes, Bytes attributesMask, List<IsvTcbLevel> tcbLevels) {
  public TdxModuleIdentity {
    tcbLevels = List.copyOf(tcbLevels);
  }
}
