//! One PauseServerless call by hand: TC3 signing with hmac and sha2, reqwest, serde_json.
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
    let endpoint = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:1".into());
    let host = endpoint.split_once("://").map_or(endpoint.as_str(), |(_, h)| h).to_string();
    let body = serde_json::to_vec(&serde_json::json!({"ClusterId": "cynosdbmysql-8vcxoq75", "ForcePause": 1})).unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let days = now / 86_400;
    let (y, m, d) = {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        (yoe + era * 400 + i64::from(m <= 2), m, d)
    };
    let date = format!("{y:04}-{m:02}-{d:02}");
    let canonical = format!(
        "POST\n/\n\ncontent-type:application/json\nhost:{host}\n\ncontent-type;host\n{}",
        hex(&Sha256::digest(&body))
    );
    let sts = format!(
        "TC3-HMAC-SHA256\n{now}\n{date}/cynosdb/tc3_request\n{}",
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let k = hmac256(format!("TC3{}", "SECRETEXAMPLE").as_bytes(), date.as_bytes());
    let k = hmac256(&k, b"cynosdb");
    let k = hmac256(&k, b"tc3_request");
    let sig = hex(&hmac256(&k, sts.as_bytes()));
    let auth = format!(
        "TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/{date}/cynosdb/tc3_request, SignedHeaders=content-type;host, Signature={sig}"
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
