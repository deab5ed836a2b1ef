#!/usr/bin/env bash
# The anchor comparison of issue #16: `pare search --like FTYPE` on an F32 GGUF (made by
# `python3 scripts/check_llama_mix.py --keep DIR`: the dequantized weights, the file llama.cpp
# quantizes), searched on .models/text/wiki.utf8 and measured on held-out .models/text/c4.utf8
# (8 windows of 512 tokens) beside llama.cpp's own mix of FTYPE, without and with the imatrix
# (the search seeds itself with both, measured on the search text, and starts from the best).
#
#   scripts/anchor_like.sh DIR/smollm2-f32.gguf q4_k_m OUT [CHUNKS] [EVALUATIONS]
#
# The importance matrix comes from 16 windows of wiki.utf8 (`pare imatrix`), so nothing of the
# held-out text reaches the quantizer. The candidates are the types llama.cpp's K-mixes use on
# these models (q4_0, q5_0 and q8_0 everywhere, the K types where rows fit), with importance
# weights; the sweep's cells are cached, so a second FTYPE reuses them.
set -euo pipefail
model="$1" ftype="$2" out="$3" chunks="${4:-2}" evaluations="${5:-30}"
root="$(cd "$(dirname "$0")/.." && pwd)"
pare="${PARE:-$root/.build/release/pare}"
wiki="$root/.models/text/wiki.utf8" c4="$root/.models/text/c4.utf8"
mkdir -p "$out"
key="$(basename "$model" .gguf)"
imatrix="$out/$key-wiki.imatrix.gguf"
[ -f "$imatrix" ] || "$pare" imatrix "$model" --text "$wiki" --chunks 16 --output "$imatrix"
prefix="$out/$key-$ftype"
"$pare" search "$model" --like "$ftype" --text "$wiki" --chunks "$chunks" --evaluations "$evaluations" \
  --candidates "q4_0+imatrix,q5_0+imatrix,q8_0,q4_k+imatrix,q5_k+imatrix,q6_k+imatrix" --imatrix "$imatrix" \
  --output "$prefix-found.json" --like-output "$prefix-mix.json" | tee "$prefix-search.txt" | tail -8
# llama.cpp's mix with the imatrix: every type that takes importance weights gets it, but the
# embedding and head, which llama-imatrix does not record (as `pare search` seeds it).
python3 - "$prefix-mix.json" "$prefix-mix-imatrix.json" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
for name, spec in plan["tensors"].items():
    q = spec.get("quantize")
    if q and q.get("scheme") == "ggml" and q.get("type") != "q8_0" and name not in ("token_embd.weight", "output.weight"):
        q["imatrix"] = True
plan.pop("summary", None)
json.dump(plan, open(sys.argv[2], "w"), indent=1)
PY
printf '%-12s %12s %9s %11s %9s\n' plan bytes "mean KL" perplexity "same top"
for plan in found mix mix-imatrix; do
  "$pare" eval "$model" --plan "$prefix-$plan.json" --text "$c4" --chunks 8 --imatrix "$imatrix" --json > "$prefix-$plan-c4.json"
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('%-12s %12d %9.4f %11.3f %8.1f%%' % (sys.argv[2], d['compressed_bytes'], d['value'], d['perplexity'], 100*d['same_top']))" "$prefix-$plan-c4.json" "$plan"
done
