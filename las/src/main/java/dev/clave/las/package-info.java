/** The Local Attestation Service. */
package dev.clave.las;
