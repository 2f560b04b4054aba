//! What the client reads from the environment when the builder does not say: the region from
//! `TENCENTCLOUD_REGION`, as Tencent's CLI reads it. The environment is the process's, so the
//! test runs itself again as a child with the variables it wants.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use cloudops_tencentcloud_cynosdb::{AccessKey, Client};

const CHILD: &str = "CLOUDOPS_ENVIRONMENT_TEST_CHILD";
const TEST: &str = "the_region_comes_from_tencentcloud_region";

#[test]
fn the_region_comes_from_tencentcloud_region() {
    if std::env::var_os(CHILD).is_some() {
        match Client::builder()
            .credentials(AccessKey::new("AKID", "key"))
            .build()
        {
            Ok(c) => println!("region={}", c.region()),
            Err(e) => println!("error={e}"),
        }
        return;
    }
    let run = |region: Option<&str>| {
        let mut cmd = Command::new(std::env::current_exe().unwrap());
        cmd.args(["--exact", TEST, "--nocapture", "--test-threads=1"])
            .env(CHILD, "1")
            .env_remove("TENCENTCLOUD_REGION");
        if let Some(r) = region {
            cmd.env("TENCENTCLOUD_REGION", r);
        }
        String::from_utf8(cmd.output().unwrap().stdout).unwrap()
    };
    let out = run(Some("ap-shanghai"));
    assert!(out.contains("region=ap-shanghai"), "{out}");
    let out = run(None);
    assert!(
        out.contains("error=") && out.contains("TENCENTCLOUD_REGION"),
        "{out}"
    );
}
