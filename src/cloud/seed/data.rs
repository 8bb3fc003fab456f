//! RDS instances and their manual snapshots.

use super::{Estate, Seeded};
use crate::cloud::error::{sdk, CloudError};
use crate::cloud::Clients;
use aws_sdk_rds::types::Tag;

pub(crate) async fn databases(c: &Clients, e: &Estate, s: &mut Seeded) -> Result<(), CloudError> {
    for db in &e.databases {
        let tag = |k: &str, v: &str| Tag::builder().key(k).value(v).build();
        let out = c
            .rds
            .create_db_instance()
            .db_instance_identifier(&db.id)
            .db_instance_class(&db.class)
            .engine(&db.engine)
            .allocated_storage(db.storage_gib)
            .master_username("shopadmin")
            .master_user_password("sandbox-only-password")
            .tags(tag("app", "shop"))
            .tags(tag("env", "prod"))
            .send()
            .await
            .map_err(sdk("rds:CreateDBInstance"))?;
        let endpoint = out
            .db_instance()
            .and_then(|d| d.endpoint())
            .and_then(|e| e.address())
            .unwrap_or_default();
        s.db_endpoints.insert(db.id.clone(), endpoint.to_string());
        for snap in &db.snapshots {
            c.rds
                .create_db_snapshot()
                .db_snapshot_identifier(snap)
                .db_instance_identifier(&db.id)
                .tags(tag("app", "shop"))
                .send()
                .await
                .map_err(sdk("rds:CreateDBSnapshot"))?;
        }
    }
    Ok(())
}
