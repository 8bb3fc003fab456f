"""Seeds moto_server with a large estate for benches/cockpit_scale.sh:
INSTANCES EC2 instances in the source region and RECORDS Route 53 records
spread over ZONES zones, and BUCKETS buckets (half in each region).
Usage: python3 scale_seed.py ENDPOINT INSTANCES RECORDS ZONES [BUCKETS]"""
import sys
import time

import boto3

endpoint, instances, records, zones = sys.argv[1], *map(int, sys.argv[2:5])
buckets = int(sys.argv[5]) if len(sys.argv) > 5 else 0
kw = dict(endpoint_url=endpoint, aws_access_key_id="bench", aws_secret_access_key="bench")
t0 = time.time()
ec2 = boto3.client("ec2", region_name="us-east-1", **kw)
left = instances
while left > 0:
    n = min(500, left)
    ec2.run_instances(ImageId="ami-0a1b2c3d4e5f60718", MinCount=n, MaxCount=n,
                      InstanceType="t3.micro",
                      TagSpecifications=[{"ResourceType": "instance",
                                          "Tags": [{"Key": "Name", "Value": "scale"}]}])
    left -= n
print(f"{instances} instances in {time.time() - t0:.1f} s", file=sys.stderr)
t0 = time.time()
r53 = boto3.client("route53", region_name="us-east-1", **kw)
per_zone = records // zones
for z in range(zones):
    zone = r53.create_hosted_zone(Name=f"scale{z}.example.com", CallerReference=f"scale{z}")
    zone_id = zone["HostedZone"]["Id"]
    for start in range(0, per_zone, 500):
        changes = [{"Action": "UPSERT", "ResourceRecordSet": {
            "Name": f"h{i}.scale{z}.example.com", "Type": "A", "TTL": 300,
            "ResourceRecords": [{"Value": f"10.{z}.{i // 256 % 256}.{i % 256}"}]}}
            for i in range(start, min(start + 500, per_zone))]
        r53.change_resource_record_sets(HostedZoneId=zone_id,
                                        ChangeBatch={"Changes": changes})
print(f"{per_zone * zones} records in {zones} zones in {time.time() - t0:.1f} s", file=sys.stderr)
for b in range(buckets):
    region = ("us-east-1", "eu-west-1")[b % 2]
    s3 = boto3.client("s3", region_name=region, **kw)
    conf = {} if region == "us-east-1" else {
        "CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=f"scale-bucket-{b}", **conf)
