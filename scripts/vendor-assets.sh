#!/usr/bin/env bash
# Re-vendor the third-party browser assets embedded by internal/web/assets.
#
# Pinned npm package versions (keep in sync with static/SHA256SUMS):
#   htmx.org      2.0.11  dist/htmx.min.js    -> static/htmx.min.js     (0BSD)
#   htmx-ext-sse  2.2.4   dist/sse.min.js     -> static/htmx-ext-sse.js (0BSD)
#   echarts       6.1.0   dist/echarts.min.js -> static/echarts.min.js  (Apache-2.0)
#
# Usage:
#   scripts/vendor-assets.sh           download, copy into static/, verify
#   scripts/vendor-assets.sh --check   download and verify only; leave static/ untouched
#
# The script fetches the packages with `npm pack` into a temporary directory,
# copies the dist files into internal/web/assets/static/ and verifies them
# against internal/web/assets/static/SHA256SUMS. It exits non-zero if any
# file does not match. When bumping a version, update the table above and the
# PACKAGES list below, run the script, inspect the diff and then regenerate
# SHA256SUMS deliberately:
#   (cd internal/web/assets/static && sha256sum echarts.min.js htmx-ext-sse.js htmx.min.js > SHA256SUMS)
set -euo pipefail

# package@version|path inside the tarball|destination file name
PACKAGES=(
	"htmx.org@2.0.11|package/dist/htmx.min.js|htmx.min.js"
	"htmx-ext-sse@2.2.4|package/dist/sse.min.js|htmx-ext-sse.js"
	"echarts@6.1.0|package/dist/echarts.min.js|echarts.min.js"
)

check_only=0
case "${1:-}" in
"") ;;
--check) check_only=1 ;;
-h | --help)
	sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
*)
	echo "usage: $0 [--check]" >&2
	exit 2
	;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
static="$root/internal/web/assets/static"
sums="$static/SHA256SUMS"

command -v npm >/dev/null || {
	echo "vendor-assets: npm not found in PATH" >&2
	exit 1
}
command -v sha256sum >/dev/null || {
	echo "vendor-assets: sha256sum not found in PATH" >&2
	exit 1
}
[[ -f "$sums" ]] || {
	echo "vendor-assets: $sums missing" >&2
	exit 1
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

out="$tmp/out"
mkdir -p "$out"

for entry in "${PACKAGES[@]}"; do
	IFS='|' read -r spec src dest <<<"$entry"
	pkgdir="$tmp/pkg-${dest}"
	mkdir -p "$pkgdir"
	echo "vendor-assets: fetching $spec"
	tarball="$(cd "$pkgdir" && npm pack --silent "$spec" | tail -n 1)"
	tar -xzf "$pkgdir/$tarball" -C "$pkgdir" "$src"
	cp "$pkgdir/$src" "$out/$dest"
done

# Verify the downloaded files first so a bad download never lands in static/.
if ! (cd "$out" && sha256sum --check --strict "$sums"); then
	echo "vendor-assets: checksum mismatch for downloaded files (see above)" >&2
	exit 1
fi

if [[ $check_only -eq 1 ]]; then
	echo "vendor-assets: downloaded files match SHA256SUMS"
	exit 0
fi

for entry in "${PACKAGES[@]}"; do
	IFS='|' read -r _ _ dest <<<"$entry"
	cp "$out/$dest" "$static/$dest"
done

if ! (cd "$static" && sha256sum --check --strict "$sums"); then
	echo "vendor-assets: checksum mismatch in $static" >&2
	exit 1
fi
echo "vendor-assets: static assets updated and verified"
