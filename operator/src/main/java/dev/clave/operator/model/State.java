package dev.clave.operator.model;

/** {@code status.state}: the original's HEALTHY / PENDING / UNHEALTHY, and a policy's APPLIED / REFUSED. */
public enum State {
  HEALTHY,
  PENDING,
  UNHEALTHY,
  /** A policy the CAS accepted. */
  APPLIED,
  /** A policy the CAS refused (bad signature, undecryptable, not allowed): never applied. */
  REFUSED
}
