//! Endpoint resolution: an endpoint set on the client, the official SDKs'
//! `HUAWEICLOUD_SDK_REGION_<SERVICE>_<REGION>` variables, then the region tables the official
//! SDKs declare ([`crate::regions`]).

use cloudops_core::{Endpoint, Error};

use crate::regions;

/// A Huawei Cloud service this crate sends to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Service {
    /// Identity and Access Management: tokens and project discovery.
    Iam,
    /// Database Security Service.
    Dbss,
    /// TaurusDB (GaussDB for MySQL), whose hosts are not uniform across regions.
    TaurusDb,
    /// KooPhone: no public regional host; always configured explicitly.
    KooPhone,
}

impl Service {
    /// The service's name in messages and as the override key.
    pub fn name(self) -> &'static str {
        match self {
            Service::Iam => "iam",
            Service::Dbss => "dbss",
            Service::TaurusDb => "taurusdb",
            Service::KooPhone => "koophone",
        }
    }

    /// The region table the official SDKs declare for the service, and its name in their
    /// environment variables; none for KooPhone.
    fn table(self) -> Option<(&'static [(&'static str, &'static str)], &'static str)> {
        match self {
            Service::Iam => Some((regions::IAM, regions::IAM_ENV_NAME)),
            Service::Dbss => Some((regions::DBSS, regions::DBSS_ENV_NAME)),
            Service::TaurusDb => Some((regions::TAURUSDB, regions::TAURUSDB_ENV_NAME)),
            Service::KooPhone => None,
        }
    }
}

/// The public endpoint of `service` in `region`, as the official SDKs resolve it:
/// `HUAWEICLOUD_SDK_REGION_<SERVICE>_<REGION>` when set (comma-separated endpoints; the first
/// is used), else the SDKs' region table; for IAM, the global endpoint in a region the table
/// does not list. A region the table does not list, or KooPhone (which has no public host),
/// is an invalid-input error that says to set the endpoint on the client.
pub fn resolve(service: Service, region: &str) -> Result<Endpoint, Error> {
    resolve_with(service, region, &|name| std::env::var(name).ok())
}

/// [`resolve`] with the environment read through `env`.
pub(crate) fn resolve_with(
    service: Service,
    region: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Endpoint, Error> {
    let Some((table, env_name)) = service.table() else {
        return Err(Error::invalid_input(
            "endpoint.koophone",
            "must be set explicitly: KooPhone has no public regional host",
        ));
    };
    if region.is_empty() {
        return Err(Error::invalid_input(
            "region",
            format!(
                "must be set to resolve the {} endpoint (or set the endpoint explicitly)",
                service.name()
            ),
        ));
    }
    let variable = format!(
        "HUAWEICLOUD_SDK_REGION_{env_name}_{}",
        region.replace('-', "_").to_ascii_uppercase()
    );
    if let Some(value) = env(&variable).filter(|v| !v.trim().is_empty()) {
        let first = value.split(',').next().unwrap_or_default().trim();
        return Endpoint::parse(first).map_err(|e| match e {
            Error::InvalidInput { rule, .. } => Error::invalid_input(variable, rule),
            other => other,
        });
    }
    if let Some((_, url)) = table.iter().find(|(r, _)| *r == region) {
        return Endpoint::parse(url);
    }
    if service == Service::Iam {
        return Endpoint::parse(regions::IAM_GLOBAL);
    }
    Err(Error::invalid_input(
        "region",
        format!(
            "{region:?} is not a region the official SDK lists for {}; set the {} endpoint on \
             the client (or in {variable})",
            service.name(),
            service.name()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn every_region_the_official_sdks_list_resolves_to_their_endpoint() {
        for (service, table) in [
            (Service::Dbss, regions::DBSS),
            (Service::TaurusDb, regions::TAURUSDB),
            (Service::Iam, regions::IAM),
        ] {
            assert!(!table.is_empty());
            for (region, url) in table {
                let e = resolve_with(service, region, &no_env).unwrap();
                assert_eq!(
                    format!("{}://{}", e.scheme(), e.host_header()),
                    url.trim_end_matches('/'),
                    "{service:?} {region}"
                );
            }
        }
    }

    #[test]
    fn irregular_hosts_unknown_regions_and_the_environment() {
        let host = |s, r| resolve_with(s, r, &no_env).unwrap().host().to_string();
        assert_eq!(
            host(Service::TaurusDb, "ap-southeast-1"),
            "gaussdbformysql.ap-southeast-1.myhuaweicloud.com"
        );
        assert_eq!(
            host(Service::TaurusDb, "la-north-2"),
            "gaussdb-mysql.la-north-2.myhuaweicloud.com"
        );
        // IAM in a region without a regional IAM: the global one, as the SDKs do.
        assert_eq!(
            host(Service::Iam, "cn-southwest-3"),
            "iam.myhuaweicloud.com"
        );
        assert_eq!(
            host(Service::Iam, "ae-ad-1"),
            "iam.ae-ad-1.myhuaweicloud.com"
        );
        assert_eq!(
            resolve_with(Service::Dbss, "mars-north-1", &no_env)
                .unwrap_err()
                .invalid_field(),
            Some("region")
        );
        assert_eq!(
            resolve_with(Service::Dbss, "", &no_env)
                .unwrap_err()
                .invalid_field(),
            Some("region")
        );
        assert_eq!(
            resolve_with(Service::KooPhone, "cn-north-4", &no_env)
                .unwrap_err()
                .invalid_field(),
            Some("endpoint.koophone")
        );
        let env = |name: &str| {
            (name == "HUAWEICLOUD_SDK_REGION_DBSS_MARS_NORTH_1")
                .then(|| "https://dbss.mars.example.com, https://backup.example.com".to_string())
        };
        assert_eq!(
            resolve_with(Service::Dbss, "mars-north-1", &env)
                .unwrap()
                .host(),
            "dbss.mars.example.com"
        );
        let bad = |_: &str| Some("ftp://x".to_string());
        assert_eq!(
            resolve_with(Service::Dbss, "cn-north-4", &bad)
                .unwrap_err()
                .invalid_field(),
            Some("HUAWEICLOUD_SDK_REGION_DBSS_CN_NORTH_4")
        );
    }
}
