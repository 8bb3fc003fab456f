#!/usr/bin/env bash
# The cockpit on a large estate through moto_server: INSTANCES EC2 instances
# and RECORDS Route 53 records (over ZONES zones). Prints the time to the
# first frame, to the full instance count, to every listing done, how long
# keys take to answer while the listings stream in, peak and final RSS,
# and idle CPU. See "Performance" in README.md.
#
#   bash benches/cockpit_scale.sh                       # 10,000 + 100,000
#   INSTANCES=1000 RECORDS=10000 bash benches/cockpit_scale.sh
#   ENDPOINT=http://127.0.0.1:5000 INSTANCES=2000 bash benches/cockpit_scale.sh
#       (a moto already seeded with `scale_seed.py ENDPOINT 2000 100000 10`)
#
# Prerequisites: tmux, moto_server and boto3 (pip install 'moto[server]>=5.2.5'),
# a built cutover (cargo build; CUTOVER= another binary). Not part of
# `cargo test`. Seeding 10,000 instances and 100,000 records into moto takes
# a few minutes; moto, not cutover, sets the time to the full count.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CUTOVER=${CUTOVER:-$ROOT/target/debug/cutover}
INSTANCES=${INSTANCES:-10000}
RECORDS=${RECORDS:-100000}
ZONES=${ZONES:-10}
IDLE_SECONDS=${IDLE_SECONDS:-10}
command -v tmux >/dev/null || { echo "tmux is needed (apt-get install tmux)" >&2; exit 1; }
command -v moto_server >/dev/null || { echo "pip install 'moto[server]>=5.2.5'" >&2; exit 1; }
[[ -x $CUTOVER ]] || { echo "build cutover first (cargo build)" >&2; exit 1; }
WORK=$(mktemp -d /tmp/cockpit-scale.XXXXXX)
SESSION=cutover-scale-$$
MOTO=''
cleanup() {
    tmux kill-session -t "$SESSION" 2>/dev/null || true
    [[ -n $MOTO ]] && kill "$MOTO" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$EPOCHREALTIME"; }
screen() { tmux capture-pane -p -t "$SESSION" 2>/dev/null || true; }
# Waits until the screen contains $1 (up to $2 s); prints the seconds since $3.
wait_for() {
    local deadline=$((SECONDS + $2))
    while ((SECONDS < deadline)); do
        [[ $(screen) == *"$1"* ]] && { since "$3"; return 0; }
        sleep 0.02
    done
    echo "not seen in $2 s"
}

if [[ -n ${ENDPOINT:-} ]]; then
    # A moto already seeded by scale_seed.py with these INSTANCES, RECORDS
    # and ZONES (seeding takes minutes: reuse it between runs).
    PORT=${ENDPOINT##*:}
else
    PORT=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
    MOTO_EC2_LOAD_DEFAULT_AMIS=false moto_server -H 127.0.0.1 -p "$PORT" >"$WORK/moto.log" 2>&1 &
    MOTO=$!
    until curl -s "http://127.0.0.1:$PORT/moto-api/" >/dev/null; do sleep 0.1; done
    echo "seeding $INSTANCES instances and $RECORDS records into moto..." >&2
    python3 "$ROOT/benches/scale_seed.py" "http://127.0.0.1:$PORT" "$INSTANCES" "$RECORDS" "$ZONES"
fi

echo "load before the cockpit: $(uptime | sed 's/.*load average/load average/')"
t0=$EPOCHREALTIME
tmux new-session -d -s "$SESSION" -x 160 -y 45 \
    "exec env HOME=$WORK XDG_CONFIG_HOME=$WORK/.config XDG_DATA_HOME=$WORK/.local/share \
     AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_ENDPOINT_URL=http://127.0.0.1:$PORT \
     $CUTOVER --source us-east-1 --target eu-west-1 2>$WORK/stderr"
PID=$(tmux display -p -t "$SESSION" '#{pane_pid}')
echo "first frame: $(wait_for 'source us-east-1' 60 "$t0") s"

# Keys while the listings stream in: Tab to the next kind, 1 back to
# instances; each timed from the key to the screen showing its kind.
for round in 1 2 3; do
    [[ $(screen) == *reading* ]] || break
    k=$EPOCHREALTIME; tmux send-keys -t "$SESSION" Tab
    a=$(wait_for 'us-east-1 · AMIs' 10 "$k")
    k=$EPOCHREALTIME; tmux send-keys -t "$SESSION" 1
    b=$(wait_for 'us-east-1 · EC2 instances' 10 "$k")
    echo "keys while reading (round $round): Tab answered in $a s, 1 in $b s"
    sleep 1
done
echo "instances counted ($INSTANCES): $(wait_for "EC2 instances $INSTANCES " 900 "$t0") s"
# The header's "reading n/m" goes when every listing is in.
deadline=$((SECONDS + 900))
while [[ $(screen | head -1) == *reading* ]] && ((SECONDS < deadline)); do sleep 0.1; done
echo "every listing in: $(since "$t0") s"
tmux send-keys -t "$SESSION" : r e c Enter
# Each zone adds its NS and SOA records.
k=$EPOCHREALTIME
echo "records shown ($((RECORDS + 2 * ZONES))): $(wait_for "DNS records $((RECORDS + 2 * ZONES)) " 30 "$k") s after :rec"
k=$EPOCHREALTIME; tmux send-keys -t "$SESSION" G
echo "G (to the last record, an SOA) answered: $(wait_for 'SOA' 10 "$k") s"

cpu() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
ticks=$(getconf CLK_TCK)
c0=$(cpu); sleep "$IDLE_SECONDS"; c1=$(cpu)
echo "idle CPU over ${IDLE_SECONDS} s: $(python3 -c "print(f'{($c1 - $c0) / $ticks / $IDLE_SECONDS * 100:.1f}')") % of one core"
grep -E 'VmHWM|VmRSS' "/proc/$PID/status" | sed 's/^/memory: /'
[[ -n ${HOLD:-} ]] && sleep "$HOLD"
tmux send-keys -t "$SESSION" q
