//! Emulated instance metadata services that hand out short-lived credentials: Tencent
//! Cloud's CVM role endpoint and Huawei Cloud's ECS security-key endpoint (with its session
//! tokens). Each key they issue expires after a lifetime the test sets, and is registered with
//! the vendor emulator, which accepts it until then and nothing else.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;

use crate::cynosdb::CynosDbEmulator;
use crate::huawei::HuaweiEmulator;
use crate::server::{RecordedRequest, Reply, TestServer, lock};

/// The role the emulated CVM instance is bound to.
pub const TENCENT_ROLE: &str = "cloudops-ops-role";

struct Issuer {
    ttl: Duration,
    issued: u64,
    failing: bool,
}

impl Issuer {
    fn next(&mut self) -> (u64, SystemTime) {
        self.issued += 1;
        (self.issued, SystemTime::now() + self.ttl)
    }
}

fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Tencent Cloud's CVM metadata service: `GET /latest/meta-data/cam/security-credentials/`
/// names the role; `GET .../<role>` answers `{TmpSecretId, TmpSecretKey, Token, ExpiredTime,
/// Expiration, Code}`.
pub struct TencentMetadata {
    server: TestServer,
    issuer: Arc<Mutex<Issuer>>,
}

impl std::fmt::Debug for TencentMetadata {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TencentMetadata").finish_non_exhaustive()
    }
}

impl TencentMetadata {
    /// Starts the service; the keys it issues work on `emulator` for `ttl`.
    pub async fn start(emulator: &CynosDbEmulator, ttl: Duration) -> TencentMetadata {
        let issuer = Arc::new(Mutex::new(Issuer {
            ttl,
            issued: 0,
            failing: false,
        }));
        let i = issuer.clone();
        let cynos = emulator.keys_handle();
        let server = TestServer::start(move |req: &RecordedRequest| {
            let base = "/latest/meta-data/cam/security-credentials/";
            let mut st = lock(&i);
            if st.failing {
                return Reply::json(500, r#"{"Code":"InternalError"}"#);
            }
            if req.path == base {
                return Reply {
                    status: 200,
                    headers: vec![("content-type".into(), "text/plain".into())],
                    body: TENCENT_ROLE.as_bytes().to_vec(),
                };
            }
            if req.path != format!("{base}{TENCENT_ROLE}") {
                return Reply::json(404, "{}");
            }
            let (n, expires) = st.next();
            let id = format!("AKIDtmp{n:06}");
            let key = format!("tmp-secret-key-{n}");
            let token = format!("tmp-session-token-{n}");
            cynos(&id, &key);
            Reply::json_value(
                200,
                &json!({
                    "TmpSecretId": id,
                    "TmpSecretKey": key,
                    "Token": token,
                    "ExpiredTime": unix(expires),
                    "Expiration": cloudops_core::time::UtcDateTime::from_system_time(expires).rfc1123(),
                    "Code": "Success",
                }),
            )
        })
        .await;
        TencentMetadata { server, issuer }
    }

    /// The base URL to point the provider at.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// The server, to inject faults or count requests.
    pub fn server(&self) -> &TestServer {
        &self.server
    }

    /// How many keys it has issued.
    pub fn issued(&self) -> u64 {
        lock(&self.issuer).issued
    }

    /// Makes every answer a 500 (or stops doing so).
    pub fn set_failing(&self, failing: bool) {
        lock(&self.issuer).failing = failing;
    }
}

/// Huawei Cloud's ECS metadata service: `PUT /meta-data/latest/api/token` (with
/// `X-Metadata-Token-Ttl-Seconds`) hands out a session token; `GET
/// /openstack/latest/securitykey` with `X-Metadata-Token` answers `{"credential": {access,
/// secret, securitytoken, expires_at}}`, or 401 when the session token is unknown or expired.
pub struct HuaweiMetadata {
    server: TestServer,
    issuer: Arc<Mutex<Issuer>>,
    /// The live session tokens, and how many were ever handed out.
    sessions: Arc<Mutex<(Vec<String>, usize)>>,
}

impl std::fmt::Debug for HuaweiMetadata {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HuaweiMetadata").finish_non_exhaustive()
    }
}

impl HuaweiMetadata {
    /// Starts the service; the keys it issues work on `emulator` for `ttl`.
    pub async fn start(emulator: &HuaweiEmulator, ttl: Duration) -> HuaweiMetadata {
        let issuer = Arc::new(Mutex::new(Issuer {
            ttl,
            issued: 0,
            failing: false,
        }));
        let sessions = Arc::new(Mutex::new((Vec::new(), 0)));
        let (i, s) = (issuer.clone(), sessions.clone());
        let huawei = emulator.keys_handle();
        let server = TestServer::start(move |req: &RecordedRequest| {
            if lock(&i).failing {
                return Reply::json(503, "{}");
            }
            match (req.method.as_str(), req.path.as_str()) {
                ("PUT", "/meta-data/latest/api/token") => {
                    if req.headers.get("x-metadata-token-ttl-seconds").is_none() {
                        return Reply::json(400, "{}");
                    }
                    let mut sessions = lock(&s);
                    sessions.1 += 1;
                    let token = format!("metadata-session-{}", sessions.1);
                    sessions.0.push(token.clone());
                    Reply {
                        status: 200,
                        headers: vec![("content-type".into(), "text/plain".into())],
                        body: token.into_bytes(),
                    }
                }
                ("GET", "/openstack/latest/securitykey") => {
                    let known = req
                        .headers
                        .get("x-metadata-token")
                        .is_some_and(|t| lock(&s).0.iter().any(|k| k == t));
                    if !known {
                        return Reply::json(401, "{}");
                    }
                    let (n, expires) = lock(&i).next();
                    let ak = format!("TMPAK{n:015}");
                    let sk = format!("tmp-sk-{n}");
                    let token = format!("tmp-security-token-{n}");
                    huawei(&ak, &sk, &token, expires);
                    Reply::json_value(
                        200,
                        &json!({"credential": {
                            "access": ak,
                            "secret": sk,
                            "securitytoken": token,
                            "expires_at": crate::huawei::iam_time(expires),
                        }}),
                    )
                }
                _ => Reply::json(404, "{}"),
            }
        })
        .await;
        HuaweiMetadata {
            server,
            issuer,
            sessions,
        }
    }

    /// The base URL to point the provider at.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// The server, to inject faults or count requests.
    pub fn server(&self) -> &TestServer {
        &self.server
    }

    /// How many keys it has issued.
    pub fn issued(&self) -> u64 {
        lock(&self.issuer).issued
    }

    /// How many session tokens it has handed out.
    pub fn sessions(&self) -> usize {
        lock(&self.sessions).1
    }

    /// Forgets every session token, as when they expire: the next key request gets a 401.
    pub fn expire_sessions(&self) {
        lock(&self.sessions).0.clear();
    }

    /// Makes every answer a 503 (or stops doing so).
    pub fn set_failing(&self, failing: bool) {
        lock(&self.issuer).failing = failing;
    }
}

/// The web identity token the emulated TKE pod holds, unless a test sets another.
pub const TKE_WEB_IDENTITY_TOKEN: &str = "eyJ-tke-web-identity-token";

/// Tencent Cloud STS: `AssumeRole` (TC3-signed with the CynosDB emulator's key, checked) and
/// `AssumeRoleWithWebIdentity` (unsigned, `Authorization: SKIP`, the web identity token
/// checked), answering temporary keys that the CynosDB emulator accepts.
pub struct TencentSts {
    server: TestServer,
    issuer: Arc<Mutex<Issuer>>,
}

impl std::fmt::Debug for TencentSts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TencentSts").finish_non_exhaustive()
    }
}

fn sts_error(code: &str, message: &str) -> Reply {
    Reply::json_value(
        200,
        &json!({"Response": {"Error": {"Code": code, "Message": message}, "RequestId": "sts-error"}}),
    )
}

impl TencentSts {
    /// Starts STS; the keys it issues work on `emulator` for `ttl`.
    pub async fn start(emulator: &CynosDbEmulator, ttl: Duration) -> TencentSts {
        let issuer = Arc::new(Mutex::new(Issuer {
            ttl,
            issued: 0,
            failing: false,
        }));
        let i = issuer.clone();
        let cynos = emulator.keys_handle();
        let server = TestServer::start(move |req: &RecordedRequest| {
            let action = req.headers.get("x-tc-action").unwrap_or_default();
            let body = req.json();
            let allowed = match action {
                "AssumeRole" => crate::verify::tc3(
                    req,
                    "sts",
                    |id| (id == crate::cynosdb::SECRET_ID).then(|| crate::cynosdb::SECRET_KEY.into()),
                    SystemTime::now(),
                    300,
                )
                .map(|_| ())
                .map_err(|r| ("AuthFailure.SignatureFailure", r.message().to_string())),
                "AssumeRoleWithWebIdentity" => {
                    if req.headers.get("authorization") != Some("SKIP") {
                        Err(("InvalidParameter", "the request must not be signed".to_string()))
                    } else if body["WebIdentityToken"] != TKE_WEB_IDENTITY_TOKEN {
                        Err(("InvalidParameter.WebIdentityTokenError", "bad token".to_string()))
                    } else {
                        Ok(())
                    }
                }
                _ => Err(("InvalidAction", format!("unknown action {action}"))),
            };
            if let Err((code, message)) = allowed {
                return sts_error(code, &message);
            }
            if body["RoleArn"].as_str().is_none_or(str::is_empty) {
                return sts_error("MissingParameter", "RoleArn");
            }
            let (n, expires) = lock(&i).next();
            let id = format!("AKIDsts{n:06}");
            let key = format!("sts-secret-key-{n}");
            cynos(&id, &key);
            Reply::json_value(
                200,
                &json!({"Response": {
                    "Credentials": {
                        "TmpSecretId": id,
                        "TmpSecretKey": key,
                        "Token": format!("sts-session-token-{n}"),
                    },
                    "ExpiredTime": unix(expires),
                    "Expiration": cloudops_core::time::UtcDateTime::from_system_time(expires).rfc1123(),
                    "RequestId": format!("sts-{n}"),
                }}),
            )
        })
        .await;
        TencentSts { server, issuer }
    }

    /// The endpoint to point the providers at.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// The server, to inject faults or count requests.
    pub fn server(&self) -> &TestServer {
        &self.server
    }

    /// How many keys it has issued.
    pub fn issued(&self) -> u64 {
        lock(&self.issuer).issued
    }
}
