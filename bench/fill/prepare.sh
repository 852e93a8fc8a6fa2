#!/usr/bin/env bash
# Installs what the fill benchmark compares against and the photos it uses, from Debian:
#   - OpenCV's inpainting (python3-opencv: cv2.inpaint and cv2.xphoto) and G'MIC (gmic);
#   - photos: libjxl-testdata's flower.png and scikit-image's sample photographs.
# Idempotent. Needs root (or sudo) the first time.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
photos="$root/.cache/bench-assets/photos"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

need=()
/usr/bin/python3 -c 'import cv2; cv2.xphoto' >/dev/null 2>&1 || need+=(python3-opencv)
command -v gmic >/dev/null 2>&1 || need+=(gmic)
if [ "${#need[@]}" -gt 0 ]; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

fetch() { # package, path inside it, name to save as
  [ -f "$photos/$3" ] && return
  local work
  work="$(mktemp -d)"
  (cd "$work" && apt-get download -qq "$1" 2>/dev/null || { as_root apt-get update -qq && apt-get download -qq "$1"; })
  dpkg-deb -x "$work"/"$1"_*.deb "$work/x"
  mkdir -p "$photos"
  cp "$work/x/$2" "$photos/$3"
  rm -rf "$work"
}
fetch libjxl-testdata usr/share/libjxl-testdata/jxl/flower/flower.png flower.png
for photo in coffee.png astronaut.png rocket.jpg; do
  fetch python3-skimage "usr/lib/python3/dist-packages/skimage/data/$photo" "$photo"
done
