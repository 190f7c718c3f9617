#!/usr/bin/env bash
# Builds one .vsix per platform VS Code installs from, each bundling the server
# cross-compiled for it (notesls.exe on Windows), then checks every package's binary from
# its header (scripts/check-vsix.mjs). Needs `npm ci` done in editors/vscode (test.sh
# does it). Leaves editors/vscode/notesls-TARGET-VERSION.vsix and restores bin/ to the
# linux-x64 build that `npm run package` uses.
set -euo pipefail
ext="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$ext/../.." && pwd)"
version=$(node -p "require('$ext/package.json').version")

build() { # target goos goarch
  local exe=notesls
  if [ "$2" = windows ]; then exe=notesls.exe; fi
  rm -rf "$ext/bin"
  (cd "$root" && CGO_ENABLED=0 GOOS=$2 GOARCH=$3 go build -trimpath -ldflags='-s -w' -o "editors/vscode/bin/$exe" ./cmd/notesls)
  (cd "$ext" && npx vsce package --no-dependencies --target "$1" -o "notesls-$1-$version.vsix" >/dev/null)
  echo "built notesls-$1-$version.vsix ($2/$3)"
}

files=()
for spec in linux-x64:linux:amd64 linux-arm64:linux:arm64 darwin-x64:darwin:amd64 \
  darwin-arm64:darwin:arm64 win32-x64:windows:amd64 win32-arm64:windows:arm64; do
  IFS=: read -r target goos goarch <<<"$spec"
  build "$target" "$goos" "$goarch"
  files+=("$ext/notesls-$target-$version.vsix")
done
rm -rf "$ext/bin"
(cd "$ext" && npm run --silent build:server)
node "$ext/scripts/check-vsix.mjs" "${files[@]}"
