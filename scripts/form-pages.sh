#!/bin/sh
# Renders the first page of every form, for a 社区戒毒 and a 社区康复 person of the bundled
# sample, to docs/forms/<form>-戒毒.png and <form>-康复.png (60 dpi): the gallery clerks see
# in docs/forms.md and reviewers look at. Forms that need a term to have ended are made as of
# 2030-06-30. Needs pdftoppm (Debian: poppler-utils) and a built binary (cargo build).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${REHABDOCS:-$ROOT/target/debug/rehabdocs}
OUT=$ROOT/docs/forms
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"
cp "$ROOT/samples/sample.xlsx" "$WORK/sample.xlsx"
# A 社区戒毒 and a 社区康复 person of the sample (override with DETOX=/REHAB=).
DETOX=${DETOX:-SQ00001}
REHAB=${REHAB:-SQ00003}
"$BIN" forms 2>/dev/null | sed -n 's/^[0-9]*\. .*（\([a-z_]*\)）$/\1/p' > "$WORK/ids" || true
[ -s "$WORK/ids" ] || { echo "rehabdocs forms listed nothing" >&2; exit 1; }
for id in $(cat "$WORK/ids"); do
  for who in "戒毒:$DETOX" "康复:$REHAB"; do
    tag=${who%%:*}; person=${who#*:}
    dir="$WORK/$id-$tag"
    for asof in 2025-12-31 2030-06-30; do
      rm -rf "$dir"
      if "$BIN" generate "$WORK/sample.xlsx" --form "$id" --person "$person" --as-of "$asof" \
          --embedded-fonts-only --ledger "$WORK/ledger-$asof.csv" -o "$dir" >/dev/null 2>&1 \
          && ls "$dir"/*.pdf 2>/dev/null | grep -v 清单 | head -1 > "$WORK/pdf" && [ -s "$WORK/pdf" ]; then
        pdftoppm -png -r 60 -f 1 -l 1 -singlefile "$(cat "$WORK/pdf")" "$OUT/$id-$tag"
        break
      fi
    done
  done
done
ls "$OUT"
