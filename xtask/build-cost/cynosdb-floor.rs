//! One PauseServerless call by hand: TC3 signing with hmac and sha2, reqwest, serde_json; the
//! keys from `TENCENTCLOUD_SECRET_ID` and `TENCENTCLOUD_SECRET_KEY`.
mod civil;
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hmac256(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

/// A variable the keys come from, or the program stops saying which is missing.
fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        eprintln!("{name} is not set");
        std::process::exit(1)
    })
}

#[derive(serde::Deserialize)]
struct Envelope {
    #[serde(rename = "Response")]
    response: Answer,
}

#[derive(serde::Deserialize)]
struct Answer {
    #[serde(rename = "FlowId")]
    flow_id: Option<i64>,
    #[serde(rename = "Error")]
    error: Option<serde_json::Value>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (id, key) = (var("TENCENTCLOUD_SECRET_ID"), var("TENCENTCLOUD_SECRET_KEY"));
    let endpoint = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:1".into());
    let host = endpoint.split_once("://").map_or(endpoint.as_str(), |(_, h)| h).to_string();
    let body = serde_json::to_vec(&serde_json::json!({"ClusterId": "cynosdbmysql-8vcxoq75", "ForcePause": 1})).unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let days = now / 86_400;
    let (y, m, d) = civil::civil(days);
    let date = format!("{y:04}-{m:02}-{d:02}");
    let canonical = format!(
        "POST\n/\n\ncontent-type:application/json\nhost:{host}\n\ncontent-type;host\n{}",
        hex(&Sha256::digest(&body))
    );
    let sts = format!(
        "TC3-HMAC-SHA256\n{now}\n{date}/cynosdb/tc3_request\n{}",
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let k = hmac256(format!("TC3{key}").as_bytes(), date.as_bytes());
    let k = hmac256(&k, b"cynosdb");
    let k = hmac256(&k, b"tc3_request");
    let sig = hex(&hmac256(&k, sts.as_bytes()));
    let auth = format!(
        "TC3-HMAC-SHA256 Credential={id}/{date}/cynosdb/tc3_request, SignedHeaders=content-type;host, Signature={sig}"
    );
    let client = reqwest::Client::builder().http1_only().build().unwrap();
    let sent = client
        .post(format!("{endpoint}/"))
        .header("authorization", auth)
        .header("content-type", "application/json")
        .header("x-tc-action", "PauseServerless")
        .header("x-tc-version", "2019-01-07")
        .header("x-tc-region", "ap-guangzhou")
        .header("x-tc-timestamp", now.to_string())
        .body(body)
        .send()
        .await;
    match sent {
        Ok(r) => match r.bytes().await.map(|b| serde_json::from_slice::<Envelope>(&b)) {
            Ok(Ok(e)) => match (e.response.flow_id, e.response.error) {
                (Some(f), None) => println!("flow {f}"),
                (_, err) => eprintln!("{err:?}"),
            },
            Ok(Err(e)) => eprintln!("{e}"),
            Err(e) => eprintln!("{e}"),
        },
        Err(e) => eprintln!("{e}"),
    }
}
