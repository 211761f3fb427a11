/** The Configuration and Attestation Service. */
package dev.clave.cas;
