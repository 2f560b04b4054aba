// Shared by the examples: a client from the environment.
//
// Region: the first argument. Credentials: HUAWEICLOUD_SDK_AK / _SK / _PROJECT_ID (or
// ~/.huaweicloud/credentials), or HUAWEICLOUD_AUTH_TOKEN for an X-Auth-Token. Endpoints:
// DBSS_ENDPOINT, TAURUSDB_ENDPOINT, KOOPHONE_ENDPOINT override the region's hosts (KooPhone's
// is required).

use cloudops_huaweicloud::{Client, Service};

pub fn client(region: &str) -> Result<Client, cloudops_huaweicloud::Error> {
    let mut b = Client::builder().region(region);
    for (var, service) in [
        ("DBSS_ENDPOINT", Service::Dbss),
        ("TAURUSDB_ENDPOINT", Service::TaurusDb),
        ("KOOPHONE_ENDPOINT", Service::KooPhone),
    ] {
        if let Ok(url) = std::env::var(var) {
            b = b.endpoint(service, url);
        }
    }
    if let Ok(project) = std::env::var("HUAWEICLOUD_SDK_PROJECT_ID") {
        b = b.project_id(project);
    }
    if let Ok(token) = std::env::var("HUAWEICLOUD_AUTH_TOKEN") {
        b = b.token(token);
    }
    b.build()
}
