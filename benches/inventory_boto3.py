"""The inventory cutover reads, made with boto3 one call after another (the
way a simple script does it): every EC2/RDS/S3 kind in both regions and
Route 53 once, every page followed. Prints the resource count.

    python3 benches/inventory_boto3.py ENDPOINT SOURCE TARGET"""
import sys

import boto3

endpoint, regions = sys.argv[1], sys.argv[2:4]
kw = dict(endpoint_url=endpoint)
EC2 = [
    ("describe_instances", "Reservations", {}),
    ("describe_images", "Images", {"Owners": ["self"]}),
    ("describe_volumes", "Volumes", {}),
    ("describe_snapshots", "Snapshots", {"OwnerIds": ["self"]}),
    ("describe_security_groups", "SecurityGroups", {}),
    ("describe_key_pairs", "KeyPairs", {}),
    ("describe_vpcs", "Vpcs", {}),
    ("describe_subnets", "Subnets", {}),
    ("describe_addresses", "Addresses", {}),
    ("describe_route_tables", "RouteTables", {}),
    ("describe_internet_gateways", "InternetGateways", {}),
    ("describe_nat_gateways", "NatGateways", {}),
    ("describe_network_acls", "NetworkAcls", {}),
    ("describe_vpc_endpoints", "VpcEndpoints", {}),
]
RDS = [("describe_db_instances", "DBInstances"), ("describe_db_snapshots", "DBSnapshots")]


def pages(client, op, key, **args):
    if client.can_paginate(op):
        for page in client.get_paginator(op).paginate(**args):
            yield from page.get(key, [])
    else:
        yield from getattr(client, op)(**args).get(key, [])


count = 0
for region in regions:
    ec2 = boto3.client("ec2", region_name=region, **kw)
    for op, key, args in EC2:
        found = list(pages(ec2, op, key, **args))
        if key == "Reservations":
            found = [i for r in found for i in r["Instances"]]
        count += len(found)
    rds = boto3.client("rds", region_name=region, **kw)
    for op, key in RDS:
        count += len(list(pages(rds, op, key)))
    s3 = boto3.client("s3", region_name=region, **kw)
    for b in s3.list_buckets()["Buckets"]:
        loc = s3.get_bucket_location(Bucket=b["Name"])["LocationConstraint"] or "us-east-1"
        if loc == region:
            s3.get_bucket_versioning(Bucket=b["Name"])
            try:
                s3.get_bucket_tagging(Bucket=b["Name"])
            except s3.exceptions.ClientError:
                pass
            count += 1
r53 = boto3.client("route53", region_name=regions[0], **kw)
for zone in pages(r53, "list_hosted_zones", "HostedZones"):
    count += 1
    count += len(list(pages(r53, "list_resource_record_sets", "ResourceRecordSets",
                            HostedZoneId=zone["Id"])))
print(count)
