#!/usr/bin/env bash
# Bucket migration benchmark: cutover vs `aws s3 sync` vs `rclone copy`, the
# same server-side bucket-to-bucket copy on the same local S3 server in the
# same run. See "Benchmark: bucket migration" in README.md.
#
#   bash benches/s3_migrate.sh
#   N=5000 LARGE=2 bash benches/s3_migrate.sh
#
# Env: N (small objects, 2000), LARGE (20 MiB objects, 3), LARGE_MIB (20),
#      PORT (moto_server port, default: a free one), CONCURRENCY (requests in
#      flight for every tool, 64), SERVERS (default "moto s3s-fs localstack"),
#      SKIP_CONCURRENT=1 (moto only: same as SERVERS=moto),
#      SKIP_INSTALL=1 (fail instead of installing what is missing),
#      TOOLS_DIR (where s3s-fs and LocalStack are installed, /tmp/s3bench-tools),
#      KEEP=1 (keep the temp dir with logs),
#      CUTOVER (binaries to time, "label=path" each, space-separated;
#      default: builds and times the debug build), TOOLS (the others to
#      time beside cutover, "aws rclone"; "" for cutover only), ROUNDS (1:
#      every tool again, alternating, to see the run-to-run spread),
#      TUNING (defaults: every tool as it comes, cutover's own settings,
#      `aws s3 sync` 10 requests in flight, rclone 4 transfers / 8 checkers;
#      same: CONCURRENCY in flight and 8 MiB parts for every tool),
#      LATENCY_MS (40: every copy also runs through benches/latency_proxy.py,
#      which adds that much before each request, as a region's round trip
#      does; 0: direct only).
# Each run prints objects/s, client CPU (user+sys) per 1,000 objects and the
# client's peak RSS, measured with /usr/bin/time.
# Servers: moto_server (serialises requests); s3s-fs (crates.io, Rust, fully
# concurrent, but no bucket tagging/versioning/settings APIs: cutover copies
# there, noting each setting it cannot carry, but its re-run is refused,
# since without the bucket's cutover tags it cannot tell the target is its
# own copy; the re-run's row says why); LocalStack (PyPI localstack-core, run
# on the host without Docker, threaded; has every API cutover calls).
# Not run by CI: it installs packages (pip, apt-get, cargo install).
set -euo pipefail

N=${N:-2000}
LARGE=${LARGE:-3}
LARGE_MIB=${LARGE_MIB:-20}
PORT=${PORT:-}
CONCURRENCY=${CONCURRENCY:-64}
SKIP_CONCURRENT=${SKIP_CONCURRENT:-0}
SERVERS=${SERVERS:-moto s3s-fs localstack}
TUNING=${TUNING:-defaults}
LATENCY_MS=${LATENCY_MS:-40}
[[ $SKIP_CONCURRENT == 1 ]] && SERVERS=moto
SKIP_INSTALL=${SKIP_INSTALL:-0}
TOOLS_DIR=${TOOLS_DIR:-/tmp/s3bench-tools}
S3S_FS_VERSION=${S3S_FS_VERSION:-0.14.1} # 0.15+ needs rustc 1.96
LOCALSTACK_VERSION=${LOCALSTACK_VERSION:-2026.3.0}
KEEP=${KEEP:-0}
TOOLS=${TOOLS:-aws rclone}
ROUNDS=${ROUNDS:-1}
wants() { [[ " $SERVERS " == *" $1 "* ]]; }
wants_tool() { [[ " $TOOLS " == *" $1 "* ]]; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d /tmp/s3bench.XXXXXX)
LOGS=$WORK/logs
mkdir -p "$LOGS"
RESULTS=$WORK/results.tsv
: >"$RESULTS"

export AWS_ACCESS_KEY_ID=benchkey AWS_SECRET_ACCESS_KEY=benchsecret
export AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 || true

PIDS=()
cleanup() {
    local rc=$?
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [[ $KEEP == 1 || $rc != 0 ]]; then
        echo "logs kept in $WORK" >&2
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
now() { echo "$EPOCHREALTIME"; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }

# ---------------------------------------------------------------- installs
timed_install() { # label, command...
    local label=$1; shift
    [[ $SKIP_INSTALL == 1 ]] && die "$label is missing (SKIP_INSTALL=1)"
    local t0; t0=$(now)
    echo "installing $label ..." >&2
    "$@" >"$LOGS/install-$label.log" 2>&1 || { tail -20 "$LOGS/install-$label.log" >&2; die "install of $label failed"; }
    echo "installed $label in $(elapsed "$t0" "$(now)") s" >&2
}

say "tools"
if ! python3 - <<'EOF' 2>/dev/null
import moto, boto3
v = tuple(int(x) for x in moto.__version__.split(".")[:3])
assert v >= (5, 2, 5), moto.__version__
EOF
then timed_install moto pip install -q 'moto[server]>=5.2.5'; fi
command -v moto_server >/dev/null || timed_install moto pip install -q 'moto[server]>=5.2.5'
command -v aws >/dev/null || timed_install awscli pip install -q awscli
if ! command -v rclone >/dev/null; then
    timed_install rclone bash -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rclone'
fi
S3S_FS=$TOOLS_DIR/bin/s3s-fs
if wants s3s-fs && [[ ! -x $S3S_FS ]]; then
    # Its own root and target dir: /work/main/target is not touched.
    timed_install s3s-fs cargo install s3s-fs --version "$S3S_FS_VERSION" --features binary --locked \
        --root "$TOOLS_DIR" --target-dir "$TOOLS_DIR/target"
fi
LS_VENV=$TOOLS_DIR/localstack-venv
if wants localstack && [[ ! -x $LS_VENV/bin/python ]]; then
    # localstack-core 2026.x needs Python >= 3.13 (warnings.deprecated); its
    # unpinned dependencies need pins: cbor2 6 dropped cbor2._decoder,
    # pyOpenSSL >= 24.3 dropped X509.add_extensions (needs cryptography < 44),
    # and service_identity is imported but not declared.
    LS_PY=""
    for py in python3.14 python3.13 "$HOME"/.pyenv/versions/3.1[3-9]*/bin/python; do
        if "$py" -c 'import sys; assert sys.version_info >= (3, 13)' >/dev/null 2>&1; then
            LS_PY=$(command -v "$py"); break
        fi
    done
    [[ -n $LS_PY ]] || die "LocalStack needs Python >= 3.13; none found (set SERVERS to skip localstack)"
    timed_install localstack bash -c "'$LS_PY' -m venv '$LS_VENV' && '$LS_VENV/bin/pip' install -q \
        'localstack-core[runtime]==$LOCALSTACK_VERSION' 'cbor2<6' 'pyopenssl<24.3' \
        'cryptography>=41.0.5,<44' service_identity"
fi
echo "moto $(python3 -c 'import moto; print(moto.__version__)'), $(aws --version 2>&1 | cut -d' ' -f1), $(rclone version | head -1)" >&2

# CUTOVER: the binaries to time, "label=path" each (e.g. a release build,
# or "before=/tmp/a after=target/release/cutover" to compare two in the
# same run, alternating on the same server); default: the debug build.
if [[ -z ${CUTOVER:-} ]]; then
    say "cutover (debug build)"
    (cd "$ROOT" && cargo build -q --bin cutover) || die "cargo build failed"
    CUTOVER="cutover=$ROOT/target/debug/cutover"
fi
CUTOVERS=()
for entry in $CUTOVER; do
    [[ $entry == *=* ]] || entry="cutover=$entry"
    [[ -x ${entry#*=} ]] || die "no cutover binary at ${entry#*=}"
    CUTOVERS+=("$entry")
done
FIRST_CUTOVER=${CUTOVERS[0]#*=}

# ---------------------------------------------------------------- servers
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { # url, pid
    for _ in $(seq 1 100); do
        curl -s -o /dev/null "$1" && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

PORT=${PORT:-$(free_port)}
MOTO=http://127.0.0.1:$PORT
say "moto_server on $MOTO"
MOTO_EC2_LOAD_DEFAULT_AMIS=false moto_server -H 127.0.0.1 -p "$PORT" >"$LOGS/moto.log" 2>&1 &
PIDS+=($!)
wait_up "$MOTO/moto-api/" "$!" || { tail "$LOGS/moto.log" >&2; die "moto_server did not start"; }
# moto builds its EC2/RDS backends on first use (~3 s): pay that before any
# timing, with the same inventory read that `cutover copy` starts with.
HOME=$WORK/home-warmup XDG_DATA_HOME=$WORK/home-warmup/data AWS_ENDPOINT_URL=$MOTO \
    "$FIRST_CUTOVER" --source us-east-1 --target eu-west-1 inventory -o json >/dev/null 2>"$LOGS/warmup.log" \
    || { tail "$LOGS/warmup.log" >&2; die "cutover inventory (warm-up) failed"; }

if wants s3s-fs; then
    S3S_PORT=$(free_port)
    S3S=http://127.0.0.1:$S3S_PORT
    say "s3s-fs on $S3S"
    mkdir -p "$WORK/s3s-root"
    "$S3S_FS" --host 127.0.0.1 --port "$S3S_PORT" --access-key "$AWS_ACCESS_KEY_ID" \
        --secret-key "$AWS_SECRET_ACCESS_KEY" "$WORK/s3s-root" >"$LOGS/s3s-fs.log" 2>&1 &
    PIDS+=($!)
    wait_up "$S3S/" "$!" || { tail "$LOGS/s3s-fs.log" >&2; die "s3s-fs did not start"; }
fi
if wants localstack; then
    LS_PORT=$(free_port)
    LS=http://127.0.0.1:$LS_PORT
    say "LocalStack (S3 only, on the host) on $LS"
    mkdir -p "$WORK/localstack"
    SERVICES=s3 EAGER_SERVICE_LOADING=1 GATEWAY_LISTEN=127.0.0.1:$LS_PORT PERSISTENCE=0 \
        SKIP_SSL_CERT_DOWNLOAD=1 DNS_ADDRESS=0 DISABLE_EVENTS=1 FILESYSTEM_ROOT="$WORK/localstack" \
        "$LS_VENV/bin/python" -m localstack.runtime.main >"$LOGS/localstack.log" 2>&1 &
    PIDS+=($!)
    # Its first start on a loaded machine takes ~45 s (plugins, .pyc files).
    for _ in $(seq 1 1200); do
        grep -q '^Ready' "$LOGS/localstack.log" && break
        kill -0 "$!" 2>/dev/null || break
        sleep 0.1
    done
    grep -q '^Ready' "$LOGS/localstack.log" || { tail "$LOGS/localstack.log" >&2; die "LocalStack did not start"; }
fi
endpoint_of() { case $1 in moto) echo "$MOTO" ;; s3s-fs) echo "$S3S" ;; localstack) echo "$LS" ;; esac; }

# ---------------------------------------------------------------- helpers (python)
cat >"$WORK/s3.py" <<'EOF'
import concurrent.futures as cf, json, os, random, sys
import boto3
from botocore.config import Config

def client(endpoint, region="us-east-1"):
    return boto3.client("s3", endpoint_url=endpoint, region_name=region,
                        config=Config(s3={"addressing_style": "path"},
                                      max_pool_connections=32,
                                      retries={"max_attempts": 5}))

def listing(s3, bucket):
    out = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for o in page.get("Contents", []):
            out[o["Key"]] = o["Size"]
    return out

cmd, endpoint = sys.argv[1], sys.argv[2]
if cmd == "seed":  # bucket n large large_mib
    bucket, n, large, large_mib = sys.argv[3], *map(int, sys.argv[4:7])
    s3 = client(endpoint)
    s3.create_bucket(Bucket=bucket)
    rnd = random.Random(42)
    pool = os.urandom(64 * 1024 + 4096)
    small = [(f"small/{i % 16:02d}/obj-{i:06d}.bin", rnd.randint(1024, 64 * 1024)) for i in range(n)]
    def put_small(item):
        key, size = item
        off = rnd.randint(0, 4096)
        s3.put_object(Bucket=bucket, Key=key, Body=pool[off:off + size],
                      ContentType="application/octet-stream", Metadata={"bench": "1"})
    with cf.ThreadPoolExecutor(16) as ex:
        list(ex.map(put_small, small))
    big = os.urandom(large_mib << 20)
    for i in range(large):
        body = i.to_bytes(4, "big") + big[4:]
        s3.upload_fileobj(__import__("io").BytesIO(body), bucket, f"large/big-{i}.bin")
elif cmd == "mkbucket":  # bucket region
    bucket, region = sys.argv[3], sys.argv[4]
    s3 = client(endpoint, region)
    conf = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=bucket, **conf)
elif cmd == "stats":  # bucket -> "count bytes"
    l = listing(client(endpoint), sys.argv[3])
    print(len(l), sum(l.values()))
elif cmd == "same":  # src dst: same keys and sizes?
    s3 = client(endpoint)
    a, b = listing(s3, sys.argv[3]), listing(s3, sys.argv[4])
    if a != b:
        missing = sorted(set(a) - set(b))[:5]
        extra = sorted(set(b) - set(a))[:5]
        wrong = sorted(k for k in set(a) & set(b) if a[k] != b[k])[:5]
        print(f"{sys.argv[4]}: {len(b)} objects / {sum(b.values())} bytes, source {len(a)} / {sum(a.values())}; "
              f"missing {missing} extra {extra} wrong size {wrong}")
        sys.exit(1)
elif cmd == "exists":
    s3 = client(endpoint)
    try:
        s3.head_bucket(Bucket=sys.argv[3]); print("yes")
    except Exception:
        print("no")
EOF
s3py() { python3 "$WORK/s3.py" "$@"; }

# The same tuning for every tool: CONCURRENCY requests in flight, 8 MiB
# multipart threshold and part size (so the large objects copy in parts).
cat >"$WORK/cutover.toml" <<EOF
[s3]
multipart_threshold_mib = 8
part_size_mib = 8
concurrency = $CONCURRENCY
EOF
cat >"$WORK/aws-config-defaults" <<EOF
[default]
region = us-east-1
s3 =
    addressing_style = path
EOF
cat >"$WORK/aws-config" <<EOF
[default]
region = us-east-1
s3 =
    addressing_style = path
    max_concurrent_requests = $CONCURRENCY
    max_queue_size = 10000
    multipart_threshold = 8MB
    multipart_chunksize = 8MB
EOF

# Runs a client under /usr/bin/time: its wall time, CPU and peak RSS go to $TIMES.
TIMES=$WORK/times
timed() { /usr/bin/time -f '%e %U %S %M' -o "$TIMES" "$@"; }

record() { # tool server what objects bytes  (the figures of the last `timed`)
    local wall user sys rss
    read -r wall user sys rss <"$TIMES"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" "$wall" "$(python3 -c "print($user + $sys)")" "$rss" >>"$RESULTS"
    echo "   $1 ($3) on $2: $4 objects in $wall s, CPU $user+$sys s, peak RSS $((rss / 1024)) MiB" >&2
}

check_copy() { # server endpoint dst label
    local why
    why=$(s3py same "$2" "$SRC" "$3") || die "$4 on $1: the target differs from the source: $why"
}

run_cutover() { # server endpoint dst home label [name=binary]
    local server=$1 ep=$2 dst=$3 home=$4 label=$5 direct
    local entry=${6:-${CUTOVERS[0]}}
    local name=${entry%%=*} bin=${entry#*=}
    [[ $name == cutover ]] || name="cutover $name"
    direct=$(endpoint_of "$server")
    mkdir -p "$home"
    local -a env=(HOME="$home" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config"
        XDG_STATE_HOME="$home/state")
    if [[ $server == moto ]]; then
        env+=(AWS_ENDPOINT_URL="$ep")
    else
        # A bucket copy calls S3 only; should anything else be called, it
        # goes to moto through the SDK's per-service endpoint variables. (Not
        # AWS_ENDPOINT_URL: cutover passes that to the SDK as an explicit
        # endpoint, which beats AWS_ENDPOINT_URL_S3. Without it, S3 on an IP
        # endpoint is still path-style by the SDK's endpoint rules.)
        env+=(AWS_ENDPOINT_URL_EC2="$MOTO" AWS_ENDPOINT_URL_RDS="$MOTO"
            AWS_ENDPOINT_URL_ROUTE_53="$MOTO" AWS_ENDPOINT_URL_S3="$ep")
    fi
    local -a config=()
    [[ $TUNING == same ]] && config=(--config "$WORK/cutover.toml")
    timed env "${env[@]}" "$bin" --source us-east-1 --target eu-west-1 "${config[@]}" \
        copy --ids "$SRC" --target-bucket "$dst" --yes --wait >"$LOGS/cutover-$label-$server.log" 2>&1 || {
        if [[ $server == s3s-fs ]]; then # expected: see the header
            local why
            why=$(grep -o 'error: .*' "$LOGS/cutover-$label-$server.log" | head -1)
            echo "   cutover ($label) on $server: cannot run: ${why:-see the log}" >&2
            NOTES+=("cutover on s3s-fs: ${why:-failed}")
            printf '%s\t%s\t%s\t-\t-\t-\n' "$name" "$server$VIA" "$label: not supported" >>"$RESULTS"
            return 1
        fi
        tail -30 "$LOGS/cutover-$label-$server.log" >&2; die "cutover ($label) on $server failed"
    }
    check_copy "$server" "$direct" "$dst" "cutover ($label)"
    record "$name" "$server$VIA" "$label" "$SRC_COUNT" "$SRC_BYTES"
}

run_aws() {
    local server=$1 ep=$2 dst=$3 direct
    direct=$(endpoint_of "$server")
    [[ $(s3py exists "$direct" "$dst") == no ]] || die "$dst already exists"
    s3py mkbucket "$direct" "$dst" eu-west-1
    local config=$WORK/aws-config
    [[ $TUNING == same ]] || config=$WORK/aws-config-defaults
    AWS_CONFIG_FILE="$config" timed aws s3 sync "s3://$SRC" "s3://$dst" --endpoint-url "$ep" \
        --region eu-west-1 --only-show-errors >"$LOGS/aws-$server.log" 2>&1 \
        || { tail -30 "$LOGS/aws-$server.log" >&2; die "aws s3 sync on $server failed"; }
    check_copy "$server" "$direct" "$dst" "aws s3 sync"
    record "aws s3 sync" "$server$VIA" copy "$SRC_COUNT" "$SRC_BYTES"
}

run_rclone() {
    local server=$1 ep=$2 dst=$3 direct
    direct=$(endpoint_of "$server")
    [[ $(s3py exists "$direct" "$dst") == no ]] || die "$dst already exists"
    s3py mkbucket "$direct" "$dst" eu-west-1
    local -a tuning=()
    [[ $TUNING == same ]] && tuning=(--transfers "$CONCURRENCY" --checkers "$CONCURRENCY" --s3-copy-cutoff 8M)
    # rclone's AWS SDK fails on AWS_CA_BUNDLE with its own HTTP transport ("LoadCustomCABundleError").
    timed env -u AWS_CA_BUNDLE RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Other RCLONE_CONFIG_BENCH_ENDPOINT="$ep" \
    RCLONE_CONFIG_BENCH_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" \
    RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY" \
    RCLONE_CONFIG_BENCH_REGION=us-east-1 RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true \
        rclone copy "bench:$SRC" "bench:$dst" --config /dev/null "${tuning[@]}" \
        --s3-no-check-bucket --log-level ERROR >"$LOGS/rclone-$server.log" 2>&1 \
        || { tail -30 "$LOGS/rclone-$server.log" >&2; die "rclone copy on $server failed"; }
    check_copy "$server" "$direct" "$dst" "rclone copy"
    record "rclone copy" "$server$VIA" copy "$SRC_COUNT" "$SRC_BYTES"
}

# ---------------------------------------------------------------- runs
SRC=bench-src
NOTES=()
for server in $SERVERS; do
    ep=$(endpoint_of "$server")
    say "$server: seeding s3://$SRC with $N small objects (1-64 KiB) and $LARGE x $LARGE_MIB MiB"
    t0=$(now)
    s3py seed "$ep" "$SRC" "$N" "$LARGE" "$LARGE_MIB" || die "seeding $server failed"
    read -r SRC_COUNT SRC_BYTES < <(s3py stats "$ep" "$SRC")
    echo "   seeded $SRC_COUNT objects, $SRC_BYTES bytes in $(elapsed "$t0" "$(now)") s" >&2
    for via in direct latency; do
        VIA='' run_ep=$ep
        if [[ $via == latency ]]; then
            [[ $LATENCY_MS == 0 ]] && continue
            VIA=" +${LATENCY_MS}ms"
            lport=$(free_port)
            python3 "$ROOT/benches/latency_proxy.py" "$lport" "${ep##*:}" "$LATENCY_MS" >"$LOGS/proxy-$server.log" 2>&1 &
            PIDS+=($!)
            wait_up "http://127.0.0.1:$lport/" "$!" || die "the latency proxy did not start"
            run_ep=http://127.0.0.1:$lport
        fi
        say "$server$VIA: copies (tuning: $TUNING)"
        # The same copy again into the now-full target, with a fresh journal:
        # every object is already equal and skipped ("sync" semantics).
        for ((round = 1; round <= ROUNDS; round++)); do
            for c in "${!CUTOVERS[@]}"; do
                dst=bench-dst-cutover-$via-$c-$round
                if run_cutover "$server" "$run_ep" "$dst" "$WORK/home-cutover-$server-$via-$c-$round" copy "${CUTOVERS[$c]}"; then
                    # On s3s-fs the re-run is refused (see the header): noted, not fatal.
                    run_cutover "$server" "$run_ep" "$dst" "$WORK/home-rerun-$server-$via-$c-$round" "re-run" "${CUTOVERS[$c]}" || true
                fi
            done
            wants_tool aws && run_aws "$server" "$run_ep" "bench-dst-aws-$via-$round"
            wants_tool rclone && run_rclone "$server" "$run_ep" "bench-dst-rclone-$via-$round"
        done
    done
done

# ---------------------------------------------------------------- table
say "results ($(nproc) cores, $(date -u +%Y-%m-%d))"
python3 - "$RESULTS" <<'EOF'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
head = ("tool", "server", "run", "objects", "seconds", "objects/s", "CPU s/1000 obj", "peak RSS MiB")
out = [head]
for row in rows:
    tool, server, what, n = row[:4]
    if n == "-":
        out.append((tool, server, what) + ("-",) * 5)
        continue
    wall, cpu, rss = float(row[5]), float(row[6]), int(row[7])
    n = int(n)
    out.append((tool, server, what, str(n), f"{wall:.2f}", f"{n / wall:.0f}",
                f"{cpu / n * 1000:.2f}", f"{rss / 1024:.0f}"))
w = [max(len(r[i]) for r in out) for i in range(len(head))]
for i, r in enumerate(out):
    print("  ".join(c.ljust(w[j]) if j < 3 else c.rjust(w[j]) for j, c in enumerate(r)))
    if i == 0:
        print("  ".join("-" * x for x in w))
EOF
for note in "${NOTES[@]}"; do echo "note: $note"; done
