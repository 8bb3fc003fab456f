//! The EC2 side of the estate: VPC, groups, key pairs, apps; and what the
//! target already holds.

use super::{Estate, Seeded};
use crate::cloud::copy::tagged;
use crate::cloud::error::{sdk, CloudError};
use crate::cloud::{Clients, Regions};
use crate::model::resource::{SOURCE_ID_TAG, TASK_ID_TAG};
use aws_sdk_ec2::types as t;

pub(crate) async fn network(c: &Clients, e: &Estate, s: &mut Seeded) -> Result<(), CloudError> {
    let vpc = c
        .ec2
        .create_vpc()
        .cidr_block(&e.vpc.cidr)
        .set_tag_specifications(tagged(
            t::ResourceType::Vpc,
            &[("Name", &e.vpc.name), ("env", "prod")],
        ))
        .send()
        .await
        .map_err(sdk("ec2:CreateVpc"))?;
    s.vpc_id = vpc
        .vpc()
        .and_then(|v| v.vpc_id())
        .unwrap_or_default()
        .to_string();
    let igw = c
        .ec2
        .create_internet_gateway()
        .set_tag_specifications(tagged(
            t::ResourceType::InternetGateway,
            &[("Name", &e.vpc.name)],
        ))
        .send()
        .await
        .map_err(sdk("ec2:CreateInternetGateway"))?;
    let igw_id = igw
        .internet_gateway()
        .and_then(|g| g.internet_gateway_id())
        .unwrap_or_default();
    c.ec2
        .attach_internet_gateway()
        .internet_gateway_id(igw_id)
        .vpc_id(&s.vpc_id)
        .send()
        .await
        .map_err(sdk("ec2:AttachInternetGateway"))?;
    for sub in &e.vpc.subnets {
        let out = c
            .ec2
            .create_subnet()
            .vpc_id(&s.vpc_id)
            .cidr_block(&sub.cidr)
            .availability_zone(format!("{}{}", c.region, sub.zone))
            .set_tag_specifications(tagged(t::ResourceType::Subnet, &[("Name", &sub.name)]))
            .send()
            .await
            .map_err(sdk("ec2:CreateSubnet"))?;
        let id = out
            .subnet()
            .and_then(|x| x.subnet_id())
            .unwrap_or_default()
            .to_string();
        if sub.public {
            c.ec2
                .modify_subnet_attribute()
                .subnet_id(&id)
                .map_public_ip_on_launch(t::AttributeBooleanValue::builder().value(true).build())
                .send()
                .await
                .map_err(sdk("ec2:ModifySubnetAttribute"))?;
        }
        s.subnets.insert(sub.name.clone(), id);
    }
    // All groups first, then their rules: groups refer to each other (and to themselves).
    for g in &e.security_groups {
        let out = c
            .ec2
            .create_security_group()
            .group_name(&g.name)
            .description(&g.description)
            .vpc_id(&s.vpc_id)
            .set_tag_specifications(tagged(
                t::ResourceType::SecurityGroup,
                &[("Name", &g.name), ("env", "prod")],
            ))
            .send()
            .await
            .map_err(sdk("ec2:CreateSecurityGroup"))?;
        s.groups.insert(
            g.name.clone(),
            out.group_id().unwrap_or_default().to_string(),
        );
    }
    for g in &e.security_groups {
        let rules = g.ingress.iter().map(|r| {
            let p = t::IpPermission::builder()
                .ip_protocol(&r.protocol)
                .set_from_port(r.from_port)
                .set_to_port(r.to_port);
            match s.groups.get(&r.peer) {
                Some(id) => {
                    p.user_id_group_pairs(t::UserIdGroupPair::builder().group_id(id).build())
                }
                None if r.peer.contains(':') => {
                    p.ipv6_ranges(t::Ipv6Range::builder().cidr_ipv6(&r.peer).build())
                }
                None => p.ip_ranges(t::IpRange::builder().cidr_ip(&r.peer).build()),
            }
            .build()
        });
        c.ec2
            .authorize_security_group_ingress()
            .group_id(&s.groups[&g.name])
            .set_ip_permissions(Some(rules.collect()))
            .send()
            .await
            .map_err(sdk("ec2:AuthorizeSecurityGroupIngress"))?;
    }
    for k in &e.key_pairs {
        crate::cloud::copy::key_pair::import_key(c, &k.name, &k.public_key, &[("team", "ops")])
            .await?;
    }
    Ok(())
}

pub(crate) async fn apps(c: &Clients, e: &Estate, s: &mut Seeded) -> Result<(), CloudError> {
    for app in &e.apps {
        let mut ids = Vec::new();
        for n in 0..app.instances {
            let name = format!("shop-{}-{}", app.name, n + 1);
            let subnet = &s.subnets[&app.subnets[n % app.subnets.len()]];
            let tags = [
                ("Name", name.as_str()),
                ("app", app.name.as_str()),
                ("env", "prod"),
            ];
            let out = c
                .ec2
                .run_instances()
                .image_id(&e.base_image)
                .min_count(1)
                .max_count(1)
                .instance_type(t::InstanceType::from(app.instance_type.as_str()))
                .subnet_id(subnet)
                .key_name(&app.key_pair)
                .set_security_group_ids(Some(
                    app.security_groups
                        .iter()
                        .map(|g| s.groups[g].clone())
                        .collect(),
                ))
                .set_tag_specifications(tagged(t::ResourceType::Instance, &tags))
                .send()
                .await
                .map_err(sdk("ec2:RunInstances"))?;
            let instance = out.instances().first().ok_or_else(|| {
                CloudError::Incomplete("RunInstances returned no instance".into())
            })?;
            let id = instance.instance_id().unwrap_or_default().to_string();
            let zone = instance
                .placement()
                .and_then(|p| p.availability_zone())
                .unwrap_or_default()
                .to_string();

            let vol = c
                .ec2
                .create_volume()
                .availability_zone(&zone)
                .size(app.data_volume_gib)
                .volume_type(t::VolumeType::Gp3)
                .set_tag_specifications(tagged(
                    t::ResourceType::Volume,
                    &[("Name", &format!("{name}-data")), ("app", &app.name)],
                ))
                .send()
                .await
                .map_err(sdk("ec2:CreateVolume"))?;
            let vol_id = vol.volume_id().unwrap_or_default().to_string();
            c.ec2
                .attach_volume()
                .volume_id(&vol_id)
                .instance_id(&id)
                .device("/dev/sdf")
                .send()
                .await
                .map_err(sdk("ec2:AttachVolume"))?;
            if n == 0 {
                let snap = c
                    .ec2
                    .create_snapshot()
                    .volume_id(&vol_id)
                    .description(format!("{name} data, nightly"))
                    .set_tag_specifications(tagged(
                        t::ResourceType::Snapshot,
                        &[
                            ("Name", &format!("{name}-data-nightly")),
                            ("app", &app.name),
                        ],
                    ))
                    .send()
                    .await
                    .map_err(sdk("ec2:CreateSnapshot"))?;
                s.snapshots
                    .push(snap.snapshot_id().unwrap_or_default().to_string());
            }
            s.volumes.push(vol_id);
            ids.push(id);
        }
        // Tags on the image only: snapshot TagSpecifications make moto answer 500.
        let image = c
            .ec2
            .create_image()
            .instance_id(&ids[0])
            .name(&app.image_name)
            .description(format!("{} golden image", app.name))
            .set_tag_specifications(tagged(
                t::ResourceType::Image,
                &[("app", &app.name), ("built-by", "packer")],
            ))
            .send()
            .await
            .map_err(sdk("ec2:CreateImage"))?;
        s.images.insert(
            app.image_name.clone(),
            image.image_id().unwrap_or_default().to_string(),
        );
        if app.elastic_ip {
            let eip = c
                .ec2
                .allocate_address()
                .domain(t::DomainType::Vpc)
                .set_tag_specifications(tagged(
                    t::ResourceType::ElasticIp,
                    &[("Name", &format!("shop-{}", app.name))],
                ))
                .send()
                .await
                .map_err(sdk("ec2:AllocateAddress"))?;
            c.ec2
                .associate_address()
                .allocation_id(eip.allocation_id().unwrap_or_default())
                .instance_id(&ids[0])
                .send()
                .await
                .map_err(sdk("ec2:AssociateAddress"))?;
            s.elastic_ips.insert(
                app.name.clone(),
                eip.public_ip().unwrap_or_default().to_string(),
            );
        }
        s.instances.insert(app.name.clone(), ids);
    }
    Ok(())
}

/// As if cutover had already copied these: tagged with the source id.
pub(crate) async fn target_already(
    r: &Regions,
    e: &Estate,
    s: &mut Seeded,
) -> Result<(), CloudError> {
    for name in &e.target_already.images {
        let source_id = s
            .images
            .get(name)
            .ok_or_else(|| CloudError::Refused(format!("seed: no image named {name}")))?;
        let copy = r
            .target
            .ec2
            .copy_image()
            .source_image_id(source_id)
            .source_region(&r.source.region)
            .name(name)
            .description(format!("copy of {source_id}"))
            .send()
            .await
            .map_err(sdk("ec2:CopyImage"))?;
        let id = copy.image_id().unwrap_or_default().to_string();
        // CopyImage does not carry tags (and moto ignores CopyImageTags): set them.
        r.target
            .ec2
            .create_tags()
            .resources(&id)
            .tags(
                t::Tag::builder()
                    .key(SOURCE_ID_TAG)
                    .value(source_id)
                    .build(),
            )
            .tags(
                t::Tag::builder()
                    .key(TASK_ID_TAG)
                    .value("sandbox-seed")
                    .build(),
            )
            .send()
            .await
            .map_err(sdk("ec2:CreateTags"))?;
        s.target_images.insert(name.clone(), id);
    }
    for name in &e.target_already.key_pairs {
        let key = e
            .key_pairs
            .iter()
            .find(|k| &k.name == name)
            .ok_or_else(|| CloudError::Refused(format!("seed: no key pair {name}")))?;
        crate::cloud::copy::key_pair::import_key(
            &r.target,
            name,
            &key.public_key,
            &[(SOURCE_ID_TAG, name)],
        )
        .await?;
    }
    Ok(())
}
