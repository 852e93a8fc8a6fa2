#!/usr/bin/env bash
# Installs what the fill benchmark compares against and the photos it uses, from Debian:
#   - OpenCV's inpainting (python3-opencv: cv2.inpaint and cv2.xphoto) and G'MIC (gmic);
#   - OpenCV's face detectors (opencv-data), which faces.py uses to find faces copied into a fill;
#   - photos: libjxl-testdata's flower.png, scikit-image's sample photographs, and landscapes
#     where the fill's visible defects show (smooth dusk skies and water, horizons, rails,
#     poles, boats) from the KDE Plasma and MATE wallpaper packages.
# Idempotent. Needs root (or sudo) the first time.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
photos="$root/.cache/bench-assets/photos"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

need=()
/usr/bin/python3 -c 'import cv2; cv2.xphoto' >/dev/null 2>&1 || need+=(python3-opencv)
command -v gmic >/dev/null 2>&1 || need+=(gmic)
[ -f /usr/share/opencv4/haarcascades/haarcascade_frontalface_alt2.xml ] || need+=(opencv-data)
if [ "${#need[@]}" -gt 0 ]; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

fetch() { # package, then pairs of: path inside it, name to save as
  local package="$1" missing=0 work
  shift
  for ((i = 2; i <= $#; i += 2)); do [ -f "$photos/${!i}" ] || missing=1; done
  [ "$missing" -eq 1 ] || return 0
  work="$(mktemp -d)"
  (cd "$work" && apt-get download -qq "$package" 2>/dev/null || { as_root apt-get update -qq && apt-get download -qq "$package"; })
  dpkg-deb -x "$work"/"$package"_*.deb "$work/x"
  mkdir -p "$photos"
  while [ "$#" -gt 0 ]; do
    cp "$work/x/$1" "$photos/$2"
    shift 2
  done
  rm -rf "$work"
}
fetch libjxl-testdata usr/share/libjxl-testdata/jxl/flower/flower.png flower.png
skimage=usr/lib/python3/dist-packages/skimage/data
fetch python3-skimage $skimage/coffee.png coffee.png $skimage/astronaut.png astronaut.png $skimage/rocket.jpg rocket.jpg \
  $skimage/chelsea.png chelsea.png
plasma=usr/share/wallpapers
fetch plasma-workspace-wallpapers $plasma/summer_1am/contents/images/1920x1080.jpg lake-dusk.jpg \
  $plasma/EveningGlow/contents/images/1920x1080.jpg boats.jpg $plasma/ColdRipple/contents/images/1920x1080.jpg pier.jpg
fetch mate-backgrounds usr/share/backgrounds/mate/nature/Storm.jpg storm.jpg
