#!/usr/bin/env bash
# The inventory of both regions: `cutover inventory` against sequential
# boto3 (benches/inventory_boto3.py) and the AWS CLI (one process per call),
# reading the same kinds on the same scaled estate in moto_server, directly
# and through benches/latency_proxy.py (LATENCY_MS before each request, as a
# region's round trip). Runs alternate tool by tool; each prints wall time,
# CPU (user+sys) and peak RSS. See "Performance" in README.md.
#
#   bash benches/inventory_scale.sh
#   INSTANCES=2000 RECORDS=20000 RUNS=3 bash benches/inventory_scale.sh
#   ZONES=20 BUCKETS=100 SKIP_CLI=1 bash benches/inventory_scale.sh
#
# Prerequisites: moto_server, boto3 and awscli (pip install 'moto[server]>=5.2.5'
# awscli), a built cutover (cargo build; CUTOVER= another binary). Not part
# of `cargo test`.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CUTOVER=${CUTOVER:-$ROOT/target/debug/cutover}
INSTANCES=${INSTANCES:-1000}
RECORDS=${RECORDS:-5000}
ZONES=${ZONES:-5}
BUCKETS=${BUCKETS:-20}
RUNS=${RUNS:-2}
SKIP_CLI=${SKIP_CLI:-0} # 1: leave out the AWS CLI (a process per call: minutes on a wide estate)
LATENCY_MS=${LATENCY_MS:-40}
WORK=$(mktemp -d /tmp/inventory-scale.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_ENDPOINT_URL || true
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

PORT=$(free_port)
MOTO_EC2_LOAD_DEFAULT_AMIS=false moto_server -H 127.0.0.1 -p "$PORT" >"$WORK/moto.log" 2>&1 &
PIDS+=($!)
until curl -s "http://127.0.0.1:$PORT/moto-api/" >/dev/null; do sleep 0.1; done
python3 "$ROOT/benches/scale_seed.py" "http://127.0.0.1:$PORT" "$INSTANCES" "$RECORDS" "$ZONES" "$BUCKETS"
LPORT=$(free_port)
python3 "$ROOT/benches/latency_proxy.py" "$LPORT" "$PORT" "$LATENCY_MS" >"$WORK/proxy.log" 2>&1 &
PIDS+=($!)
until grep -q ready "$WORK/proxy.log"; do sleep 0.1; done

cli_inventory() { # endpoint: every call one `aws` process, as a shell script does
    local ep=$1 r zone
    for r in us-east-1 eu-west-1; do
        for op in describe-instances describe-images:--owners=self describe-volumes \
            describe-snapshots:--owner-ids=self describe-security-groups describe-key-pairs \
            describe-vpcs describe-subnets describe-addresses describe-route-tables \
            describe-internet-gateways describe-nat-gateways describe-network-acls describe-vpc-endpoints; do
            aws ec2 "${op%%:*}" ${op#*:} --region "$r" --endpoint-url "$ep" --output json >/dev/null 2>&1 \
                || aws ec2 "${op%%:*}" --region "$r" --endpoint-url "$ep" --output json >/dev/null
        done
        aws rds describe-db-instances --region "$r" --endpoint-url "$ep" --output json >/dev/null
        aws rds describe-db-snapshots --region "$r" --endpoint-url "$ep" --output json >/dev/null
    done
    for b in $(aws s3api list-buckets --endpoint-url "$ep" --query 'Buckets[].Name' --output text); do
        aws s3api get-bucket-location --bucket "$b" --endpoint-url "$ep" --output json >/dev/null
        aws s3api get-bucket-versioning --bucket "$b" --endpoint-url "$ep" --output json >/dev/null
        aws s3api get-bucket-tagging --bucket "$b" --endpoint-url "$ep" --output json >/dev/null 2>&1 || true
    done
    for zone in $(aws route53 list-hosted-zones --endpoint-url "$ep" --query 'HostedZones[].Id' --output text); do
        aws route53 list-resource-record-sets --hosted-zone-id "$zone" --endpoint-url "$ep" --output json >/dev/null
    done
}
export -f cli_inventory

run() { # label endpoint command...
    local label=$1 ep=$2; shift 2
    /usr/bin/time -f '%e %U %S %M' -o "$WORK/t" "$@" >"$WORK/out" 2>"$WORK/err" \
        || { cat "$WORK/err" >&2; echo "$label failed" >&2; exit 1; }
    read -r wall user sys rss <"$WORK/t"
    printf '%-28s %7.2f s wall  %6.2f s CPU  %5d MiB peak RSS\n' "$label" "$wall" "$(python3 -c "print($user + $sys)")" $((rss / 1024))
}
echo "estate: $INSTANCES instances, $RECORDS records in $ZONES zones, $BUCKETS buckets, and moto's defaults"
# moto builds its backends on first use: pay that before any timing.
AWS_ENDPOINT_URL=http://127.0.0.1:$PORT "$CUTOVER" --source us-east-1 --target eu-west-1 inventory -o json >/dev/null 2>&1
echo "load: $(uptime | sed 's/.*load average/load average/')"
for via in direct latency; do
    ep=http://127.0.0.1:$PORT
    [[ $via == latency ]] && ep=http://127.0.0.1:$LPORT
    [[ $via == latency && $LATENCY_MS == 0 ]] && continue
    for i in $(seq 1 "$RUNS"); do
        run "cutover inventory ($via)" "$ep" env AWS_ENDPOINT_URL="$ep" HOME="$WORK" XDG_DATA_HOME="$WORK" \
            "$CUTOVER" --source us-east-1 --target eu-west-1 inventory -o json
        grep -o '^[0-9]* resources ([0-9]* read' "$WORK/err" | sed 's/^/    /'
        run "boto3 sequential ($via)" "$ep" python3 "$ROOT/benches/inventory_boto3.py" "$ep" us-east-1 eu-west-1
        echo "    $(cat "$WORK/out") resources"
        [[ $SKIP_CLI == 1 ]] || run "aws cli sequential ($via)" "$ep" bash -c "cli_inventory $ep"
    done
done
echo "load: $(uptime | sed 's/.*load average/load average/')"
