//! `cloudops-emulator` prints every URL and credential a program needs to be pointed at it,
//! the Huawei IAM login for token calls among them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use cloudops_testkit::{cynosdb, huawei, ocp};

#[test]
fn it_prints_what_the_examples_need() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cloudops-emulator"))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut printed = String::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        printed.push_str(&line);
        printed.push('\n');
        if line.starts_with("Press Ctrl-C") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    for needed in [
        "CLOUDOPS_CYNOSDB_URL=http://127.0.0.1:",
        "CLOUDOPS_HUAWEI_URL=http://127.0.0.1:",
        "CLOUDOPS_OCP_URL=http://127.0.0.1:",
        cynosdb::SECRET_KEY,
        huawei::SK,
        huawei::IAM_USER,
        huawei::IAM_PASSWORD,
        huawei::IAM_DOMAIN,
        ocp::PASSWORD,
    ] {
        assert!(printed.contains(needed), "{needed} is missing:\n{printed}");
    }
}
