#!/bin/sh
# docs/api.md is generated from the header comments and documents every
# exported function; and the checker itself fails on an undocumented
# function, a stale api.md and an exported symbol the headers lack.
# Usage: check_api_docs.sh PYTHON SRCROOT LIBCVHP.so
set -eu
py=$1
root=$2
lib=$3
gen="$root/tools/gen_api_md.py"
"$py" "$gen" "$root" --check "$lib"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/include/cvhp" "$tmp/docs"
cat > "$tmp/include/cvhp/a.h" <<'H'
/* ---- things ---- */
/* Does one thing. */
CVHP_API int cvhp_one(void);
CVHP_API int cvhp_one_too(int x); /* grouped with cvhp_one */
int unrelated;
CVHP_API int cvhp_bare(void);
H
"$py" "$gen" "$tmp" > "$tmp/docs/api.md"
out=$("$py" "$gen" "$tmp" --check 2>&1) && { echo "checker passed an undocumented function"; exit 1; }
echo "$out" | grep -q "undocumented: a.h: cvhp_bare" || { echo "checker did not name cvhp_bare: $out"; exit 1; }
echo "$out" | grep -q "cvhp_one" && { echo "checker flagged a documented function: $out"; exit 1; }
grep -q "grouped with cvhp_one" "$tmp/docs/api.md" || { echo "same-line note lost"; exit 1; }
[ "$(grep -c 'Does one thing.' "$tmp/docs/api.md")" = 2 ] || { echo "group comment not shared"; exit 1; }

sed -i 's|^CVHP_API int cvhp_bare(void);|/* Bare. */\nCVHP_API int cvhp_bare(void);|' "$tmp/include/cvhp/a.h"
out=$("$py" "$gen" "$tmp" --check 2>&1) && { echo "checker passed a stale api.md"; exit 1; }
echo "$out" | grep -q "docs/api.md is stale" || { echo "no stale message: $out"; exit 1; }
"$py" "$gen" "$tmp" > "$tmp/docs/api.md"
"$py" "$gen" "$tmp" --check >/dev/null
out=$("$py" "$gen" "$tmp" --check "$lib" 2>&1) && { echo "checker missed exported symbols the headers lack"; exit 1; }
echo "$out" | grep -q "exported but not in docs/api.md: cvhp_" || { echo "no export message: $out"; exit 1; }
echo "ok: the api.md checker fails on undocumented, stale and missing functions"
