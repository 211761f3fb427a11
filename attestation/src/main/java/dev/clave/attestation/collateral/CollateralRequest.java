package dev.clave.attestation.collateral;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.quote.TeeType;

/**
 * What to fetch collateral for, taken from the quote: its TEE type, and from its PCK certificate the FMSPC
 * and which CA (Processor or Platform) issued it.
 */
public record CollateralRequest(TeeType teeType, Bytes fmspc, PckCaType caType) {}
