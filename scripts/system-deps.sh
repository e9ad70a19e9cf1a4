#!/usr/bin/env bash
# Install the Debian packages charter-kit's tests need, when missing; fail clearly otherwise.
set -euo pipefail
# qpdf checks the PDF structure; fonts-liberation2 gives LibreOffice the metrics of the DOCX fonts (Times New Roman).
packages=(chromium libreoffice-writer-nogui poppler-utils fonts-dejavu-core nodejs postgresql qpdf fonts-liberation2)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them as root: apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
