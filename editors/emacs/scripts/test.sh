#!/usr/bin/env bash
# Batch test of notes-mode with Debian's Emacs and eglot (installed when absent), the
# server built from this checkout and a copy of the real corpus. scripts/test runs it.
set -euo pipefail
mode=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$mode/../.." && pwd)

if ! command -v emacs >/dev/null 2>&1 || ! ls -d /usr/share/emacs/site-lisp/elpa/eglot-* >/dev/null 2>&1; then
  echo "emacs or eglot not found: installing Debian's emacs-nox and elpa-eglot"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends emacs-nox elpa-eglot
fi
echo "using $(emacs --version | sed -n 1p), eglot $(ls -d /usr/share/emacs/site-lisp/elpa/eglot-* | sed 's/.*eglot-//')"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$repo" && go build -o "$tmp/notesls" ./cmd/notesls)
mkdir -p "$tmp/ws" "$tmp/home"
cp "$repo/testdata/system-design.notes" "$tmp/ws/"
chmod u+w "$tmp/ws/system-design.notes"

# A home of its own, so no user init or package state is read; every wait inside is
# bounded (20 s), the outer timeout guards only against an Emacs that never exits.
HOME="$tmp/home" NOTESLS_EVENTS_FILE="${NOTESLS_EVENTS_FILE:-}" NOTESLS_CMD="$tmp/notesls" NOTESLS_TEST_DIR="$tmp" \
  timeout 300 emacs --batch -Q -L "$mode" -l "$mode/tests/notes-mode-test.el" </dev/null
