#!/usr/bin/env bash
# Cold `cargo xtask codegen` on fresh checkouts, side by side: the commit given
# as the baseline (default 89c4890) and HEAD, each in its own `git worktree`
# with its own empty target directory, interleaved per round. Prints one line
# per run and the ratio of medians. Usage: xtask-codegen.sh [ROUNDS] [BASELINE]
# [head-first] (HEAD before the baseline in each round; default: baseline first).
set -euo pipefail
rounds=${1:-1}
baseline=${2:-89c4890}
root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
work=${CARGO_TARGET_DIR:-$root/target}/bench-build/xtask
head=$(git -C "$root" rev-parse --short HEAD)
mkdir -p "$work"
for commit in "$baseline" "$head"; do
  dir=$work/checkout-$commit
  [ -f "$dir/Cargo.toml" ] || git -C "$root" worktree add --detach "$dir" "$commit" >/dev/null
  # Dependencies downloaded before timing: no timed build waits for the network.
  (cd "$dir" && cargo fetch --quiet)
done
echo "cold cargo xtask codegen, $(date -u '+%Y-%m-%d %H:%M') UTC, HEAD $head, baseline $baseline, $(rustc -V), load $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A times
order=("$baseline" "$head")
[ "${3:-}" = head-first ] && order=("$head" "$baseline")
for round in $(seq 1 "$rounds"); do
  for commit in "${order[@]}"; do
    dir=$work/checkout-$commit
    target=$work/target-$commit
    rm -rf "$target"
    git -C "$dir" checkout --quiet -- .
    start=$(date +%s.%N)
    (cd "$dir" && CARGO_TARGET_DIR=$target CARGO_INCREMENTAL=0 cargo xtask codegen >"$work/log-$commit-$round.txt" 2>&1)
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc)
    times[$commit]="${times[$commit]:-} $t"
    echo "round $round: $commit $t s (load $(cut -d' ' -f1-3 /proc/loadavg))"
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
b=$(echo "${times[$baseline]}" | median)
h=$(echo "${times[$head]}" | median)
echo "median: $baseline $b s, $head $h s, ratio $(echo "scale=3; $h / $b" | bc)"
