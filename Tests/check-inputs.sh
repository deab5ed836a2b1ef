#!/usr/bin/env bash
# Runs every malformed input under Tests/inputs/ through the `pare` binary ($1, default
# .build/release/pare) and asserts, for each: a non-zero exit that is not a signal, within 30 s
# (no hang), exactly one line on stderr naming the file, nothing written, and a peak resident
# memory below 1 GB. Exits non-zero when any case fails.
#
# The corpus: safetensors/ (opened as a bare model), gguf/ (likewise; made by
# scripts/make_gguf_fixtures.py, one GGUF validation rule each), gguf-models/ (well-formed GGUFs
# whose model is wrong: a bad rope_freqs.weight, a missing tensor; made by
# scripts/convert_tiny_ggufs.py), datasets/ (--data for lenet-300-100),
# plans/ (--plan for lenet-300-100), configs/ (config.json beside real weights: lenet-300-100's,
# or the tiny BERT's for "bert-*"), texts/ (--text for the tiny BERT), packed/ (unpacked: a
# 4x8 int4 model whose __metadata__ was edited), imatrix/ (--imatrix for tiny-llama.gguf; made by
# scripts/make_imatrix_fixtures.py), nonfinite/plans/ (plans compressing a tensor of
# nonfinite/model.safetensors that holds NaN or Inf, for apply and eval), plus a FIFO made here in
# place of a weights file and of the data (a FIFO cannot be committed).
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
pare="$(cd "$root" && realpath "${1:-.build/release/pare}")"
corpus="$root/Tests/inputs"
lenet="$root/assets/models/lenet-300-100"
tinybert="$root/Tests/PareEngineTests/Fixtures/tiny-bert"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# Caches and saved sessions go here, so "nothing written" covers them too.
export XDG_CACHE_HOME="$scratch/home/cache" XDG_STATE_HOME="$scratch/home/state" PARE_CACHE_DIR="$scratch/home/pare-cache"
limit_kb=$((1024 * 1024))
failures=0 cases=0

# check FILE ARGS...: runs `pare ARGS` in an empty directory, FILE being the input it must name.
check() {
  local file="$1"; shift
  local work="$scratch/work" log="$scratch/log" name="${file#"$scratch/"}"
  name="${name#"$corpus/"}"
  rm -rf "$work" "$log" && mkdir -p "$work" "$log"
  cases=$((cases + 1))
  local listing_before; listing_before="$(listing)"
  (cd "$work" && timeout -s KILL 30 /usr/bin/time -f '%M' -o "$log/rss" "$pare" "$@" >/dev/null 2>"$log/stderr")
  local status=$? problems=()
  local rss; rss="$(tail -n 1 "$log/rss" 2>/dev/null)"
  local lines; lines="$(wc -l <"$log/stderr")"
  [ "$status" -eq 0 ] && problems+=("exit 0")
  [ "$status" -ge 128 ] && problems+=("killed by a signal or the timeout (status $status)")
  [ "$lines" -eq 1 ] || problems+=("$lines lines on stderr")
  grep -qF -- "$file" "$log/stderr" || problems+=("stderr does not name $file")
  [ -n "$(ls -A "$work")" ] && problems+=("wrote $(ls -A "$work" | tr '\n' ' ')")
  [ "$(listing)" = "$listing_before" ] || problems+=("wrote a file outside its directory")
  [[ "$rss" =~ ^[0-9]+$ ]] && [ "$rss" -ge "$limit_kb" ] && problems+=("peak memory ${rss} kB")
  if [ ${#problems[@]} -gt 0 ]; then
    failures=$((failures + 1))
    printf 'FAIL %s: pare %s\n     %s\n     stderr: %s\n' "$name" "$*" "$(IFS=';'; echo "${problems[*]}")" "$(head -c 300 "$log/stderr")"
  else
    printf 'ok   %s: %s\n' "$name" "$(cat "$log/stderr")"
  fi
}

# Every file under $scratch and the corpus but the current case's own folders.
listing() {
  (cd "$scratch" && find . -path ./work -prune -o -path ./log -prune -o -print | sort)
  (cd "$corpus" && find . -print | sort)
}

# model_with CONFIG WEIGHTS_DIR: a model directory in $scratch holding CONFIG as config.json and
# links to every other file of WEIGHTS_DIR; prints its path.
model_with() {
  local model="$scratch/models/$(basename "$1" .json)"
  mkdir -p "$model"
  for f in "$2"/*; do [ "$(basename "$f")" = config.json ] || ln -s "$f" "$model/"; done
  cp "$1" "$model/config.json"
  echo "$model"
}

for f in "$corpus"/safetensors/*; do check "$f" inspect "$f"; done
for f in "$corpus"/gguf/*; do check "$f" inspect "$f"; done
for f in "$corpus"/gguf-models/*; do check "$f" inspect "$f"; done
for f in "$corpus"/datasets/*; do check "$f" eval "$lenet" --data "$f"; done
for f in "$corpus"/plans/*; do check "$f" eval "$lenet" --plan "$f"; done
for f in "$corpus"/configs/*; do
  case "$(basename "$f")" in bert-*) weights="$tinybert" ;; *) weights="$lenet" ;; esac
  model="$(model_with "$f" "$weights")"
  check "$model/config.json" inspect "$model"
done
for f in "$corpus"/texts/*; do check "$f" eval "$tinybert" --text "$f"; done
for f in "$corpus"/packed/*; do check "$f" unpack "$f" --output unpacked.safetensors; done
# Importance matrices (#16) made for another model, or malformed: refused before any pass.
tinyllama="$root/Tests/PareWorkbenchTests/Fixtures/tiny-llama.gguf"
for f in "$corpus"/imatrix/*; do check "$f" eval "$tinyllama" --imatrix "$f"; done
# Non-finite weights (#17): a plan compressing a tensor that holds NaN or Inf is refused by
# `apply` and `eval`, naming the plan, the tensor and the counts, before anything is written.
nonfinite="$corpus/nonfinite/model.safetensors"
for f in "$corpus"/nonfinite/plans/*; do
  check "$f" apply "$nonfinite" --plan "$f" --output out
  check "$f" eval "$nonfinite" --plan "$f"
done

mkdir -p "$scratch/fifo" && mkfifo "$scratch/fifo/model.safetensors" "$scratch/fifo/data.safetensors" "$scratch/fifo/model.gguf"
check "$scratch/fifo/model.safetensors" inspect "$scratch/fifo/model.safetensors"
check "$scratch/fifo/model.gguf" inspect "$scratch/fifo/model.gguf"
check "$scratch/fifo/data.safetensors" eval "$lenet" --data "$scratch/fifo/data.safetensors"

echo "check-inputs: $cases cases, $failures failed"
[ "$failures" -eq 0 ]
