//! One DBSS stop call by hand: SDK-HMAC-SHA256 with hmac and sha2, reqwest, serde_json; the
//! keys and project from `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK` and
//! `HUAWEICLOUD_SDK_PROJECT_ID`.
mod civil;
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A variable the keys come from, or the program stops saying which is missing.
fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        eprintln!("{name} is not set");
        std::process::exit(1)
    })
}

#[derive(serde::Deserialize)]
struct Answer {
    result: Option<String>,
    error_code: Option<String>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let endpoint = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:1".into());
    let host = endpoint.split_once("://").map_or(endpoint.as_str(), |(_, h)| h).to_string();
    let (ak, sk) = (var("HUAWEICLOUD_SDK_AK"), var("HUAWEICLOUD_SDK_SK"));
    let project = var("HUAWEICLOUD_SDK_PROJECT_ID");
    let path = format!("/v1/{project}/db-om/2f1a3b5c7d9e4f60a1b2c3d4e5f60718/stop");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let days = now / 86_400;
    let secs = now % 86_400;
    let (y, m, d) = civil::civil(days);
    let date = format!("{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z", secs / 3600, secs / 60 % 60, secs % 60);
    let canonical = format!(
        "POST\n{path}/\n\ncontent-type:application/json\nhost:{host}\nx-project-id:{project}\nx-sdk-date:{date}\n\ncontent-type;host;x-project-id;x-sdk-date\n{}",
        hex(&Sha256::digest(b""))
    );
    let sts = format!("SDK-HMAC-SHA256\n{date}\n{}", hex(&Sha256::digest(canonical.as_bytes())));
    let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(sk.as_bytes()).unwrap();
    mac.update(sts.as_bytes());
    let sig = hex(&mac.finalize().into_bytes());
    let auth = format!(
        "SDK-HMAC-SHA256 Access={ak}, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature={sig}"
    );
    let client = reqwest::Client::builder().http1_only().build().unwrap();
    let sent = client
        .post(format!("{endpoint}{path}"))
        .header("authorization", auth)
        .header("content-type", "application/json")
        .header("x-project-id", &project)
        .header("x-sdk-date", date)
        .header("content-length", "0")
        .send()
        .await;
    match sent {
        Ok(r) => match r.bytes().await.map(|b| serde_json::from_slice::<Answer>(&b)) {
            Ok(Ok(a)) => println!("{:?} {:?}", a.result, a.error_code),
            Ok(Err(e)) => eprintln!("{e}"),
            Err(e) => eprintln!("{e}"),
        },
        Err(e) => eprintln!("{e}"),
    }
}
