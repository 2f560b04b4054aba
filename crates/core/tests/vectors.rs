//! Every published signing vector in the vendors' documentation, checked to the last hex
//! digit, plus edge cases of each canonical form.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cloudops_core::sign::{huawei, ocp, tc3};
use cloudops_core::time::FixedClock;
use cloudops_core::{AccessKey, Clock, Endpoint, Method, Request};
use sha2::{Digest, Sha256};

fn sha256_hex(s: &str) -> String {
    cloudops_core::encoding::hex_lower(&Sha256::digest(s.as_bytes()))
}

// ---------------------------------------------------------------- Tencent TC3-HMAC-SHA256

const CVM_BODY: &str =
    r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;

fn cvm_input(signed_headers: tc3::SignedHeaders) -> tc3::Tc3Input<'static> {
    tc3::Tc3Input {
        method: Method::Post,
        query: "",
        content_type: "application/json; charset=utf-8",
        host: "cvm.tencentcloudapi.com",
        action: "DescribeInstances",
        body: CVM_BODY.as_bytes(),
        service: "cvm",
        timestamp: 1_551_113_065,
        signed_headers,
    }
}

#[test]
fn tc3_payload_hash() {
    assert_eq!(
        sha256_hex(CVM_BODY),
        "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    );
}

#[test]
fn tc3_vector_example_key() {
    let input = cvm_input(tc3::SignedHeaders::ContentTypeHost);
    let sig = tc3::sign_parts(
        &input,
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
    );
    assert_eq!(
        sha256_hex(&sig.canonical_request),
        "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
    );
    assert_eq!(
        sig.signature(),
        "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    );
    assert_eq!(
        sig.authorization().unwrap(),
        "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, \
         SignedHeaders=content-type;host, \
         Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    );
    assert_eq!(
        sig.string_to_sign,
        "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n\
         5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
    );
}

#[test]
fn tc3_vector_masked_key() {
    let input = cvm_input(tc3::SignedHeaders::ContentTypeHost);
    let sig = tc3::sign_parts(
        &input,
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        "Gu5t9xGARNpq86cd98joQYCN3*******",
    );
    assert_eq!(
        sha256_hex(&sig.canonical_request),
        "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
    );
    assert_eq!(
        sig.signature(),
        "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c"
    );
}

#[test]
fn tc3_vector_with_action() {
    let input = cvm_input(tc3::SignedHeaders::WithAction);
    let sig = tc3::sign_parts(
        &input,
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        "Gu5t9xGARNpq86cd98joQYCN3*******",
    );
    assert!(
        sig.canonical_request
            .contains("\nx-tc-action:describeinstances\n")
    );
    assert_eq!(
        sha256_hex(&sig.canonical_request),
        "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84"
    );
    assert_eq!(
        sig.signature(),
        "be4f67d323c78ab9acb7395e43c0dbcf822a9cfac32fea2449a7bc7726b770a3"
    );
    assert!(
        sig.authorization()
            .unwrap()
            .contains("SignedHeaders=content-type;host;x-tc-action,")
    );
}

#[test]
fn tc3_through_a_request() {
    // The same vector, reached from a Request, as a vendor crate would sign it.
    let req = Request::new(
        Method::Post,
        Endpoint::parse("https://cvm.tencentcloudapi.com").unwrap(),
        "/",
    )
    .with_body(
        "application/json; charset=utf-8",
        CVM_BODY.as_bytes().to_vec(),
    )
    .with_header("x-tc-action", "DescribeInstances");
    let key = AccessKey::new(
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
    );
    let now = FixedClock::at_unix(1_551_113_065).now();
    let sig = tc3::sign(&req, &key, "cvm", now, tc3::SignedHeaders::ContentTypeHost);
    assert_eq!(
        sig.signature(),
        "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    );
    let mut signed = req.clone();
    sig.apply(&mut signed);
    assert_eq!(signed.headers.get("x-tc-timestamp"), Some("1551113065"));
    assert_eq!(signed.headers.get("host"), Some("cvm.tencentcloudapi.com"));
    assert!(signed.headers.get("x-tc-token").is_none());
    let sig = tc3::sign(
        &req,
        &key.with_session_token("tok"),
        "cvm",
        now,
        tc3::SignedHeaders::ContentTypeHost,
    );
    assert_eq!(
        sig.headers
            .iter()
            .find(|(n, _)| *n == "x-tc-token")
            .unwrap()
            .1,
        "tok"
    );
}

#[test]
fn tc3_date_is_the_utc_date() {
    // 2019-02-25 23:59:59 UTC and one second later.
    let mut input = cvm_input(tc3::SignedHeaders::ContentTypeHost);
    input.timestamp = 1_551_139_199;
    assert!(
        tc3::sign_parts(&input, "id", "k")
            .string_to_sign
            .contains("\n2019-02-25/cvm/")
    );
    input.timestamp = 1_551_139_200;
    assert!(
        tc3::sign_parts(&input, "id", "k")
            .string_to_sign
            .contains("\n2019-02-26/cvm/")
    );
}

#[test]
fn tc3_empty_and_unicode_bodies() {
    let mut input = cvm_input(tc3::SignedHeaders::ContentTypeHost);
    input.body = b"";
    let sig = tc3::sign_parts(&input, "id", "k");
    assert!(
        sig.canonical_request
            .ends_with("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    );
    let raw = "{\"Name\":\"未命名\"}";
    input.body = raw.as_bytes();
    let sig = tc3::sign_parts(&input, "id", "k");
    assert!(sig.canonical_request.ends_with(&sha256_hex(raw)));
}

// ---------------------------------------------------------------- Huawei SDK-HMAC-SHA256

#[test]
fn huawei_documented_vector() {
    let query = vec![
        ("limit".to_string(), "2".to_string()),
        (
            "marker".to_string(),
            "13551d6b-755d-4757-b956-536f674975c0".to_string(),
        ),
    ];
    let headers = [
        ("Content-Type", "application/json"),
        ("Host", "service.region.example.com"),
        ("X-Sdk-Date", "20191115T033655Z"),
    ];
    let input = huawei::HuaweiInput {
        method: Method::Get,
        path: "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
        query: &query,
        headers: &headers,
        body: b"",
        sdk_date: "20191115T033655Z",
    };
    let sig = huawei::sign_parts(
        &input,
        "QTWAOYTTINDUT2QVKYUC",
        "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc",
    );
    assert_eq!(
        sig.canonical_request,
        "GET\n/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/\nlimit=2&marker=13551d6b-755d-4757-b956-536f674975c0\n\
         content-type:application/json\nhost:service.region.example.com\nx-sdk-date:20191115T033655Z\n\n\
         content-type;host;x-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        sha256_hex(&sig.canonical_request),
        "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"
    );
    assert_eq!(
        sig.signature(),
        "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
    );
    assert_eq!(
        sig.authorization().unwrap(),
        "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, \
         Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
    );
}

#[test]
fn huawei_documented_vector_through_a_request() {
    let req = Request::new(
        Method::Get,
        Endpoint::parse("https://service.region.example.com").unwrap(),
        "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
    )
    .with_query("limit", "2")
    .with_query("marker", "13551d6b-755d-4757-b956-536f674975c0")
    .with_header("Content-Type", "application/json");
    let key = AccessKey::new(
        "QTWAOYTTINDUT2QVKYUC",
        "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc",
    );
    // 2019-11-15T03:36:55Z
    let now = FixedClock::at_unix(1_573_789_015).now();
    let sig = huawei::sign(&req, &key, now);
    assert_eq!(
        sig.signature(),
        "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
    );
    assert_eq!(
        sig.headers[1],
        ("x-sdk-date", "20191115T033655Z".to_string())
    );
}

fn huawei_short_vector(
    method: Method,
    query: (&str, &str),
    body: &[u8],
) -> cloudops_core::sign::Signature {
    let q = vec![(query.0.to_string(), query.1.to_string())];
    let headers = [("X-Sdk-Date", "20060102T150405Z")];
    let input = huawei::HuaweiInput {
        method,
        path: "/path",
        query: &q,
        headers: &headers,
        body,
        sdk_date: "20060102T150405Z",
    };
    huawei::sign_parts(&input, "AccessKey", "SecretKey")
}

#[test]
fn huawei_vector_get_path() {
    let sig = huawei_short_vector(Method::Get, ("limit", "1"), b"");
    assert_eq!(
        sig.signature(),
        "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"
    );
    assert!(
        sig.authorization()
            .unwrap()
            .contains("SignedHeaders=x-sdk-date,")
    );
}

#[test]
fn huawei_vector_post_path() {
    let sig = huawei_short_vector(
        Method::Post,
        ("key", "value"),
        b"{\"Name\":\"test\",\"Id\":1}\n",
    );
    assert_eq!(
        sig.signature(),
        "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59"
    );
}

#[test]
fn huawei_canonical_edge_cases() {
    // Repeated keys sorted by value; spaces, '/', '%' and unicode encoded; trailing slash kept.
    let q = vec![
        ("b".to_string(), "z y".to_string()),
        ("a".to_string(), "/%".to_string()),
        ("b".to_string(), "a".to_string()),
        ("u".to_string(), "未".to_string()),
    ];
    assert_eq!(
        huawei::canonical_query(&q),
        "a=%2F%25&b=a&b=z%20y&u=%E6%9C%AA"
    );
    assert_eq!(huawei::canonical_uri("/v1/a%20b/c"), "/v1/a%20b/c/");
    assert_eq!(huawei::canonical_uri("/v1/x/"), "/v1/x/");
    assert_eq!(huawei::canonical_uri("/"), "/");
    // Paths of unreserved characters are their own canonical form, with the same leading and
    // trailing `/` rules as any other.
    assert_eq!(huawei::canonical_uri("v1/x"), "/v1/x/");
    assert_eq!(huawei::canonical_uri(""), "/");
    assert_eq!(huawei::canonical_uri("//a.b~c_d-e"), "//a.b~c_d-e/");
    assert_eq!(huawei::canonical_uri("/v1/a b"), "/v1/a%20b/");
    // A segment sent with an unusual encoding is canonicalised the same way.
    assert_eq!(huawei::canonical_uri("/v1/%7e%41"), "/v1/~A/");
    assert_eq!(huawei::canonical_uri("/v1/%E6%9C%AA"), "/v1/%E6%9C%AA/");
}

#[test]
fn huawei_signs_token_and_project_headers_and_skips_underscores() {
    let req = Request::new(
        Method::Post,
        Endpoint::parse("https://dbss.cn-north-4.myhuaweicloud.com").unwrap(),
        "/v1/p/db-om/i/stop",
    )
    .with_header("X-Project-Id", "p")
    .with_header("x_custom", "ignored")
    .with_body("application/json", b"{}".to_vec());
    let key = AccessKey::new("AK", "SK").with_session_token("sec-token");
    let sig = huawei::sign(&req, &key, FixedClock::at_unix(1_700_000_000).now());
    assert!(
        sig.authorization()
            .unwrap()
            .contains("SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token,"),
        "{:?}",
        sig.authorization()
    );
    assert!(!sig.canonical_request.contains("x_custom"));
    assert!(
        sig.headers
            .iter()
            .any(|(n, v)| *n == "x-security-token" && v == "sec-token")
    );
    // The Debug form hides the token even inside the canonical request.
    let dbg = format!("{sig:?}");
    assert!(!dbg.contains("sec-token"), "{dbg}");
}

#[test]
fn huawei_unicode_body() {
    let sig = huawei_short_vector(Method::Post, ("k", "v"), "{\"n\":\"未命名\"}".as_bytes());
    assert!(
        sig.canonical_request
            .ends_with(&sha256_hex("{\"n\":\"未命名\"}"))
    );
}

// ---------------------------------------------------------------- OCP

#[test]
fn ocp_string_to_sign_rule() {
    let q = vec![
        ("size".to_string(), "10".to_string()),
        ("page".to_string(), "1".to_string()),
        ("name".to_string(), "a b/未".to_string()),
    ];
    let input = ocp::OcpInput {
        method: Method::Post,
        body: b"{\"a\":1}",
        content_type: "application/json",
        date: "Tue, 17 Jan 2023 03:36:01 GMT",
        host: "ocp.example.com:8080",
        ocp_headers: &[("X-Ocp-Trace", "t1"), ("x-ocp-a", " v ")],
        path: "/api/v2/ob/clusters",
        query: &q,
    };
    let sts = ocp::string_to_sign(&input);
    let lines: Vec<&str> = sts.split('\n').collect();
    assert_eq!(
        lines,
        vec![
            "POST",
            "BB6CB5C68DF4652941CAF652A366F2D8",
            "application/json",
            "Tue, 17 Jan 2023 03:36:01 GMT",
            "ocp.example.com:8080",
            "x-ocp-a:v",
            "x-ocp-trace:t1",
            "/api/v2/ob/clusters?name=a%20b%2F%E6%9C%AA&page=1&size=10",
        ]
    );
}

#[test]
fn ocp_md5_matches_independent_digest() {
    // MD5 of the body, computed independently with Python hashlib.
    assert_eq!(
        ocp::md5_payload(b"{\"a\":1}"),
        "BB6CB5C68DF4652941CAF652A366F2D8".to_string()
    );
    assert_eq!(ocp::md5_payload(b""), "");
    assert_eq!(ocp::md5_payload(b"abc"), "900150983CD24FB0D6963F7D28E17F72");
}

#[test]
fn ocp_signature_is_base64_hmac_sha1() {
    // RFC 2202 test case 2: HMAC-SHA1("Jefe", "what do ya want for nothing?").
    let input = ocp::OcpInput {
        method: Method::Get,
        body: b"",
        content_type: "",
        date: "",
        host: "",
        ocp_headers: &[],
        path: "",
        query: &[],
    };
    // With every part empty the string to sign is six newlines after "GET".
    assert_eq!(ocp::string_to_sign(&input), "GET\n\n\n\n\n\n");
    let sig = ocp::sign_parts(&input, "AK", "Jefe");
    assert_eq!(
        sig.authorization().unwrap(),
        format!("OCP-ACCESS-KEY-HMACSHA1 AK:{}", sig.signature())
    );
    // Independent check of the HMAC-SHA1 construction on the RFC 2202 vector.
    use base64::Engine as _;
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(b"Jefe").unwrap();
    mac.update(b"what do ya want for nothing?");
    assert_eq!(
        cloudops_core::encoding::hex_lower(&mac.finalize().into_bytes()),
        "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
    );
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(b"Jefe").unwrap();
    mac.update(b"GET\n\n\n\n\n\n");
    assert_eq!(
        sig.signature(),
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    );
}

#[test]
fn ocp_sign_through_a_request() {
    let req = Request::new(
        Method::Post,
        Endpoint::parse("http://10.0.0.1:8080").unwrap(),
        "/api/v2/ob/clusters/1000002/tenants/1000012/backup/config/backupStrategy/stopSchedule",
    );
    let key = AccessKey::new("ak", "sk");
    let now = FixedClock::at_unix(1_673_926_561).now();
    let sig = ocp::sign(&req, &key, now);
    assert_eq!(
        sig.string_to_sign,
        "POST\n\n\nTue, 17 Jan 2023 03:36:01 GMT\n10.0.0.1:8080\n\n\
         /api/v2/ob/clusters/1000002/tenants/1000012/backup/config/backupStrategy/stopSchedule"
    );
    assert!(
        sig.headers
            .contains(&("date", "Tue, 17 Jan 2023 03:36:01 GMT".to_string()))
    );
}

#[test]
fn basic_auth_round_trip() {
    let b = cloudops_core::BasicAuth::new("admin", "pa:ss");
    let sig = cloudops_core::sign::basic::sign(&b);
    assert_eq!(sig.authorization().unwrap(), "Basic YWRtaW46cGE6c3M=");
    assert_eq!(
        cloudops_core::sign::basic::parse_authorization("Basic YWRtaW46cGE6c3M="),
        Some(("admin".to_string(), "pa:ss".to_string()))
    );
}
