#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages, from Debian's archive:
#   - Chromium, for the browser tests (driven by playwright-core);
#   - real photographs for the end-to-end tests: scikit-image's sample images (public domain
#     and CC0 photos), taken from the python3-skimage package without installing it.
# Idempotent: does nothing when everything is already in place.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
assets="$root/.cache/test-assets"
photos=(chelsea.png coffee.png astronaut.png rocket.jpg)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "prepare.sh: '$*' needs root; run the tests as root or install it yourself" >&2
    return 1
  fi
}

apt_lists_ready=0
ensure_apt_lists() {
  if [ "$apt_lists_ready" -eq 0 ]; then
    if ! apt-cache policy "$1" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
      as_root apt-get update -qq
    fi
    apt_lists_ready=1
  fi
}

missing_photos=0
for photo in "${photos[@]}"; do [ -f "$assets/photos/$photo" ] || missing_photos=1; done
if [ "$missing_photos" -eq 1 ]; then
  ensure_apt_lists python3-skimage
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && apt-get download -qq python3-skimage 2>/dev/null)
  dpkg-deb -x "$work"/python3-skimage_*.deb "$work/x"
  mkdir -p "$assets/photos"
  for photo in "${photos[@]}"; do
    cp "$work/x/usr/lib/python3/dist-packages/skimage/data/$photo" "$assets/photos/$photo"
  done
  echo "prepare.sh: test photos ready in $assets/photos"
fi

if ! command -v chromium >/dev/null 2>&1; then
  ensure_apt_lists chromium
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  echo "prepare.sh: installed $(chromium --version)"
fi
