//! The floors: minimal hand-written signers and calls, with the same crates as the project.
//!
//! Each does the correct work for the one request it is written for and nothing else: no
//! validation beyond what the answer needs, no retries, no tracing, no options. [`check`]
//! runs every signer floor against a published (or reference) vector.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends the lowercase hex of `bytes`.
pub fn hex_into(out: &mut String, bytes: &[u8]) {
    for b in bytes {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
}

fn hmac256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut m = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
    m.update(data);
    m.finalize().into_bytes().into()
}

/// The TC3 floor for a POST to `/` that signs `content-type;host`: one buffer for the
/// canonical request, one for the string to sign, one for the `Authorization` value, and no
/// other allocation.
#[allow(clippy::too_many_arguments)]
pub fn tc3(
    content_type: &str,
    host: &str,
    body: &[u8],
    service: &str,
    timestamp: &str,
    date: &str,
    id: &str,
    key: &str,
) -> String {
    let mut canonical = String::with_capacity(512);
    canonical.push_str("POST\n/\n\ncontent-type:");
    canonical.push_str(content_type);
    canonical.push_str("\nhost:");
    canonical.push_str(host);
    canonical.push_str("\n\ncontent-type;host\n");
    hex_into(&mut canonical, &Sha256::digest(body));
    let mut sts = String::with_capacity(256);
    sts.push_str("TC3-HMAC-SHA256\n");
    sts.push_str(timestamp);
    sts.push('\n');
    sts.push_str(date);
    sts.push('/');
    sts.push_str(service);
    sts.push_str("/tc3_request\n");
    hex_into(&mut sts, &Sha256::digest(canonical.as_bytes()));
    // "TC3" + key, on the stack for any key a vendor issues.
    let mut stack = [0u8; 64];
    let heap;
    let secret: &[u8] = if key.len() <= stack.len() - 3 {
        stack[..3].copy_from_slice(b"TC3");
        stack[3..3 + key.len()].copy_from_slice(key.as_bytes());
        &stack[..3 + key.len()]
    } else {
        heap = [b"TC3".as_slice(), key.as_bytes()].concat();
        &heap
    };
    let kd = hmac256(secret, date.as_bytes());
    let ks = hmac256(&kd, service.as_bytes());
    let kk = hmac256(&ks, b"tc3_request");
    let sig = hmac256(&kk, sts.as_bytes());
    let mut auth = String::with_capacity(256);
    auth.push_str("TC3-HMAC-SHA256 Credential=");
    auth.push_str(id);
    auth.push('/');
    auth.push_str(date);
    auth.push('/');
    auth.push_str(service);
    auth.push_str("/tc3_request, SignedHeaders=content-type;host, Signature=");
    hex_into(&mut auth, &sig);
    auth
}

/// The SDK-HMAC-SHA256 floor for a POST with a path that needs no escaping and the given
/// signed headers, already lowercase and sorted.
pub fn huawei(
    path: &str,
    query: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    date: &str,
    ak: &str,
    sk: &str,
) -> String {
    let mut canonical = String::with_capacity(512);
    canonical.push_str("POST\n");
    canonical.push_str(path);
    if !path.ends_with('/') {
        canonical.push('/');
    }
    canonical.push('\n');
    canonical.push_str(query);
    canonical.push('\n');
    for (n, v) in headers {
        canonical.push_str(n);
        canonical.push(':');
        canonical.push_str(v);
        canonical.push('\n');
    }
    canonical.push('\n');
    // The signed header names, written once and read again for the `Authorization` value.
    let names_start = canonical.len();
    for (i, (n, _)) in headers.iter().enumerate() {
        if i > 0 {
            canonical.push(';');
        }
        canonical.push_str(n);
    }
    let names_end = canonical.len();
    canonical.push('\n');
    hex_into(&mut canonical, &Sha256::digest(body));
    let names = &canonical[names_start..names_end];
    let mut sts = String::with_capacity(128);
    sts.push_str("SDK-HMAC-SHA256\n");
    sts.push_str(date);
    sts.push('\n');
    hex_into(&mut sts, &Sha256::digest(canonical.as_bytes()));
    let sig = hmac256(sk.as_bytes(), sts.as_bytes());
    let mut auth = String::with_capacity(256);
    auth.push_str("SDK-HMAC-SHA256 Access=");
    auth.push_str(ak);
    auth.push_str(", SignedHeaders=");
    auth.push_str(names);
    auth.push_str(", Signature=");
    hex_into(&mut auth, &sig);
    auth
}

/// The OCP floor for a bodyless POST.
pub fn ocp(date: &str, host: &str, path: &str, ak: &str, sk: &str) -> String {
    let mut sts = String::with_capacity(200);
    sts.push_str("POST\n\n\n");
    sts.push_str(date);
    sts.push('\n');
    sts.push_str(host);
    sts.push_str("\n\n");
    sts.push_str(path);
    let mut m = <hmac::Hmac<sha1::Sha1> as KeyInit>::new_from_slice(sk.as_bytes()).unwrap();
    m.update(sts.as_bytes());
    let mut auth = String::with_capacity(80);
    auth.push_str("OCP-ACCESS-KEY-HMACSHA1 ");
    auth.push_str(ak);
    auth.push(':');
    base64::engine::general_purpose::STANDARD.encode_string(m.finalize().into_bytes(), &mut auth);
    auth
}

/// Tencent's documented example key id.
pub const TC_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
/// Tencent's documented example key.
pub const TC_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
/// Huawei's documented example access key.
pub const HW_AK: &str = "QTWAOYTTINDUT2QVKYUC";
/// Huawei's documented example secret key.
pub const HW_SK: &str = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";
/// The project of the DBSS sample.
pub const HW_PROJECT: &str = "619d3e78f61b4be68bc5aa0b59edcf7b";
/// The O&M instance of the DBSS sample.
pub const DBSS_INSTANCE: &str = "2f1a3b5c7d9e4f60a1b2c3d4e5f60718";
/// The cluster of the PauseServerless sample.
pub const CLUSTER: &str = "cynosdbmysql-8vcxoq75";

/// Runs every signer floor against a published (or reference) vector; panics on a mismatch.
pub fn check() {
    // Tencent's published CVM vector.
    let body =
        r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
    let auth = tc3(
        "application/json; charset=utf-8",
        "cvm.tencentcloudapi.com",
        body.as_bytes(),
        "cvm",
        "1551113065",
        "2019-02-25",
        TC_ID,
        TC_KEY,
    );
    assert!(
        auth.ends_with("72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"),
        "{auth}"
    );
    // Huawei's published vector is a GET; the floor's pieces reproduce its canonical hash
    // and signature.
    let query = "limit=2&marker=13551d6b-755d-4757-b956-536f674975c0";
    let headers = [
        ("content-type", "application/json"),
        ("host", "service.region.example.com"),
        ("x-sdk-date", "20191115T033655Z"),
    ];
    let mut canonical = format!("GET\n/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/\n{query}\n");
    for (n, v) in headers {
        canonical.push_str(&format!("{n}:{v}\n"));
    }
    canonical.push_str("\ncontent-type;host;x-sdk-date\n");
    hex_into(&mut canonical, &Sha256::digest(b""));
    let mut hash = String::new();
    hex_into(&mut hash, &Sha256::digest(canonical.as_bytes()));
    assert_eq!(
        hash,
        "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"
    );
    let sig = hmac256(
        HW_SK.as_bytes(),
        format!("SDK-HMAC-SHA256\n20191115T033655Z\n{hash}").as_bytes(),
    );
    let mut hex = String::new();
    hex_into(&mut hex, &sig);
    assert_eq!(
        hex,
        "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
    );
    // The DBSS stop sample of the request snapshot, signed by the floor.
    let auth = huawei(
        &format!("/v1/{HW_PROJECT}/db-om/{DBSS_INSTANCE}/stop"),
        "",
        &[
            ("content-type", "application/json"),
            ("host", "dbss.cn-north-4.myhuaweicloud.com"),
            ("x-project-id", HW_PROJECT),
            ("x-sdk-date", "20191115T033655Z"),
        ],
        b"",
        "20191115T033655Z",
        HW_AK,
        HW_SK,
    );
    assert!(
        auth.ends_with("9255c364e51079ab6270ab28878fb8adabf3a7b3de5d981e9591d1006084816d"),
        "{auth}"
    );
    assert_eq!(tc3_date(1_551_113_065).as_str(), "2019-02-25");
    assert_eq!(sdk_date(1_573_788_615).as_str(), "20191115T033015Z");
    assert_eq!(
        http_date(1_673_926_561).as_str(),
        "Tue, 17 Jan 2023 03:36:01 GMT"
    );
    assert_eq!(decimal(1_551_113_065).as_str(), "1551113065");
    assert_eq!(decimal(0).as_str(), "0");
    // OCP: the reference vector of `xtask/vectors` (stop-schedule).
    let auth = ocp(
        "Tue, 17 Jan 2023 03:36:01 GMT",
        "ocp.example.com:8080",
        "/api/v2/ob/clusters/1000002/tenants/1000012/backup/config/backupStrategy/stopSchedule",
        "ocp-example-ak",
        "ocp-example-sk",
    );
    let vector: serde_json::Value = serde_json::from_str(include_str!(
        "../../core/tests/vectors/ocp/001-stop-schedule.json"
    ))
    .unwrap();
    assert_eq!(auth, vector["expected"]["authorization"].as_str().unwrap());
}

/// The date routine of every floor, the build-cost programs' too.
#[path = "../../../xtask/build-cost/civil.rs"]
mod civil;
use civil::civil;

/// A date or number written into a buffer on the stack, as the cheapest correct way to
/// format one: no allocation, and read back as a `&str`.
#[derive(Clone, Copy)]
pub struct Text<const N: usize> {
    buf: [u8; N],
    start: usize,
}

impl<const N: usize> Text<N> {
    /// The text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[self.start..]).unwrap_or("")
    }
}

fn two(out: &mut [u8], n: i64) {
    out[0] = b'0' + (n / 10) as u8;
    out[1] = b'0' + (n % 10) as u8;
}

fn four(out: &mut [u8], n: i64) {
    two(&mut out[..2], n / 100);
    two(&mut out[2..4], n % 100);
}

/// `YYYY-MM-DD` of a Unix time, Tencent's credential-scope date.
pub fn tc3_date(unix: i64) -> Text<10> {
    let (y, m, d) = civil(unix.div_euclid(86_400));
    let mut buf = *b"0000-00-00";
    four(&mut buf[0..4], y);
    two(&mut buf[5..7], m);
    two(&mut buf[8..10], d);
    Text { buf, start: 0 }
}

/// `YYYYMMDDTHHMMSSZ` of a Unix time, Huawei's `X-Sdk-Date`.
pub fn sdk_date(unix: i64) -> Text<16> {
    let (y, m, d) = civil(unix.div_euclid(86_400));
    let secs = unix.rem_euclid(86_400);
    let mut buf = *b"00000000T000000Z";
    four(&mut buf[0..4], y);
    two(&mut buf[4..6], m);
    two(&mut buf[6..8], d);
    two(&mut buf[9..11], secs / 3600);
    two(&mut buf[11..13], secs / 60 % 60);
    two(&mut buf[13..15], secs % 60);
    Text { buf, start: 0 }
}

/// The RFC 1123 `Date` of a Unix time.
pub fn http_date(unix: i64) -> Text<29> {
    const DAYS: [&[u8; 3]; 7] = [b"Thu", b"Fri", b"Sat", b"Sun", b"Mon", b"Tue", b"Wed"];
    const MONTHS: [&[u8; 3]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    let days = unix.div_euclid(86_400);
    let (y, m, d) = civil(days);
    let secs = unix.rem_euclid(86_400);
    let mut buf = *b"Ddd, 00 Mmm 0000 00:00:00 GMT";
    buf[0..3].copy_from_slice(DAYS[days.rem_euclid(7) as usize]);
    two(&mut buf[5..7], d);
    buf[8..11].copy_from_slice(MONTHS[m as usize - 1]);
    four(&mut buf[12..16], y);
    two(&mut buf[17..19], secs / 3600);
    two(&mut buf[20..22], secs / 60 % 60);
    two(&mut buf[23..25], secs % 60);
    Text { buf, start: 0 }
}

/// The decimal digits of `n`.
pub fn decimal(mut n: u64) -> Text<20> {
    let mut buf = [0u8; 20];
    let mut start = buf.len();
    loop {
        start -= 1;
        buf[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    Text { buf, start }
}

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A failed floor call: the code and message of the vendor's error, or what went wrong.
#[derive(Debug)]
pub struct FloorError(pub String);

impl From<reqwest::Error> for FloorError {
    fn from(e: reqwest::Error) -> Self {
        FloorError(e.to_string())
    }
}

/// The client every call floor uses: HTTP/1.1 only, no redirects, no proxy, and no retry
/// layer (which would keep a copy of every request's headers in case it retried).
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .http1_only()
        .redirect(reqwest::redirect::Policy::none())
        .retry(reqwest::retry::never().max_retries_per_request(0))
        .no_proxy()
        .build()
        .unwrap()
}

/// The PauseServerless floor: the documented request, signed with TC3, and the answer read
/// into a typed output or the vendor's error.
#[derive(Debug, Clone)]
pub struct PauseServerlessFloor {
    client: reqwest::Client,
    url: reqwest::Url,
    host: String,
}

#[derive(Serialize)]
struct PauseInput<'a> {
    #[serde(rename = "ClusterId")]
    cluster_id: &'a str,
    #[serde(rename = "ForcePause")]
    force_pause: u8,
}

#[derive(Deserialize)]
struct TcEnvelope {
    #[serde(rename = "Response")]
    response: TcAnswer,
}

#[derive(Deserialize)]
struct TcAnswer {
    #[serde(rename = "FlowId")]
    flow_id: Option<i64>,
    #[serde(rename = "RequestId")]
    request_id: Option<String>,
    #[serde(rename = "Error")]
    error: Option<TcError>,
}

#[derive(Deserialize)]
struct TcError {
    #[serde(rename = "Code")]
    code: String,
    #[serde(rename = "Message")]
    message: String,
}

/// PauseServerless's answer.
#[derive(Debug)]
pub struct PauseOutput {
    /// The flow id.
    pub flow_id: i64,
    /// The request id.
    pub request_id: String,
}

impl PauseServerlessFloor {
    /// A floor client for the server at `base` (`http://127.0.0.1:PORT`).
    pub fn new(client: reqwest::Client, base: &str) -> Self {
        let url = reqwest::Url::parse(&format!("{base}/")).unwrap();
        let host = match url.port() {
            Some(p) => format!("{}:{p}", url.host_str().unwrap()),
            None => url.host_str().unwrap().to_string(),
        };
        PauseServerlessFloor { client, url, host }
    }

    /// Pauses `cluster_id` with `ForcePause: 1`: the documented headers (the optional
    /// `X-TC-RequestClient` left out), constant names and values used as they are, the date
    /// and timestamp written on the stack.
    pub async fn pause(&self, cluster_id: &str) -> Result<PauseOutput, FloorError> {
        use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue};
        let body = serde_json::to_vec(&PauseInput {
            cluster_id,
            force_pause: 1,
        })
        .map_err(|e| FloorError(e.to_string()))?;
        let now = now_unix();
        let date = tc3_date(now);
        let timestamp = decimal(now as u64);
        let authorization = tc3(
            "application/json",
            &self.host,
            &body,
            "cynosdb",
            timestamp.as_str(),
            date.as_str(),
            TC_ID,
            TC_KEY,
        );
        let mut request = reqwest::Request::new(reqwest::Method::POST, self.url.clone());
        let headers = request.headers_mut();
        headers.reserve(6);
        headers.insert(
            AUTHORIZATION,
            HeaderValue::try_from(authorization).map_err(|e| FloorError(e.to_string()))?,
        );
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(
            HeaderName::from_static("x-tc-action"),
            HeaderValue::from_static("PauseServerless"),
        );
        headers.insert(
            HeaderName::from_static("x-tc-region"),
            HeaderValue::from_static("ap-guangzhou"),
        );
        headers.insert(
            HeaderName::from_static("x-tc-timestamp"),
            HeaderValue::from_str(timestamp.as_str()).map_err(|e| FloorError(e.to_string()))?,
        );
        headers.insert(
            HeaderName::from_static("x-tc-version"),
            HeaderValue::from_static("2019-01-07"),
        );
        *request.body_mut() = Some(body.into());
        let answer = self.client.execute(request).await?.bytes().await?;
        let envelope: TcEnvelope =
            serde_json::from_slice(&answer).map_err(|e| FloorError(e.to_string()))?;
        let r = envelope.response;
        if let Some(e) = r.error {
            return Err(FloorError(format!("{}: {}", e.code, e.message)));
        }
        match (r.flow_id, r.request_id) {
            (Some(flow_id), Some(request_id)) => Ok(PauseOutput {
                flow_id,
                request_id,
            }),
            _ => Err(FloorError("no FlowId or RequestId".into())),
        }
    }
}

/// The DBSS stop floor: the documented request, signed with SDK-HMAC-SHA256, and the answer
/// read into a typed output with the `X-Request-Id` header.
#[derive(Debug, Clone)]
pub struct DbssStopFloor {
    client: reqwest::Client,
    base: reqwest::Url,
    host: String,
}

#[derive(Deserialize)]
struct DbssAnswer {
    result: Option<String>,
    error_code: Option<String>,
    error_msg: Option<String>,
}

/// The DBSS stop answer.
#[derive(Debug)]
pub struct StopOutput {
    /// The `result` field.
    pub result: String,
    /// The `X-Request-Id` header.
    pub request_id: Option<String>,
}

impl DbssStopFloor {
    /// A floor client for the server at `base` (`http://127.0.0.1:PORT`).
    pub fn new(client: reqwest::Client, base: &str) -> Self {
        let host = base.split_once("://").map_or(base, |(_, h)| h).to_string();
        DbssStopFloor {
            client,
            base: reqwest::Url::parse(base).unwrap(),
            host,
        }
    }

    /// Stops `instance_id` in `project`: the path built once into the URL, constant names
    /// and values used as they are, the date written on the stack.
    pub async fn stop(&self, project: &str, instance_id: &str) -> Result<StopOutput, FloorError> {
        use reqwest::header::{
            AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue,
        };
        let mut url = self.base.clone();
        {
            let mut path = url
                .path_segments_mut()
                .map_err(|()| FloorError("no path".into()))?;
            path.clear()
                .extend(["v1", project, "db-om", instance_id, "stop"]);
        }
        let date = sdk_date(now_unix());
        let authorization = huawei(
            url.path(),
            "",
            &[
                ("content-type", "application/json"),
                ("host", &self.host),
                ("x-project-id", project),
                ("x-sdk-date", date.as_str()),
            ],
            b"",
            date.as_str(),
            HW_AK,
            HW_SK,
        );
        let mut request = reqwest::Request::new(reqwest::Method::POST, url);
        let headers = request.headers_mut();
        headers.reserve(6);
        headers.insert(
            AUTHORIZATION,
            HeaderValue::try_from(authorization).map_err(|e| FloorError(e.to_string()))?,
        );
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(
            HeaderName::from_static("x-project-id"),
            HeaderValue::from_str(project).map_err(|e| FloorError(e.to_string()))?,
        );
        headers.insert(
            HeaderName::from_static("x-sdk-date"),
            HeaderValue::from_str(date.as_str()).map_err(|e| FloorError(e.to_string()))?,
        );
        // A POST without a body says so, as every official client does (reqwest does not).
        headers.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
        let response = self.client.execute(request).await?;
        let request_id = response
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let status = response.status();
        let answer = response.bytes().await?;
        let a: DbssAnswer =
            serde_json::from_slice(&answer).map_err(|e| FloorError(e.to_string()))?;
        match (status.is_success(), a.result) {
            (true, Some(result)) => Ok(StopOutput { result, request_id }),
            _ => Err(FloorError(format!(
                "{}: {}",
                a.error_code.unwrap_or_default(),
                a.error_msg.unwrap_or_default()
            ))),
        }
    }
}
