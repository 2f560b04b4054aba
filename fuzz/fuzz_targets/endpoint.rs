//! `Endpoint::parse` never panics, and an endpoint it accepts is read the same way by the URL
//! parser the transport uses: same host, port and path, so what is signed is what is sent.
#![no_main]

use cloudops_core::{Endpoint, Method, Request};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(endpoint) = Endpoint::parse(text) else {
        return;
    };
    let url = reqwest::Url::parse(&endpoint.to_string())
        .unwrap_or_else(|e| panic!("{endpoint} was accepted but the URL parser refuses it: {e}"));
    assert_eq!(url.host_str(), Some(endpoint.host()), "{text:?}");
    assert_eq!(url.port(), endpoint.port(), "{text:?}");
    let expected_path = if endpoint.base_path().is_empty() {
        "/"
    } else {
        endpoint.base_path()
    };
    assert_eq!(url.path(), expected_path, "{text:?}");

    let request = Request::new(Method::Get, endpoint.clone(), "/x");
    let sent = reqwest::Url::parse(&request.url()).expect("a request URL");
    assert_eq!(sent.path(), request.full_path(), "{text:?}");
});
