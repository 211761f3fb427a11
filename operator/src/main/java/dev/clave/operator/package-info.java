/** The Clave operator: custom resources for SGX plugin, LAS, CAS and policies, and their reconcilers. */
package dev.clave.operator;
