//! The pipeline over real loopback HTTP: retries, idempotency, timeouts, the body cap,
//! re-signing per attempt, and what reaches the logs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use cloudops_core::credentials::ProvideCredentials;
use cloudops_core::sign::huawei;
use cloudops_core::transport::HttpTransport;
use cloudops_core::{
    AccessKey, Authorizer, Classifier, ClientOptions, Clock, Credentials, Error, Idempotency,
    Method, OperationSpec, Pipeline, Request, Response, RetryPolicy, ServiceError,
    ServiceErrorKind, TimeoutPhase,
};
use cloudops_testkit::clock::{HeldClock, until};
use cloudops_testkit::{Fault, RecordedRequest, Reply, TestServer, TraceCapture, verify};

const AK: &str = "TESTAK000000000000000";
const SK: &str = "test-secret-key-do-not-log";
const TOKEN: &str = "temporary-security-token-do-not-log";

/// A minimal vendor: SDK-HMAC-SHA256 signing, JSON `{code, message}` errors.
#[derive(Debug)]
struct TestAuth(Arc<dyn ProvideCredentials>);

#[async_trait]
impl Authorizer for TestAuth {
    async fn authorize(&self, request: &mut Request, now: SystemTime) -> Result<(), Error> {
        let key = self.0.provide().await?.into_access_key()?;
        huawei::sign(request, &key, now).apply(request);
        Ok(())
    }
}

struct TestClassifier;

impl Classifier for TestClassifier {
    fn classify(&self, op: &OperationSpec, r: &Response) -> Result<(), Error> {
        if r.is_success() {
            return Ok(());
        }
        let v: serde_json::Value = serde_json::from_slice(&r.body).map_err(|e| {
            Error::undecodable(op.vendor, op.name, r.status, &r.body, e.to_string())
        })?;
        let kind = match r.status {
            429 => ServiceErrorKind::Throttling,
            401 => ServiceErrorKind::Authentication,
            500..=599 => ServiceErrorKind::Server,
            _ => ServiceErrorKind::InvalidRequest,
        };
        let mut e = ServiceError::new(op.vendor, op.name, r.status, kind);
        e.code = v["code"].as_str().map(str::to_string);
        e.message = v["message"].as_str().map(str::to_string);
        e.raw_body = r.text().into_owned();
        Err(Error::Service(Box::new(e)))
    }

    fn request_id(&self, r: &Response) -> Option<String> {
        r.headers.get("x-request-id").map(str::to_string)
    }
}

const BUY: OperationSpec = OperationSpec::new("test", "Buy", Idempotency::NonIdempotent);
const STOP: OperationSpec = OperationSpec::new("test", "Stop", Idempotency::Idempotent);

fn fast_retries() -> RetryPolicy {
    RetryPolicy::standard()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
}

async fn server() -> TestServer {
    TestServer::start(|req: &RecordedRequest| {
        match verify::huawei(
            req,
            |ak| (ak == AK).then(|| SK.to_string()),
            SystemTime::now(),
            900,
        ) {
            Ok(_) => {
                Reply::json(200, r#"{"result":"success"}"#).with_header("x-request-id", "req-ok")
            }
            Err(r) => Reply::json(
                401,
                format!(r#"{{"code":"APIGW.0301","message":{:?}}}"#, r.message()),
            ),
        }
    })
    .await
}

fn pipeline(options: ClientOptions) -> Pipeline {
    Pipeline::new(options).unwrap()
}

fn options() -> ClientOptions {
    ClientOptions::default().retry(fast_retries())
}

fn request(server: &TestServer) -> Request {
    Request::new(Method::Post, server.endpoint(), "/v1/things")
        .with_body("application/json", b"{\"a\":1}".to_vec())
}

fn auth() -> TestAuth {
    TestAuth(Arc::new(cloudops_core::credentials::StaticProvider(
        Credentials::AccessKey(AccessKey::new(AK, SK).with_session_token(TOKEN)),
    )))
}

async fn send(p: &Pipeline, op: &OperationSpec, s: &TestServer) -> Result<Response, Error> {
    p.send(op, request(s), &auth(), &TestClassifier).await
}

#[tokio::test]
async fn signed_request_is_verified_by_the_server() {
    let s = server().await;
    let r = send(&pipeline(options()), &STOP, &s).await.unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(s.request_count(), 1);
}

#[tokio::test]
async fn throttling_then_success_for_a_non_idempotent_operation() {
    let s = server().await;
    s.push_faults(
        Fault::Status(Reply::json(
            429,
            r#"{"code":"APIGW.0308","message":"throttled"}"#,
        )),
        2,
    );
    let r = send(&pipeline(options()), &BUY, &s).await.unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(s.request_count(), 3);
}

#[tokio::test]
async fn throttling_exhausts_attempts() {
    let s = server().await;
    s.push_faults(
        Fault::Status(Reply::json(
            429,
            r#"{"code":"APIGW.0308","message":"throttled"}"#,
        )),
        5,
    );
    let e = send(&pipeline(options()), &BUY, &s).await.unwrap_err();
    assert_eq!(e.service_kind(), Some(ServiceErrorKind::Throttling));
    assert!(e.is_retryable());
    assert_eq!(e.code(), Some("APIGW.0308"));
    assert_eq!(s.request_count(), 3);
}

#[tokio::test]
async fn server_error_is_retried_only_when_idempotent() {
    let s = server().await;
    s.push_faults(
        Fault::Status(Reply::json(503, r#"{"code":"SVC.503","message":"busy"}"#)),
        1,
    );
    let r = send(&pipeline(options()), &STOP, &s).await.unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(s.request_count(), 2);

    let s = server().await;
    s.push_faults(
        Fault::Status(Reply::json(503, r#"{"code":"SVC.503","message":"busy"}"#)),
        1,
    );
    let e = send(&pipeline(options()), &BUY, &s).await.unwrap_err();
    assert_eq!(e.http_status(), Some(503));
    assert!(!e.is_retryable());
    assert_eq!(s.request_count(), 1);
}

#[tokio::test]
async fn reset_after_the_request_was_read_sends_a_purchase_exactly_once() {
    let s = server().await;
    s.push_fault(Fault::ResetAfterRead);
    let e = send(&pipeline(options()), &BUY, &s).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Transport {
                may_have_been_sent: true,
                retryable: false,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(s.request_count(), 1);
}

#[tokio::test]
async fn reset_after_the_request_was_read_is_retried_when_idempotent() {
    let s = server().await;
    s.push_fault(Fault::ResetAfterRead);
    let r = send(&pipeline(options()), &STOP, &s).await.unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(s.request_count(), 2);
}

#[tokio::test]
async fn connection_refused_is_retried_even_when_not_idempotent() {
    let s = server().await;
    let endpoint = s.endpoint();
    drop(s);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let p = pipeline(options());
    let req = Request::new(Method::Post, endpoint, "/v1/things");
    let capture = TraceCapture::new();
    let e = {
        let _g = capture.set_default();
        p.send(&BUY, req, &auth(), &TestClassifier)
            .await
            .unwrap_err()
    };
    assert!(
        matches!(
            e,
            Error::Transport {
                may_have_been_sent: false,
                retryable: true,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(capture.text().contains("attempts=3"), "{}", capture.text());
}

// The attempt and operation timeouts on tokio's paused clock held still: the clock moves past
// a limit once the server holds the request, so the limit fires then, and never because the
// machine is busy; retries wait no backoff, so they need no time.

fn no_backoff() -> RetryPolicy {
    fast_retries()
        .initial_backoff(Duration::ZERO)
        .max_backoff(Duration::ZERO)
}

#[tokio::test(start_paused = true)]
async fn slow_headers_hit_the_attempt_timeout_and_are_retried_when_idempotent() {
    let _clock = HeldClock::hold();
    let p = pipeline(
        options()
            .retry(no_backoff())
            .attempt_timeout(Some(Duration::from_millis(200))),
    );
    for (op, expected_requests) in [(STOP, 2), (BUY, 1)] {
        let s = server().await;
        s.push_fault(Fault::Hang);
        let call = {
            let (p, req) = (p.clone(), request(&s));
            tokio::spawn(async move { p.send(&op, req, &auth(), &TestClassifier).await })
        };
        until(|| s.request_count() == 1).await;
        tokio::time::advance(Duration::from_millis(200)).await;
        let out = call.await.unwrap();
        match op.idempotency {
            Idempotency::Idempotent => assert_eq!(out.unwrap().status, 200),
            _ => {
                let e = out.unwrap_err();
                assert!(
                    matches!(
                        e,
                        Error::Timeout {
                            phase: TimeoutPhase::Attempt,
                            retryable: false,
                            ..
                        }
                    ),
                    "{e:?}"
                );
            }
        }
        assert_eq!(s.request_count(), expected_requests);
    }
}

#[tokio::test(start_paused = true)]
async fn slow_body_hits_the_attempt_timeout() {
    let _clock = HeldClock::hold();
    let s = server().await;
    s.push_fault(Fault::SlowBody(Duration::from_millis(100)));
    let p = pipeline(
        options()
            .attempt_timeout(Some(Duration::from_millis(300)))
            .retry(RetryPolicy::disabled()),
    );
    let call = {
        let req = request(&s);
        tokio::spawn(async move { p.send(&STOP, req, &auth(), &TestClassifier).await })
    };
    until(|| s.request_count() == 1).await;
    tokio::time::advance(Duration::from_millis(300)).await;
    let e = call.await.unwrap().unwrap_err();
    assert!(
        matches!(
            e,
            Error::Timeout {
                phase: TimeoutPhase::Attempt,
                ..
            }
        ),
        "{e:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn the_operation_timeout_bounds_all_attempts() {
    let _clock = HeldClock::hold();
    let s = server().await;
    s.push_faults(Fault::Hang, 3);
    let p = pipeline(
        options()
            .retry(no_backoff())
            .attempt_timeout(Some(Duration::from_secs(2)))
            .operation_timeout(Some(Duration::from_millis(300))),
    );
    let call = {
        let req = request(&s);
        tokio::spawn(async move { p.send(&STOP, req, &auth(), &TestClassifier).await })
    };
    until(|| s.request_count() == 1).await;
    tokio::time::advance(Duration::from_millis(300)).await;
    let e = call.await.unwrap().unwrap_err();
    assert!(
        matches!(
            e,
            Error::Timeout {
                phase: TimeoutPhase::Operation,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(s.request_count(), 1);
}

#[tokio::test]
async fn body_over_the_cap_is_an_error() {
    let s = server().await;
    s.push_fault(Fault::Status(Reply::json(200, "x".repeat(4096))));
    let t = HttpTransport::builder().max_body(1024).build().unwrap();
    let p = pipeline(options().transport(Arc::new(t)));
    let e = send(&p, &STOP, &s).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::ResponseTooLarge {
                status: 200,
                limit: 1024
            }
        ),
        "{e:?}"
    );
    assert_eq!(s.request_count(), 1);
}

#[tokio::test]
async fn truncated_and_non_json_bodies_are_undecodable_not_panics() {
    let s = server().await;
    s.push_fault(Fault::Status(Reply::html(
        502,
        "<html><body>Bad Gateway</body></html>",
    )));
    let p = pipeline(options().retry(RetryPolicy::disabled()));
    let e = send(&p, &BUY, &s).await.unwrap_err();
    match &e {
        Error::Undecodable(u) => {
            assert_eq!(u.status, 502);
            assert!(u.excerpt.contains("Bad Gateway"));
        }
        other => panic!("{other:?}"),
    }
    // A truncated body shorter than its Content-Length is a transport error.
    let s = server().await;
    s.push_fault(Fault::Truncate);
    let e = send(&p, &BUY, &s).await.unwrap_err();
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
}

#[tokio::test]
async fn retries_can_be_turned_off() {
    let s = server().await;
    s.push_faults(
        Fault::Status(Reply::json(429, r#"{"code":"T","message":"t"}"#)),
        2,
    );
    let e = send(
        &pipeline(options().retry(RetryPolicy::disabled())),
        &STOP,
        &s,
    )
    .await
    .unwrap_err();
    assert_eq!(e.service_kind(), Some(ServiceErrorKind::Throttling));
    assert_eq!(s.request_count(), 1);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let s = server().await;
    s.push_fault(Fault::Status(
        Reply::json(429, r#"{"code":"T","message":"t"}"#).with_header("retry-after", "1"),
    ));
    let started = std::time::Instant::now();
    send(&pipeline(options()), &STOP, &s).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(s.request_count(), 2);
}

/// A clock that moves one minute forward every time it is read.
#[derive(Debug)]
struct TickingClock(AtomicU64);

impl Clock for TickingClock {
    fn now(&self) -> SystemTime {
        let n = self.0.fetch_add(1, Ordering::SeqCst);
        SystemTime::now() + Duration::from_secs(60 * n)
    }
}

#[tokio::test]
async fn every_attempt_is_signed_again() {
    let s = server().await;
    s.push_faults(
        Fault::Status(Reply::json(503, r#"{"code":"S","message":"s"}"#)),
        2,
    );
    let p = pipeline(options().clock(Arc::new(TickingClock(AtomicU64::new(0)))));
    send(&p, &STOP, &s).await.unwrap();
    let reqs = s.requests();
    assert_eq!(reqs.len(), 3);
    let dates: Vec<_> = reqs
        .iter()
        .map(|r| r.headers.get("x-sdk-date").unwrap().to_string())
        .collect();
    let auths: Vec<_> = reqs
        .iter()
        .map(|r| r.headers.get("authorization").unwrap().to_string())
        .collect();
    assert!(dates[0] != dates[1] && dates[1] != dates[2], "{dates:?}");
    assert!(auths[0] != auths[1] && auths[1] != auths[2]);
}

/// Checks that it is given the caller's headers, unsigned, then changes one and appends one
/// before signing.
#[derive(Debug)]
struct MarkingAuth(TestAuth);

#[async_trait]
impl Authorizer for MarkingAuth {
    async fn authorize(&self, request: &mut Request, now: SystemTime) -> Result<(), Error> {
        let marks = request
            .headers
            .iter()
            .filter(|(n, _)| *n == "x-mark")
            .count();
        if request.headers.get("x-caller") != Some("original") || marks != 0 {
            return Err(Error::credentials("handed a request signed before"));
        }
        request.headers.set("x-caller", "changed by the authorizer");
        request.headers.append("x-mark", "1");
        self.0.authorize(request, now).await
    }
}

#[tokio::test]
async fn every_attempt_starts_from_the_unsigned_headers() {
    let s = server().await;
    s.push_faults(
        Fault::Status(Reply::json(503, r#"{"code":"S","message":"s"}"#)),
        2,
    );
    let p = pipeline(options());
    let request = request(&s).with_header("x-caller", "original");
    p.send(&STOP, request, &MarkingAuth(auth()), &TestClassifier)
        .await
        .unwrap();
    let reqs = s.requests();
    assert_eq!(reqs.len(), 3);
    for r in &reqs {
        let marks = r.headers.iter().filter(|(n, _)| *n == "x-mark").count();
        assert_eq!(marks, 1, "{:?}", r.headers);
        assert_eq!(r.headers.get("x-caller"), Some("changed by the authorizer"));
        assert_eq!(
            r.headers
                .iter()
                .filter(|(n, _)| *n == "authorization")
                .count(),
            1
        );
    }
}

#[tokio::test]
async fn a_rejected_signature_is_a_typed_authentication_error() {
    let s = server().await;
    let bad = TestAuth(Arc::new(cloudops_core::credentials::StaticProvider(
        Credentials::AccessKey(AccessKey::new(AK, "wrong-secret")),
    )));
    let e = pipeline(options())
        .send(&STOP, request(&s), &bad, &TestClassifier)
        .await
        .unwrap_err();
    assert_eq!(e.service_kind(), Some(ServiceErrorKind::Authentication));
    assert!(
        e.message()
            .unwrap()
            .contains("canonicalRequest: POST|/v1/things/|"),
        "{e}"
    );
    assert_eq!(s.request_count(), 1);
}

#[tokio::test]
async fn no_secret_reaches_traces_or_debug_output() {
    let s = server().await;
    s.push_fault(Fault::Status(Reply::json(
        429,
        r#"{"code":"T","message":"t"}"#,
    )));
    let p = pipeline(options());
    let capture = TraceCapture::new();
    let response = {
        let _g = capture.set_default();
        send(&p, &STOP, &s).await.unwrap()
    };
    let traces = capture.text();
    assert!(
        traces.contains("cloudops.call") && traces.contains("cloudops.attempt"),
        "{traces}"
    );
    assert!(traces.contains("request_id=req-ok"), "{traces}");
    assert!(traces.contains("attempts=2"), "{traces}");

    // Everything a user might print: the request as sent, its signature, the response, the
    // credentials, the pipeline, the error of a failed call.
    let sent = s.requests().pop().unwrap();
    let mut signed = request(&s);
    let key = AccessKey::new(AK, SK).with_session_token(TOKEN);
    let sig = huawei::sign(&signed, &key, SystemTime::now());
    sig.clone().apply(&mut signed);
    let failing = {
        let s2 = server().await;
        s2.push_fault(Fault::Status(Reply::json(
            400,
            r#"{"code":"X","message":"bad"}"#,
        )));
        send(&p, &STOP, &s2).await.unwrap_err()
    };
    let printed = format!(
        "{traces}\n{signed:?}\n{sig:?}\n{response:?}\n{key:?}\n{:?}\n{p:?}\n{failing:?}\n{failing}\n{:?}",
        Credentials::AccessKey(key.clone()),
        auth(),
    );
    // The server did receive the secrets' effects, so the check is meaningful.
    assert_eq!(sent.headers.get("x-security-token"), Some(TOKEN));
    for secret in [SK, TOKEN, sig.signature()] {
        assert!(!printed.contains(secret), "{secret} leaked");
    }
}

#[tokio::test]
async fn https_to_a_server_that_does_not_speak_tls_is_a_transport_error() {
    // The rustls stack (ring provider, platform verifier) starts, the handshake fails, and the
    // failure is an error value marked as not sent: the connection was never established.
    let s = server().await;
    let endpoint = cloudops_core::Endpoint::parse(&format!("https://{}", s.addr())).unwrap();
    let req = Request::new(Method::Post, endpoint, "/v1/things");
    let e = pipeline(options().retry(RetryPolicy::disabled()))
        .send(&BUY, req, &auth(), &TestClassifier)
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Transport {
                may_have_been_sent: false,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(s.request_count(), 0);
}

#[tokio::test]
async fn constant_header_values_the_wire_cannot_carry_are_refused_by_the_transport() {
    // The transport uses constant values without a copy; one it cannot send is an error value
    // (nothing sent), never a panic, even when the pipeline's checks are bypassed.
    use cloudops_core::Transport as _;
    let s = server().await;
    let transport = HttpTransport::builder().no_proxy().build().unwrap();
    for bad in ["line\nbreak", "del\u{7f}", "nul\0"] {
        let mut req = request(&s);
        req.headers.set_static("x-constant", bad);
        let e = transport.send(&req).await.unwrap_err();
        assert!(
            matches!(
                e,
                Error::Transport {
                    may_have_been_sent: false,
                    ..
                }
            ),
            "{bad:?}: {e:?}"
        );
    }
    assert_eq!(s.request_count(), 0);
    // Tab and bytes past ASCII (UTF-8 text) go as they are, as any other value would.
    for fine in ["fine\tvalue", "caf\u{e9}"] {
        let mut req = request(&s);
        req.headers.set_static("x-constant", fine);
        assert!(transport.send(&req).await.is_ok(), "{fine:?}");
    }
}

/// An authorizer for a scheme whose token header is listed nowhere.
#[derive(Debug)]
struct UnlistedTokenAuth;

#[async_trait]
impl Authorizer for UnlistedTokenAuth {
    fn sets_headers(&self) -> &'static [&'static str] {
        &["x-new-token"]
    }

    async fn authorize(&self, request: &mut Request, _now: SystemTime) -> Result<(), Error> {
        request.headers.set("x-new-token", TOKEN);
        Ok(())
    }
}

/// The same scheme appending its token without declaring it.
#[derive(Debug)]
struct AppendedTokenAuth;

#[async_trait]
impl Authorizer for AppendedTokenAuth {
    fn sets_headers(&self) -> &'static [&'static str] {
        &["authorization"]
    }

    async fn authorize(&self, request: &mut Request, _now: SystemTime) -> Result<(), Error> {
        request.headers.set("authorization", "Bearer x");
        request.headers.append("x-new-token", TOKEN);
        Ok(())
    }
}

#[cfg(debug_assertions)]
#[tokio::test]
async fn a_header_an_authorizer_sets_must_be_known_secret_or_public() {
    let s = server().await;
    let p = pipeline(options());
    for auth in [
        &UnlistedTokenAuth as &dyn Authorizer,
        &AppendedTokenAuth as &dyn Authorizer,
    ] {
        let e = p
            .send(&STOP, request(&s), auth, &TestClassifier)
            .await
            .unwrap_err();
        assert_eq!(e.invalid_field(), Some("authorizer"), "{e}");
        assert!(e.to_string().contains("x-new-token"), "{e}");
        assert!(!e.to_string().contains(TOKEN), "{e}");
    }
    assert_eq!(s.request_count(), 0);
}
