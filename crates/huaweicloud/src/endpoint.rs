//! Endpoint resolution: region-based hosts, the TaurusDB host table, explicit overrides.

use cloudops_core::{Endpoint, Error};

/// The Huawei Cloud regions whose public hosts follow `<service>.<region>.myhuaweicloud.com`.
pub const KNOWN_REGIONS: &[&str] = &[
    "af-north-1",
    "af-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "cn-east-2",
    "cn-east-3",
    "cn-east-4",
    "cn-east-5",
    "cn-north-1",
    "cn-north-2",
    "cn-north-4",
    "cn-north-9",
    "cn-north-11",
    "cn-south-1",
    "cn-south-2",
    "cn-south-4",
    "cn-southwest-2",
    "cn-southwest-3",
    "la-north-2",
    "la-south-2",
    "me-east-1",
    "my-kualalumpur-1",
    "na-mexico-1",
    "ru-moscow-1",
    "sa-brazil-1",
    "tr-west-1",
];

/// A Huawei service with a public regional host pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// Identity and Access Management: `iam.<region>.myhuaweicloud.com`.
    Iam,
    /// Database Security Service: `dbss.<region>.myhuaweicloud.com`.
    Dbss,
    /// TaurusDB (GaussDB for MySQL): an irregular host table.
    TaurusDb,
    /// KooPhone: no public pattern; always configured explicitly.
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
}

/// The TaurusDB host prefix of a region: `gaussdb` in most, `gaussdbformysql` or
/// `gaussdb-mysql` in the regions the service documents as exceptions.
pub fn taurusdb_host_prefix(region: &str) -> &'static str {
    match region {
        "ap-southeast-1" | "ap-southeast-2" | "tr-west-1" | "me-east-1" | "cn-north-11" => {
            "gaussdbformysql"
        }
        "af-south-1" | "cn-east-5" | "cn-southwest-3" | "la-north-2" => "gaussdb-mysql",
        _ => "gaussdb",
    }
}

/// The public endpoint of `service` in `region`. An unknown region, or KooPhone (which has no
/// public pattern), is an invalid-input error that says to set the endpoint explicitly.
pub fn resolve(service: Service, region: &str) -> Result<Endpoint, Error> {
    let prefix = match service {
        Service::Iam => "iam",
        Service::Dbss => "dbss",
        Service::TaurusDb => taurusdb_host_prefix(region),
        Service::KooPhone => {
            return Err(Error::invalid_input(
                "endpoint.koophone",
                "must be set explicitly: KooPhone has no public regional host pattern",
            ));
        }
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
    if !KNOWN_REGIONS.contains(&region) {
        return Err(Error::invalid_input(
            "region",
            format!(
                "{region:?} is not a known Huawei Cloud region; set the {} endpoint explicitly",
                service.name()
            ),
        ));
    }
    Endpoint::parse(&format!("https://{prefix}.{region}.myhuaweicloud.com"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_and_irregular_hosts() {
        assert_eq!(
            resolve(Service::Dbss, "cn-north-4").unwrap().host(),
            "dbss.cn-north-4.myhuaweicloud.com"
        );
        assert_eq!(
            resolve(Service::TaurusDb, "cn-north-4").unwrap().host(),
            "gaussdb.cn-north-4.myhuaweicloud.com"
        );
        assert_eq!(
            resolve(Service::TaurusDb, "ap-southeast-1").unwrap().host(),
            "gaussdbformysql.ap-southeast-1.myhuaweicloud.com"
        );
        assert_eq!(
            resolve(Service::TaurusDb, "la-north-2").unwrap().host(),
            "gaussdb-mysql.la-north-2.myhuaweicloud.com"
        );
        for r in ["ap-southeast-2", "tr-west-1", "me-east-1", "cn-north-11"] {
            assert!(
                resolve(Service::TaurusDb, r)
                    .unwrap()
                    .host()
                    .starts_with("gaussdbformysql."),
                "{r}"
            );
        }
        for r in ["af-south-1", "cn-east-5", "cn-southwest-3"] {
            assert!(
                resolve(Service::TaurusDb, r)
                    .unwrap()
                    .host()
                    .starts_with("gaussdb-mysql."),
                "{r}"
            );
        }
        assert_eq!(
            resolve(Service::Iam, "cn-north-4").unwrap().host(),
            "iam.cn-north-4.myhuaweicloud.com"
        );
    }

    #[test]
    fn unknown_region_and_koophone_are_errors() {
        assert_eq!(
            resolve(Service::Dbss, "mars-north-1")
                .unwrap_err()
                .invalid_field(),
            Some("region")
        );
        assert_eq!(
            resolve(Service::Dbss, "").unwrap_err().invalid_field(),
            Some("region")
        );
        assert_eq!(
            resolve(Service::KooPhone, "cn-north-4")
                .unwrap_err()
                .invalid_field(),
            Some("endpoint.koophone")
        );
    }
}
