#!/usr/bin/env bash
# Time from `cutover sandbox` to the cockpit's first frame, to the estate
# listed in it (6 instances in the source pane), and to the moment the
# background seeding says every object is in, read from the screen with tmux. See "Performance" in README.md.
#
#   bash benches/sandbox_first_frame.sh            # 3 runs, debug build
#   RUNS=5 CUTOVER=target/release/cutover bash benches/sandbox_first_frame.sh
#
# Prerequisites: tmux, moto_server (pip install 'moto[server]>=5.2.5'), a
# built cutover (cargo build). Not part of `cargo test`.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CUTOVER=${CUTOVER:-$ROOT/target/debug/cutover}
RUNS=${RUNS:-3}
command -v tmux >/dev/null || { echo "tmux is needed (apt-get install tmux)" >&2; exit 1; }
[[ -x $CUTOVER ]] || { echo "build cutover first (cargo build)" >&2; exit 1; }
WORK=$(mktemp -d /tmp/sandbox-frame.XXXXXX)
SESSION=cutover-frame-$$
trap 'tmux kill-session -t "$SESSION" 2>/dev/null || true; rm -rf "$WORK"' EXIT

since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$EPOCHREALTIME"; }
echo "load: $(uptime | sed 's/.*load average/load average/')"
for run in $(seq 1 "$RUNS"); do
    t0=$EPOCHREALTIME
    tmux new-session -d -s "$SESSION" -x 160 -y 45 \
        "env HOME=$WORK XDG_CONFIG_HOME=$WORK/.config XDG_DATA_HOME=$WORK/.local/share $CUTOVER sandbox 2>$WORK/stderr"
    first='' listed='' all=''
    for _ in $(seq 1 1200); do
        screen=$(tmux capture-pane -p -t "$SESSION" 2>/dev/null || true)
        # The header line is the cockpit's first frame.
        if [[ -z $first && $screen == *"source us-east-1"*"target eu-west-1"* ]]; then first=$(since "$t0"); fi
        # The source pane's title counts the 6 instances once the estate is listed.
        if [[ -z $listed && $screen == *"us-east-1 · EC2 instances 6 "* ]]; then listed=$(since "$t0"); fi
        if [[ $screen == *"objects ("*"MB) are in the buckets"* ]]; then all=$(since "$t0"); break; fi
        sleep 0.05
    done
    echo "run $run: first frame ${first:-none} s, estate listed ${listed:-not seen} s, all objects in ${all:-not seen} s"
    tmux send-keys -t "$SESSION" q; sleep 0.5; tmux send-keys -t "$SESSION" y
    for _ in $(seq 1 100); do tmux has-session -t "$SESSION" 2>/dev/null || break; sleep 0.1; done
    tmux kill-session -t "$SESSION" 2>/dev/null || true
done
