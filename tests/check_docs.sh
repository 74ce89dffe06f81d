#!/bin/sh
# Generated documentation and the public header agree with the library.
# Usage: check_docs.sh CVHP_TOOL SRCROOT
set -eu
tool=$1
root=$2
tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.ids" "$tmp.hdr"' EXIT
"$tool" params --markdown > "$tmp"
if ! diff -u "$root/docs/parameters.md" "$tmp"; then
  echo "docs/parameters.md is stale: run build/tools/cvhp params --markdown > docs/parameters.md"
  exit 1
fi
# Every CVHP_PARAM_* id of include/cvhp/params.h has a row in the table, and
# every row's id is in the header (the table uses the header's names, so a
# row cannot invent one; this catches header ids the table lacks).
sed -n 's/.*(id \([0-9]*\)).*/\1/p' "$tmp" | sort -n > "$tmp.ids"
sed -n 's/^ *CVHP_PARAM_[A-Z0-9_]* = \([0-9]*\),\{0,1\}$/\1/p' "$root/include/cvhp/params.h" | sort -n > "$tmp.hdr"
if ! diff -u "$tmp.hdr" "$tmp.ids"; then
  echo "include/cvhp/params.h ids (-) and lib/params.def rows (+) differ"
  exit 1
fi
echo "ok: docs/parameters.md is current; $(wc -l < "$tmp.ids") parameter ids match the header"
