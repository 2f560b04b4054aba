//! Clients pointed at the emulator, one per authentication mode.
#![allow(dead_code)]

use std::time::Duration;

use cloudops_core::AccessKey;
use cloudops_huaweicloud::{Client, ClientBuilder, IamPassword, RetryPolicy, Service};
use cloudops_testkit::huawei::{self, HuaweiEmulator};

pub fn builder(emu: &HuaweiEmulator) -> ClientBuilder {
    Client::builder()
        .region("cn-north-4")
        .project_id(huawei::PROJECT_ID)
        .endpoint(Service::Iam, emu.url())
        .endpoint(Service::Dbss, emu.url())
        .endpoint(Service::TaurusDb, emu.url())
        .endpoint(Service::KooPhone, emu.url())
        .retry_policy(
            RetryPolicy::standard()
                .initial_backoff(Duration::from_millis(5))
                .max_backoff(Duration::from_millis(20)),
        )
}

pub fn aksk(emu: &HuaweiEmulator) -> Client {
    builder(emu)
        .credentials(AccessKey::new(huawei::AK, huawei::SK))
        .build()
        .unwrap()
}

pub fn token(emu: &HuaweiEmulator) -> Client {
    builder(emu)
        .iam_password(IamPassword::new(
            huawei::IAM_USER,
            huawei::IAM_PASSWORD,
            huawei::IAM_DOMAIN,
        ))
        .build()
        .unwrap()
}
