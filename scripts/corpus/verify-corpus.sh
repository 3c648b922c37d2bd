#!/usr/bin/env bash
# Verifies that the third-party files under test/corpus/models are unmodified copies of the Debian
# packages named in test/corpus/models/SOURCES.md: downloads the pinned .debs with apt-get (no
# install), unpacks them in a temporary directory and compares byte for byte. `--copy` rewrites the
# corpus files from the packages instead (to regenerate after changing a version here).
set -euo pipefail
cd "$(dirname "$0")/../.."
corpus=test/corpus/models
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mode=${1:-verify}

# package=version, then corpus directory → path inside the package
pkgs=(
  python3-torchvision=0.14.1-2
  python3-torchaudio=0.13.1-1
  python3-torchtext=0.14.1-2
  python3-skorch=0.12.1-2
  python3-keras-applications=1.0.8+ds-1
)
maps=(
  "pytorch/torchvision:torchvision"
  "pytorch/torchaudio:torchaudio"
  "pytorch/torchtext:torchtext"
  "pytorch/skorch:skorch"
  "keras/keras_applications:keras_applications"
)

(cd "$tmp" && apt-get download "${pkgs[@]}" >/dev/null 2>&1) || {
  echo "apt-get download failed (run apt-get update first?)" >&2
  exit 2
}
for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$tmp/x"; done
site="$tmp/x/usr/lib/python3/dist-packages"

bad=0
checked=0
for m in "${maps[@]}"; do
  dir=${m%%:*}
  pkgdir=${m#*:}
  while IFS= read -r -d '' f; do
    rel=${f#"$corpus/$dir/"}
    src="$site/$pkgdir/$rel"
    if [[ $mode == --copy ]]; then
      cp "$src" "$f"
    elif ! cmp -s "$src" "$f"; then
      echo "differs from the package: $f" >&2
      bad=1
    fi
    checked=$((checked + 1))
  done < <(find "$corpus/$dir" -name '*.py' -print0)
done
echo "$checked third-party corpus files compared with their Debian packages"
exit $bad
