//! A password given to an action never shows in Debug output, in a builder or in an object.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cloudops_core::AccessKey;
use cloudops_tencentcloud_cynosdb::Client;
use cloudops_tencentcloud_cynosdb::operation::NewAccount;

#[test]
fn passwords_print_as_stars() {
    let client = Client::builder()
        .region("ap-guangzhou")
        .credentials(AccessKey::new("id", "key"))
        .build()
        .unwrap();
    let call = client.reset_account_password("root", "s3cret-pw", "cynosdbmysql-8vcxoq75");
    let shown = format!("{call:?}");
    assert!(
        !shown.contains("s3cret-pw") && shown.contains("***"),
        "{shown}"
    );

    let account = NewAccount {
        account_name: "app".into(),
        host: "%".into(),
        account_password: "s3cret-pw".into(),
        password_rotation: None,
        description: None,
        max_user_connections: None,
    };
    let shown = format!("{account:?}");
    assert!(
        !shown.contains("s3cret-pw") && shown.contains("***"),
        "{shown}"
    );
}
