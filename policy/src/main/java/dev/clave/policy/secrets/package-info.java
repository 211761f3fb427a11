/**
 * Secrets of a session (reference §1.2, §1.3, §1.5, §1.6): their values and how they reach a service.
 *
 * <ul>
 *   <li>{@link dev.clave.policy.secrets.SecretGenerator} produces the values ({@link
 *       dev.clave.policy.secrets.SecretValue}) of a session's validated {@link
 *       dev.clave.policy.secrets.SecretSpec}s: explicit, imported, migrated from the predecessor, or generated
 *       (random ascii and binary values, keys, certificate chains).
 *   <li>{@link dev.clave.policy.secrets.SecretExports} decides whether another session may import a secret.
 *   <li>{@link dev.clave.policy.secrets.Placeholders} finds and replaces {@code $$SCONE::name:suffix$$} in
 *       commands, environment values and injection files, rendering values with {@link
 *       dev.clave.policy.secrets.SecretEncoding}.
 *   <li>{@link dev.clave.policy.secrets.CommandSplitter} turns {@code command:} into an argv template and
 *       {@link dev.clave.policy.secrets.HostArguments} fills in {@code @@N} arguments and {@code @@NAME}
 *       variables from the host, keeping host values out of placeholder substitution.
 * </ul>
 *
 * <p>Errors are {@link dev.clave.policy.secrets.SecretException}s whose messages never carry secret material.
 */
package dev.clave.policy.secrets;
