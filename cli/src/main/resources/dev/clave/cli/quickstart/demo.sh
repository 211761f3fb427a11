#!/bin/sh
# The quickstart's confidential program, started by `clave run`. It proves it received its configuration
# without printing a secret: a digest of the generated secret, the subject of the certificate the CAS
# issued, the first line of the injected file, and its argument.
set -eu
echo "secret:      sha256 $(printf %s "$DEMO_SECRET" | sha256sum | cut -c1-16)… (${#DEMO_SECRET} characters)"
if command -v openssl >/dev/null 2>&1; then
  echo "certificate: $(openssl x509 -noout -subject -issuer -nameopt oneline -in "$DEMO_CERT" | tr '\n' ' ')"
else
  echo "certificate: $(head -n 1 "$DEMO_CERT") (openssl not installed)"
fi
echo "config file: $(head -n 1 "$DEMO_CONFIG")"
echo "argument:    $1"
