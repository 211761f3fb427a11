#!/usr/bin/env node
// Baseline for Clave's quote verification speed: Phala's dcap-qvl verifying the same quote with the same
// collateral at the same instant, in a loop, for N seconds. dcap-qvl caches nothing between calls, so
// every call is a full verification (parse, PCK chain, CRLs, TCB info, QE identity, both quote signatures).
//
//   node verify-throughput.mjs --impl web|js|web-0.2.7 [--set NAME|DIR] [--seconds N] [--warmup S]
//
//   --impl web   @phala/dcap-qvl-web: the Rust verifier compiled to WebAssembly (js_verify)
//   --impl js    @phala/dcap-qvl: the pure JavaScript port (verify)
//   --impl web-0.2.7  dcap-qvl-web 0.2.7, an earlier release (see WASM_PACKAGES)
//   --set        a set name under $CLAVE_DCAP_DIR (else the nearest shared/testdata/dcap above this
//                directory or the working directory), or a set directory; default phala-sgx-v3-2025-06
//
// The last line is machine-readable, for bench/run-dcap-compare:
//   RESULT <impl> <set> <verifications> <seconds> <verifications/s>
// Exit status 1 when a verification fails or its TCB status is not the one the set expects.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const opts = { impl: 'web', set: 'phala-sgx-v3-2025-06', seconds: 10, warmup: 10 };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in opts) || i + 1 >= argv.length) {
      throw new Error(`usage: verify-throughput.mjs --impl web|js|web-0.2.7 [--set NAME|DIR] [--seconds N] [--warmup S] (bad: ${argv[i]})`);
    }
    opts[key] = argv[++i];
  }
  opts.seconds = Number(opts.seconds);
  opts.warmup = Number(opts.warmup);
  if (!(opts.seconds > 0) || !(opts.warmup >= 0)) throw new Error('--seconds must be > 0 and --warmup >= 0');
  return opts;
}

/** A set directory: an existing path, else NAME under $CLAVE_DCAP_DIR or the nearest shared/testdata/dcap. */
function resolveSet(nameOrDir) {
  if (fs.existsSync(path.join(nameOrDir, 'quote.bin'))) return path.resolve(nameOrDir);
  const roots = [];
  if (process.env.CLAVE_DCAP_DIR) roots.push(process.env.CLAVE_DCAP_DIR);
  for (const start of [process.cwd(), here]) {
    for (let d = path.resolve(start); ; d = path.dirname(d)) {
      roots.push(path.join(d, 'shared', 'testdata', 'dcap'));
      if (path.dirname(d) === d) break;
    }
  }
  for (const root of roots) {
    const dir = path.join(root, nameOrDir);
    if (fs.existsSync(path.join(dir, 'quote.bin'))) return dir;
  }
  throw new Error(`no quote set "${nameOrDir}" (set CLAVE_DCAP_DIR, or pass the set directory)`);
}

/**
 * The text of the JSON object that is the value of `key` in `json`, byte for byte: PCS signs these exact
 * bytes, and dcap-qvl takes them as a string and checks the signature over them, so re-serialising would
 * break the signature.
 */
function rawObject(json, key) {
  const start = json.indexOf('{', json.indexOf(`"${key}"`));
  let depth = 0;
  let inString = false;
  for (let i = start; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return json.slice(start, i + 1);
  }
  throw new Error(`no complete "${key}" object`);
}

/** dcap-qvl's QuoteCollateralV3 (the shape its PCCS client returns) from the set's PCS-layout files. */
function loadCollateral(dir) {
  const text = (f) => fs.readFileSync(path.join(dir, f), 'utf8');
  const hex = (f) => fs.readFileSync(path.join(dir, f)).toString('hex');
  const tcbInfo = text('tcb_info.json');
  const qeIdentity = text('qe_identity.json');
  return {
    pck_crl_issuer_chain: text('pck_crl_issuer_chain.pem'),
    root_ca_crl: hex('root_ca_crl.der'),
    pck_crl: hex('pck_crl.der'),
    tcb_info_issuer_chain: text('tcb_info_issuer_chain.pem'),
    tcb_info: rawObject(tcbInfo, 'tcbInfo'),
    tcb_info_signature: JSON.parse(tcbInfo).signature,
    qe_identity_issuer_chain: text('qe_identity_issuer_chain.pem'),
    qe_identity: rawObject(qeIdentity, 'enclaveIdentity'),
    qe_identity_signature: JSON.parse(qeIdentity).signature,
  };
}

// --impl → npm package. web-0.2.7 is an npm alias of an earlier dcap-qvl-web release, kept because it is
// markedly faster than 0.3.x on the same machine: a comparison should show both, not just the slower one.
const WASM_PACKAGES = { web: '@phala/dcap-qvl-web', 'web-0.2.7': 'dcap-qvl-web-0.2.7' };

/** A verify(quote, collateral, unixSeconds) function for the chosen package. */
async function loadImpl(impl) {
  const pkg = WASM_PACKAGES[impl];
  if (pkg) {
    // An ES module whose default init fetch()es the wasm; in Node we hand it the bytes instead.
    const web = await import(pkg);
    web.initSync({ module: fs.readFileSync(require.resolve(`${pkg}/dcap-qvl-web_bg.wasm`)) });
    const version = require(`${pkg}/package.json`).version;
    return { name: impl === 'web' ? 'dcap-qvl-web' : `dcap-qvl-${impl}`, version,
      verify: (q, c, now) => web.js_verify(q, c, BigInt(now)) };
  }
  if (impl === 'js') {
    const js = require('@phala/dcap-qvl');
    return { name: 'dcap-qvl-js', version: require('@phala/dcap-qvl/package.json').version,
      verify: (q, c, now) => js.verify(q, c, now) };
  }
  throw new Error(`--impl must be web, web-0.2.7 or js, not ${impl}`);
}

/** Verifies in a loop until `seconds` have passed; returns the count and the exact elapsed time. */
function loop(verify, quote, collateral, now, expectedStatus, seconds) {
  const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  let n = 0;
  let t = start;
  while (t < end) {
    const status = verify(quote, collateral, now).status;
    if (status !== expectedStatus) throw new Error(`verification ${n}: status ${status}, expected ${expectedStatus}`);
    n++;
    t = process.hrtime.bigint();
  }
  return { n, secs: Number(t - start) / 1e9 };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const dir = resolveSet(opts.set);
  const set = path.basename(dir);
  const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
  const now = expected.verificationTime.unix; // inside the collateral window; never the wall clock
  const quote = new Uint8Array(fs.readFileSync(path.join(dir, 'quote.bin')));
  const collateral = loadCollateral(dir);
  const impl = await loadImpl(opts.impl);

  // One checked verification first: a wrong verdict must fail loudly, not show up as a fast number.
  const first = impl.verify(quote, collateral, now);
  const wantIds = expected.expected.advisoryIds;
  if (first.status !== expected.expected.tcbStatus
      || (wantIds && JSON.stringify(first.advisory_ids) !== JSON.stringify(wantIds))) {
    throw new Error(`${impl.name} on ${set}: got ${first.status} ${JSON.stringify(first.advisory_ids)}, `
      + `expected ${expected.expected.tcbStatus} ${JSON.stringify(wantIds)}`);
  }

  // Warm-up lets V8 tier the hot code up (TurboFan for JS, optimised wasm) before we count.
  if (opts.warmup > 0) loop(impl.verify, quote, collateral, now, first.status, opts.warmup);
  const { n, secs } = loop(impl.verify, quote, collateral, now, first.status, opts.seconds);
  const rate = n / secs;
  console.log(`${impl.name} ${impl.version} ${set}: ${n} verifications in ${secs.toFixed(2)} s = ${rate.toFixed(1)}/s `
    + `(status ${first.status}, at ${expected.verificationTime.iso})`);
  console.log(`RESULT ${impl.name} ${set} ${n} ${secs.toFixed(3)} ${rate.toFixed(1)}`);
}

try {
  await main();
} catch (e) {
  console.error(`verify-throughput: ${e.message}`);
  process.exit(1);
}
