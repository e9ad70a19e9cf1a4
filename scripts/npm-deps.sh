#!/usr/bin/env bash
# Install the npm packages the browser and editor tests need into ./node_modules (gitignored),
# at exact versions, when missing: axe-core (accessibility audit injected into Chromium) and
# yaml-language-server (the editor completion test). Needs node (scripts/system-deps.sh) and npm.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(axe-core@4.14.1 yaml-language-server@1.25.0)
installed() {  # name@version is in node_modules
  local name=${1%@*} version=${1##*@}
  [ -f "node_modules/$name/package.json" ] &&
    grep -q "\"version\": \"$version\"" "node_modules/$name/package.json"
}
missing=0
for p in "${packages[@]}"; do installed "$p" || missing=1; done
[ $missing -eq 0 ] && exit 0
if ! command -v npm >/dev/null; then
  # Debian ships npm apart from nodejs (NodeSource's nodejs includes it).
  if [ "$(id -u)" -ne 0 ]; then
    echo "npm is missing: install it as root: apt-get install -y --no-install-recommends npm" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null
fi
echo "Installing npm packages: ${packages[*]}"
# All at once: with --no-save, npm removes from node_modules what the command does not name.
npm install --no-save --no-audit --no-fund --no-package-lock --prefix . "${packages[@]}" >/dev/null
