#!/usr/bin/env bash
# End-to-end test of the explorer: runs the real `pare` in tmux on the bundled lenet-300-100,
# then on a tiny BERT sentence encoder, presses keys, reads the screen with capture-pane and
# checks what a user would see.
# Usage: Tests/e2e/explorer.sh [PATH_TO_PARE]   (default: .build/debug/pare)
set -euo pipefail

# A UTF-8 locale for tmux and pare alike (CI may have none set): the checks below read the
# Unicode glyphs (the │ pane border, the braille spinner).
export LC_ALL=C.UTF-8
root="$(cd "$(dirname "$0")/../.." && pwd)"
pare="$(realpath "${1:-$root/.build/debug/pare}")"
session="pare-e2e-$$"
work="$(mktemp -d "${TMPDIR:-/tmp}/pare-e2e.XXXXXX")"
passed=0
failed=0

cleanup() {
  tmux kill-session -t "$session" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

screen() { tmux capture-pane -p -t "$session"; }

# Waits up to $2 seconds (default 20) until the screen matches the extended regex $1.
wait_for() {
  local pattern="$1" limit="${2:-20}" waited=0
  until screen | grep -Eq -- "$pattern"; do
    sleep 0.2
    waited=$((waited + 1))
    if [ "$waited" -ge $((limit * 5)) ]; then return 1; fi
  done
}

# Waits until the evaluation has finished (no spinner) and the screen has not changed for a
# second (the explorer has handled every key sent).
settle() {
  local previous="" current stable=0 waited=0
  while [ "$waited" -lt 150 ]; do
    sleep 0.2
    waited=$((waited + 1))
    current="$(screen)"
    if [ "$current" = "$previous" ] && ! grep -q '[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]' <<<"$current"; then
      stable=$((stable + 1))
      [ "$stable" -ge 5 ] && return 0
    else
      stable=0
    fi
    previous="$current"
  done
}

check() {
  local name="$1"
  shift
  if "$@"; then
    echo "ok: $name"
    passed=$((passed + 1))
  else
    echo "FAILED: $name"
    echo "--- screen ---"
    screen
    echo "--------------"
    failed=$((failed + 1))
  fi
}

tensors=(fc1.weight fc1.bias fc2.weight fc2.bias fc3.weight fc3.bias)
all_tensors_shown() {
  local s
  s="$(screen)"
  for t in "${tensors[@]}"; do grep -q -- "$t" <<<"$s" || return 1; done
}

# A fresh state directory: no saved session to offer, nothing written to the user's home.
# Sensitivity cells go to the test's own cache folder, never the user's.
mkdir -p "$work/home"
tmux -u new-session -d -s "$session" -x 120 -y 40 \
  "cd '$work' && HOME='$work/home' LC_ALL=C.UTF-8 XDG_STATE_HOME='$work/state' PARE_CACHE_DIR='$work/cache' PARE_ASSETS='$root/assets' '$pare'; echo \$? > '$work/exit-code'; sleep 30"

check "the table shows up" wait_for "fc3\.bias" 30
check "every tensor is listed" all_tensors_shown
check "the accuracy is measured" wait_for "accuracy" 30
settle
header_before="$(screen | head -n 1)"
# The table: the left pane of the rows below the header (the detail pane follows the selection).
table() { screen | sed -n '2,10p' | sed 's/│.*//'; }
table_before="$(table)"

# Select fc1.weight (the second row) and take it from float32 to 5 bits.
tmux send-keys -t "$session" j b b b b
settle
header_after="$(screen | head -n 1)"
check "lowering bits changes the header (size and metric)" test "$header_before" != "$header_after"
size_of() { grep -Eo '[0-9.]+ ?[kMG]?B' <<<"$1" | tail -n 1; }
check "the compressed size falls" test "$(size_of "$header_before")" != "$(size_of "$header_after")"

tmux send-keys -t "$session" u u u u
settle
check "as many undos restore the table exactly" test "$table_before" = "$(table)"
check "and the header" test "$header_before" = "$(screen | head -n 1)"

# s cycles the sort: name, params, then size, where the biggest tensor is the first row.
tmux send-keys -t "$session" s s s
settle
check "sorting by size puts the biggest tensor first" test "$(table | sed -n 2p | awk '{print $1}')" = "fc1.weight"

# Direct entry: = takes the CLI's candidate syntax, spaces allowed; a mistake stays in the prompt.
tmux send-keys -t "$session" =
tmux send-keys -t "$session" -l 'int9 g64'
tmux send-keys -t "$session" Enter
check "a bad spec is shown in the prompt" wait_for "candidate 'int9g64'" 5
tmux send-keys -t "$session" C-u
tmux send-keys -t "$session" -l 'int4 g64'
tmux send-keys -t "$session" Enter
settle
check "= int4 g64 sets the biggest tensor's spec" eval 'table | grep -q "^fc1\.weight.*int4 g64"'
tmux send-keys -t "$session" u
settle
check "one u takes it back, naming the change" wait_for "undo: fc1\.weight int4 g64 → none" 5

# The export prompt expands ~ as a shell does: the plan lands under $HOME, no folder named ~.
tmux send-keys -t "$session" e
tmux send-keys -t "$session" C-u
tmux send-keys -t "$session" -l '~/plan.json'
check "the export prompt shows the full target" wait_for "→ $work/home/plan\.json" 5
tmux send-keys -t "$session" Enter
settle
check "an export to ~/plan.json writes it under \$HOME" test -f "$work/home/plan.json"
check "and makes no folder named ~" test ! -e "$work/~"

# The sensitivity view, fifth in the Tab cycle: the sweep runs in the background, then every
# matrix gets a row of cells (accuracy changes in points) and the cells are cached.
tmux send-keys -t "$session" Tab Tab Tab Tab
check "Tab reaches the sensitivity view" wait_for "computing|change in points" 5
check "the map's cells appear for every matrix" wait_for "│ fc3 +[-+][0-9].*[-+][0-9]" 120
map_rows() { screen | grep -cE "│ fc[123] +([-+][0-9.]+ +){10}[-+][0-9.]+ *$"; }
check "one row of eleven cells per matrix" test "$(map_rows)" = "3"
check "the cells are cached" test -n "$(ls "$work/cache/sensitivity/"*/ 2>/dev/null)"
# → twice picks the third cell (int4) of the selected tensor's row; Enter gives it that candidate.
tmux send-keys -t "$session" Right Right
check "the map names the cell picked" wait_for "pick, Enter sets int4" 5
tmux send-keys -t "$session" Enter
settle
check "Enter on the int4 cell sets fc1.weight to int4 per channel" eval 'table | grep -q "^fc1\.weight.*int4 ch"'
tmux send-keys -t "$session" Tab
settle

tmux resize-window -t "$session" -x 80 -y 24
settle
check "at 80x24 every tensor is still listed" all_tensors_shown

# An unexported edit makes Ctrl-C ask, as q does; answering yes quits with status 0.
tmux send-keys -t "$session" b
settle
tmux send-keys -t "$session" C-c
check "Ctrl-C asks before losing an unexported plan" wait_for "Quit without exporting" 5
tmux send-keys -t "$session" y
for _ in $(seq 50); do [ -s "$work/exit-code" ] && break; sleep 0.2; done
check "pare exits with status 0" test "$(cat "$work/exit-code" 2>/dev/null)" = "0"

# A text encoder: the tiny random BERT of the engine's tests, measured on the bundled sentences.
tmux kill-session -t "$session" 2>/dev/null || true
rm -f "$work/exit-code"
tmux -u new-session -d -s "$session" -x 120 -y 40 \
  "cd '$work' && LC_ALL=C.UTF-8 XDG_STATE_HOME='$work/state' PARE_CACHE_DIR='$work/cache' PARE_ASSETS='$root/assets' '$pare' '$root/Tests/PareEngineTests/Fixtures/tiny-bert'; echo \$? > '$work/exit-code'; sleep 30"
check "a BERT model opens with its tensors" wait_for "1/40 *$" 30
check "its fidelity is measured" wait_for "fidelity 1\.0000" 30
check "the header says how many sentences it is measured on" wait_for "64 sentences +fidelity" 5
settle
# Select the word embeddings (the sixth row, as in the file) and take them to 2 bits.
tmux send-keys -t "$session" j j j j j b b b b b b b
settle
check "2-bit word embeddings lower the fidelity" wait_for "fidelity 0\.[0-9]{4}" 10
tmux send-keys -t "$session" x
settle
tmux send-keys -t "$session" q y
for _ in $(seq 50); do [ -s "$work/exit-code" ] && break; sleep 0.2; done
check "pare exits with status 0 on a BERT model too" test "$(cat "$work/exit-code" 2>/dev/null)" = "0"

# A decoder language model: the tiny random Llama of the assets (transformers' names, its own
# tokenizer.json), measured by KL divergence against itself on the bundled text: 0 at start, an
# edit raises it, undo brings it back to 0.
tmux kill-session -t "$session" 2>/dev/null || true
rm -f "$work/exit-code"
tmux -u new-session -d -s "$session" -x 120 -y 40 \
  "cd '$work' && LC_ALL=C.UTF-8 XDG_STATE_HOME='$work/state' PARE_CACHE_DIR='$work/cache' PARE_ASSETS='$root/assets' '$pare' '$root/assets/models/tiny-llama'; echo \$? > '$work/exit-code'; sleep 30"
check "a Llama model opens with its tensors" wait_for "1/21 *$" 30
check "its KL starts at 0" wait_for "KL 0 \+0 nats" 30
check "the header says how many windows it is measured on" wait_for "4 windows +KL" 5
settle
# Select model.layers.0.mlp.down_proj.weight (the fourth row) and take it to 3 bits.
tmux send-keys -t "$session" j j j b b b b b b
settle
check "3-bit down projection raises the KL" wait_for "KL 0\.[0-9]+ \+0\.[0-9]+ nats" 10
tmux send-keys -t "$session" u u u u u u
settle
check "undo brings the KL back to 0" wait_for "KL 0 \+0 nats" 10
tmux send-keys -t "$session" q
for _ in $(seq 50); do [ -s "$work/exit-code" ] && break; sleep 0.2; done
check "pare exits with status 0 on a Llama model too" test "$(cat "$work/exit-code" 2>/dev/null)" = "0"

# A signal that ends the explorer (kill -USR1, or SIGPIPE: a closed pipe it writes to) still
# restores the terminal: the process dies of the signal (status 128 + N), and tmux sees the
# alternate screen left, the cursor shown, keypad and mouse modes off, and the tty back in
# echo and canonical mode.
for sig in USR1 PIPE; do
  tmux kill-session -t "$session" 2>/dev/null || true
  rm -f "$work/exit-code" "$work/pid"
  tmux -u new-session -d -s "$session" -x 120 -y 40 \
    "cd '$work' && LC_ALL=C.UTF-8 XDG_STATE_HOME='$work/state' PARE_CACHE_DIR='$work/cache' PARE_ASSETS='$root/assets' sh -c 'echo \$\$ > \"\$1\"; exec \"\$2\" --mouse' _ '$work/pid' '$pare'; echo \$? > '$work/exit-code'; sleep 30"
  check "SIG$sig: the explorer is up" wait_for "fc3\.bias" 30
  settle
  kill -"$sig" "$(cat "$work/pid")"
  for _ in $(seq 50); do [ -s "$work/exit-code" ] && break; sleep 0.2; done
  check "SIG$sig: pare dies of the signal (status 128 + $(kill -l "$sig"))" \
    test "$(cat "$work/exit-code" 2>/dev/null)" = "$((128 + $(kill -l "$sig")))"
  modes="$(tmux display -p -t "$session" '#{alternate_on} #{cursor_flag} #{keypad_flag} #{mouse_any_flag}')"
  check "SIG$sig: alternate screen left, cursor shown, keypad and mouse off ($modes)" test "$modes" = "0 1 0 0"
  tty_modes="$(stty -F "$(tmux display -p -t "$session" '#{pane_tty}')")"
  check "SIG$sig: the tty echoes and reads lines again" eval '! grep -qE -- "-echo|-icanon" <<<"$tty_modes"'
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
