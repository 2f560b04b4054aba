//! Clients built with the default transport settings share the process's one transport: one
//! program with clients of every vendor builds one HTTP client and loads the platform's roots
//! once, however many clients it builds. A client with settings of its own gets its own.
//! (A test binary of its own: the counters are the process's.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cloudops_core::transport::{Proxy, clients_built, platform_root_loads};
use cloudops_core::{AccessKey, BasicAuth};

#[test]
fn one_http_client_and_one_root_load_for_every_default_client() {
    assert_eq!((clients_built(), platform_root_loads()), (0, 0));
    for _ in 0..100 {
        cloudops_tencentcloud_cynosdb::Client::builder()
            .region("ap-guangzhou")
            .credentials(AccessKey::new("AKID", "key"))
            .build()
            .unwrap();
        cloudops_huaweicloud::Client::builder()
            .region("cn-north-4")
            .credentials(AccessKey::new("AK", "SK"))
            .build()
            .unwrap();
        cloudops_ocp::Client::builder()
            .endpoint("https://ocp.example.internal:8443")
            .credentials(BasicAuth::new("admin", "password"))
            .build()
            .unwrap();
    }
    assert_eq!((clients_built(), platform_root_loads()), (1, 1));

    // Settings of its own: a transport of its own.
    cloudops_ocp::Client::builder()
        .endpoint("https://ocp.example.internal:8443")
        .credentials(BasicAuth::new("admin", "password"))
        .proxy(Proxy::new("http://proxy.example.internal:3128"))
        .build()
        .unwrap();
    assert_eq!(clients_built(), 2);
}
