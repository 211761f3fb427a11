/**
 * The CAS backup controller: on every Kubernetes node with a LAS it starts a short-lived backup CAS, has it
 * registered with the primary CAS through an attested policy session, and removes it again; a node whose platform
 * changes is registered anew.
 */
package dev.clave.backupcontroller;
