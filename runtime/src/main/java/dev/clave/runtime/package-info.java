/**
 * {@code clave run}: the launcher that attests a program and fetches its configuration before the program
 * starts (SCONE's runtime, simulated). {@link dev.clave.runtime.ClaveRun} runs the steps below;
 * {@link dev.clave.runtime.RunSettings} says how options and variables are read.
 *
 * <h2>Settings</h2>
 *
 * {@code --config-id} / {@code CLAVE_CONFIG_ID} / {@code SCONE_CONFIG_ID} ({@code SESSION/SERVICE});
 * {@code --cas} / {@code CLAVE_CAS_ADDR} / {@code SCONE_CAS_ADDR} ({@code host} or {@code host:port}, the
 * CAS's enclave port, 18765 by default); {@code --las} / {@code CLAVE_LAS_ADDR} / {@code SCONE_LAS_ADDR}
 * (default {@code 127.0.0.1:18766}); {@code --mode} / {@code CLAVE_MODE} / {@code SCONE_MODE} ({@code sim},
 * the default, or {@code auto}, which is simulation here; {@code hw} is refused: without {@code
 * /dev/sgx_enclave} it cannot work, and hardware enclaves are not implemented); {@code --cas-key-hash} /
 * {@code CLAVE_CAS_KEY_HASH} pins the CAS (without it, one warning line and any server at the address is
 * believed); {@code --print-mrenclave} or {@code CLAVE_HASH=1} / {@code SCONE_HASH=1} prints the MRENCLAVE
 * and runs nothing. An option wins over {@code CLAVE_*}, which wins over {@code SCONE_*}.
 *
 * <h2>Simulated measurement</h2>
 *
 * <ol>
 *   <li>PROGRAM is found as {@code execvp(3)} finds it: a name with a {@code /} is a path (relative to the
 *       current directory); otherwise the first executable regular file of that name in the caller's
 *       {@code PATH} ({@code /usr/local/bin:/usr/bin:/bin} when PATH is unset; an empty entry is the current
 *       directory). Symbolic links are resolved: the real file is what is measured and executed.
 *   <li>MRENCLAVE = SHA-256 of that file's bytes, so a changed program (a script too: its text is the file)
 *       has another MRENCLAVE. An interpreter's script is measured, not the interpreter, when the script
 *       itself is PROGRAM (a {@code #!} script); {@code sh script.sh} measures {@code sh}.
 *   <li>The Java rule: when the real file is named {@code java} and its arguments hold {@code -jar JAR}
 *       among the launcher options (before the first argument that is not an option), MRENCLAVE = SHA-256 of
 *       the bytes of JAR (relative to the current directory) instead of the {@code java} binary. Other
 *       {@code java} command lines (a main class, {@code -m}) measure the {@code java} binary; a {@code @FILE}
 *       argument file among the options is refused, as it could hide a {@code -jar}.
 *   <li>MRSIGNER, ISVPRODID, ISVSVN are declared, not measured: {@code --mrsigner HEX}, {@code
 *       --isvprodid N}, {@code --isvsvn N}, by default the simulation's MRSIGNER ({@code
 *       SgxEnclaveSpec.DEFAULT_MR_SIGNER}), 1 and 1. The DEBUG attribute is always set: a simulated enclave's
 *       memory is not protected, and policies must tolerate {@code debug-mode}.
 * </ol>
 *
 * <h2>Attestation</h2>
 *
 * A fresh Ed25519 key (the cheapest for the CAS to check) and self-signed certificate; report data = SHA-512 of the certificate's DER; a quote from
 * the LAS ({@code POST /v1/quote}); TLS 1.3 to the CAS's enclave port presenting that certificate; {@code
 * POST /v1/attest} with the config ID, the quote, {@code hostArguments} = PROGRAM and ARGS exactly as the
 * caller gave them (so {@code @@1} is the first ARG) and {@code hostEnvironment} = the caller's whole
 * environment (for {@code @@VAR}; it goes to the CAS, never to the program). Answers are bounded (LAS 64 KiB,
 * CAS 16 MiB); host data above 128 KiB is not sent.
 *
 * <h2>Starting the program</h2>
 *
 * <ul>
 *   <li>Executable: the measured file (step 1), never looked up again.
 *   <li>Arguments: the delivered {@code argv[1..]}, verbatim but for injected-file paths (below). The
 *       delivered {@code argv[0]} names the program in the policy and is not passed: Java cannot set a
 *       child's {@code argv[0]} apart from the file it executes, so the program's {@code argv[0]} is the
 *       executable's real path. For a jar, the delivered argv is the {@code java} command line: {@code
 *       argv[0]} is {@code java} (replaced by the measured {@code java}), and the launcher options must hold
 *       {@code -jar J} where J (relative to the working directory) is the same file as the measured jar, else
 *       nothing starts; JVM options thus come from the policy, not from the caller.
 *   <li>Environment: only the delivered one (the caller's is not passed on, not even PATH), plus {@code
 *       CLAVE_ROOT} when files were injected.
 *   <li>Injected files: written into a private directory ROOT, made with mode 0700 in {@code /dev/shm}
 *       (memory) where it exists, else in the temporary directory, each file at ROOT + its policy path with
 *       the policy's permission (rwx bits), directories 0700. ROOT is removed when the program ends, when
 *       {@code clave run} gets SIGTERM, SIGINT or SIGHUP, and when anything fails after it was made (not after
 *       SIGKILL). A file the policy takes from the file system ({@code fromFileSystem}) is copied from the
 *       host path into ROOT; if it holds {@code $$SCONE::} placeholders it is refused (the CAS sends no
 *       values to fill them).
 *   <li>Paths without root: the program learns ROOT from {@code CLAVE_ROOT}, and every injected file's
 *       policy path that stands alone in an argument or variable value (delimited by the text's ends, white
 *       space or one of {@code = : , ; " ' ( ) [ ] { } < > | &}) is rewritten to ROOT + path, so {@code
 *       --config /etc/app.conf} and {@code CONF=/etc/app.conf} point at the injected file.
 *   <li>Working directory: ROOT + {@code pwd} when an injected file lies at or below {@code pwd} (so with
 *       {@code pwd: /} and any injected file, ROOT); otherwise {@code pwd} on the host, which must exist.
 *   <li>Signals and exit: SIGTERM/SIGINT/SIGHUP to {@code clave run} send SIGTERM to the program (SIGKILL
 *       after 10 s); {@code clave run} exits with the program's code, 128+N after signal N.
 * </ul>
 *
 * <h2>Exit codes of clave run itself</h2>
 *
 * {@link dev.clave.runtime.ExitCodes}: 2 usage, 66 program cannot be measured, 69 LAS/CAS unreachable or
 * answering outside the protocol (also a CAS key other than the pinned one), 77 refused by the CAS (its
 * outcome, message and each failed check are printed), 78 hardware mode or a configuration that cannot be
 * applied, 126 the program cannot be executed. Each comes with a {@code clave run:} line on stderr; no
 * secret appears in any message.
 */
package dev.clave.runtime;
