#!/bin/sh
# Fills fuzz/corpus/<target> with seed inputs taken from the repository: the
# shipped rules and the test inputs cut into top-level items, runs of four
# items, and clause blocks wrapped in their referential (every seed under
# 4 KiB: libFuzzer's -max_len, and so the time of an execution, stays
# small); the example and test inventories whole.
# Usage: fuzz/seed.sh (from anywhere); re-running only adds files.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
corpus="$root/fuzz/corpus"
mkdir -p "$corpus/parse" "$corpus/parse_diff" "$corpus/parse_chunks" \
    "$corpus/inventory" "$corpus/walk"

for f in "$root"/rules/*.rules "$root"/rules/tests/*.rules \
    "$root"/tests/inputs/errors/*.rules "$root"/tests/inputs/format/*.rules; do
    [ -f "$f" ] || continue
    stem=$(basename "$(dirname "$f")")-$(basename "$f" .rules)
    # A new item starts where a line starts with a top-level keyword, as the
    # formatter writes them and as the chunked parser cuts; a clause block
    # starts at a `clause` indented by two or four spaces.
    awk -v dir="$corpus/parse" -v stem="$stem" '
        function out(name, text) { printf "%s", text > name; close(name) }
        function flush(d) {
            if (body[d] != "") out(dir "/" stem "-c" (++k), head[d] body[d] tail[d])
            body[d] = ""
        }
        /^(referential|evidence|mapping|test)[ \t]/ {
            flush(1); flush(2)
            if (n % 4 == 0 && group != "") { out(dir "/" stem "-g" n, group); group = "" }
            if (item != "") out(dir "/" stem "-" n, item)
            n++; item = ""
            head[1] = $0 "\n"; tail[1] = "}\n"; inref = ($1 == "referential")
        }
        /^  clause / { flush(1); flush(2); head[2] = head[1] $0 "\n"; tail[2] = "  }\n}\n" }
        /^    clause / || /^  }/ { flush(2) }
        /^}/ { flush(1); flush(2) }
        inref && (/^  [^ }]/ || /^  }/) { body[1] = body[1] $0 "\n" }
        inref && /^    / { body[2] = body[2] $0 "\n" }
        { item = item $0 "\n"; group = group $0 "\n" }
        END { if (item != "") out(dir "/" stem "-" n, item); if (group != "") out(dir "/" stem "-g" n, group) }
    ' "$f"
done
find "$root/tests/inputs" "$root/rules" -name '*.rules' \
    -exec sh -c 'for f; do cp "$f" "$0/whole-$(basename "$f")"; done' "$corpus/parse" {} +
find "$corpus/parse" -type f -size +4k -delete
cp "$corpus"/parse/* "$corpus/parse_diff/"
cp "$corpus"/parse/* "$corpus/parse_chunks/"

find "$root/examples" "$root/tests/inputs/inventories" -type f \
    \( -name '*.yaml' -o -name '*.json' \) \
    -exec sh -c 'for f; do cp "$f" "$0/$(basename "$(dirname "$f")")-$(basename "$f")"; done' \
    "$corpus/inventory" {} +
printf 'seeds: %s rules pieces, %s inventories\n' "$(ls "$corpus/parse" | wc -l)" \
    "$(ls "$corpus/inventory" | wc -l)"
