#!/usr/bin/env bash
# Sets up xcli from this checkout: checks Node, installs the locked dependencies, builds, and puts
# `xcli` on the PATH through a symlink in ~/.local/bin (or $XCLI_BIN_DIR). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")"

MIN_NODE="20.18.0"
if ! command -v node >/dev/null 2>&1; then
  echo "install.sh: Node.js is not installed; xcli needs Node >= $MIN_NODE (https://nodejs.org)" >&2
  exit 1
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "install.sh: npm is not installed; it ships with Node.js >= $MIN_NODE" >&2
  exit 1
fi
node_version="$(node -p 'process.versions.node')"
if ! node -e '
  const [a, b] = process.argv.slice(1).map((v) => v.split(".").map(Number));
  process.exit((a[0] - b[0] || a[1] - b[1] || a[2] - b[2]) < 0 ? 1 : 0);
' "$node_version" "$MIN_NODE"; then
  echo "install.sh: Node $node_version is too old; xcli needs Node >= $MIN_NODE" >&2
  exit 1
fi

echo "install.sh: installing dependencies from package-lock.json (npm ci)" >&2
npm ci --no-audit --no-fund --loglevel=error
echo "install.sh: building" >&2
npm run --silent build

bin_dir="${XCLI_BIN_DIR:-$HOME/.local/bin}"
mkdir -p "$bin_dir"
ln -sfn "$PWD/bin/xcli.js" "$bin_dir/xcli"
echo "install.sh: linked $bin_dir/xcli -> $PWD/bin/xcli.js" >&2
man_dir="${XCLI_MAN_DIR:-$HOME/.local/share/man/man1}"
mkdir -p "$man_dir" && cp dist/xcli.1 "$man_dir/xcli.1" && echo "install.sh: installed the manual page: man xcli ($man_dir/xcli.1)" >&2
case ":$PATH:" in
  *":$bin_dir:"*) ;;
  *) echo "install.sh: $bin_dir is not on your PATH; add it: export PATH=\"$bin_dir:\$PATH\"" >&2 ;;
esac
echo "install.sh: done: $("$PWD/bin/xcli.js" --version)" >&2
