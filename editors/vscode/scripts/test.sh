#!/usr/bin/env bash
# Tests the VS Code extension from a clean clone, installing what it needs: npm packages
# (npm ci, from package-lock.json), the linux-x64 server binary in bin/, then the grammar
# and client tests, then packaging a .vsix for each of the six platforms, then the linux-x64
# package inside real VS Code (scripts/e2e.sh; NOTESLS_E2E=0 skips it). The project's
# scripts/test runs this.
set -euo pipefail
ext="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$ext/../.." && pwd)"

echo "-- npm ci"
cd "$ext"
npm ci --no-audit --no-fund

echo "-- go build: bin/notesls (linux-x64, the binary the .vsix bundles)"
npm run --silent build:server
if [ "$(go env GOHOSTOS)/$(go env GOHOSTARCH)" != "linux/amd64" ]; then
  # The client test runs the server here: give it one for this machine.
  (cd "$root" && go build -o editors/vscode/out/notesls-host ./cmd/notesls)
  export NOTESLS_BIN="$ext/out/notesls-host"
fi

echo "-- npm test (typecheck, grammar tests, client tests)"
npm test

echo "-- scripts/package-all.sh (a .vsix per platform, each server checked from its header)"
rm -f "$ext"/*.vsix
bash "$ext/scripts/package-all.sh"
ls -l "$ext"/*.vsix

if [ "${NOTESLS_E2E:-1}" = 0 ]; then
  echo "-- scripts/e2e.sh skipped (NOTESLS_E2E=0)"
elif [ "$(go env GOHOSTOS)/$(go env GOHOSTARCH)" != "linux/amd64" ]; then
  echo "-- scripts/e2e.sh skipped: it runs the linux-x64 package, on linux/amd64 only"
else
  echo "-- scripts/e2e.sh (the linux-x64 .vsix in real VS Code: code-server, headless Chromium)"
  bash "$ext/scripts/e2e.sh"
fi
