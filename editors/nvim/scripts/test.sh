#!/usr/bin/env bash
# Headless end-to-end test of the Neovim plugin: Debian's neovim (installed when absent),
# the server built from this checkout, a copy of the real corpus. scripts/test runs it.
set -euo pipefail
plugin=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$plugin/../.." && pwd)

if ! command -v nvim >/dev/null 2>&1; then
  echo "nvim not found: installing Debian's neovim"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y neovim
fi
echo "using $(nvim --version | sed -n 1p)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$repo" && go build -o "$tmp/notesls" ./cmd/notesls)
mkdir -p "$tmp/ws"
cp "$repo/testdata/system-design.notes" "$tmp/ws/"
chmod u+w "$tmp/ws/system-design.notes"

# Every wait inside the test is bounded (10 s); the outer timeout only guards against a
# Neovim that never reaches the test's own quit.
NOTESLS_NVIM_PLUGIN="$plugin" NOTESLS_CMD="$tmp/notesls" NOTESLS_TEST_DIR="$tmp" \
  XDG_STATE_HOME="$tmp/state" XDG_CACHE_HOME="$tmp/cache" \
  timeout 300 nvim --headless --clean -u "$plugin/tests/minimal_init.lua" \
  -c "luafile $plugin/tests/lsp_test.lua" </dev/null
