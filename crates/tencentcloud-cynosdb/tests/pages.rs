//! Listings read page by page against the emulator: every page is one signed call with the
//! offset moved by the items read, until the total the service reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cloudops_core::AccessKey;
use cloudops_tencentcloud_cynosdb::Client;
use cloudops_testkit::cynosdb::{CynosDbEmulator, SECRET_ID, SECRET_KEY};

fn client(emu: &CynosDbEmulator) -> Client {
    Client::builder()
        .region("ap-guangzhou")
        .endpoint(emu.url())
        .credentials(AccessKey::new(SECRET_ID, SECRET_KEY))
        .build()
        .unwrap()
}

/// The `Offset` of every DescribeClusters call the emulator received.
fn offsets(emu: &CynosDbEmulator) -> Vec<i64> {
    emu.server()
        .requests()
        .iter()
        .map(|r| r.json()["Offset"].as_i64().unwrap_or(-1))
        .collect()
}

#[tokio::test]
async fn items_are_read_until_the_reported_total() {
    // The documented answer holds one cluster of a total of 31.
    let emu = CynosDbEmulator::start().await;
    let items = client(&emu)
        .describe_clusters()
        .limit(1)
        .offset(25)
        .into_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 6);
    assert_eq!(offsets(&emu), [25, 26, 27, 28, 29, 30]);
    assert!(
        items
            .iter()
            .all(|c| c.cluster_id == "cynosdbmysql-cbsg6tsg")
    );
}

#[tokio::test]
async fn a_listing_is_bounded() {
    let emu = CynosDbEmulator::start().await;
    let mut pages = client(&emu).describe_clusters().into_pages().max_pages(3);
    for _ in 0..3 {
        assert!(pages.next().await.unwrap().is_ok());
    }
    let e = pages.next().await.unwrap().unwrap_err();
    assert_eq!(e.invalid_field(), Some("max_pages"));
    assert!(pages.next().await.is_none());
    assert_eq!(offsets(&emu), [0, 1, 2]);
}
