//! One StopTenantBackupSchedule call by hand: OCP-ACCESS-KEY-HMACSHA1 with hmac, sha1 and
//! base64, reqwest, serde_json; the keys from `OCP_ACCESS_KEY_ID` and `OCP_ACCESS_KEY_SECRET`.
mod civil;
use base64::Engine as _;
use hmac::{KeyInit, Mac};

/// A variable the keys come from, or the program stops saying which is missing.
fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        eprintln!("{name} is not set");
        std::process::exit(1)
    })
}

#[derive(serde::Deserialize)]
struct Answer {
    successful: bool,
    data: Option<serde_json::Value>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (id, secret) = (var("OCP_ACCESS_KEY_ID"), var("OCP_ACCESS_KEY_SECRET"));
    let base_url = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:1".into());
    let host = base_url.split_once("://").map_or(base_url.as_str(), |(_, h)| h).to_string();
    let path = "/api/v2/ob/clusters/1000002/tenants/1000012/backup/config/backupStrategy/stopSchedule";
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let days = now / 86_400;
    let secs = now % 86_400;
    let (y, m, d) = civil::civil(days);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][m as usize - 1];
    let date = format!(
        "{weekday}, {d:02} {month} {y:04} {:02}:{:02}:{:02} GMT",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    let sts = format!("POST\n\n\n{date}\n{host}\n\n{path}");
    let mut mac = <hmac::Hmac<sha1::Sha1> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(sts.as_bytes());
    let sig = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    let client = reqwest::Client::builder().http1_only().build().unwrap();
    let sent = client
        .post(format!("{base_url}{path}"))
        .header("authorization", format!("OCP-ACCESS-KEY-HMACSHA1 {id}:{sig}"))
        .header("date", date)
        .header("content-length", "0")
        .send()
        .await;
    match sent {
        Ok(r) => match r.bytes().await.map(|b| serde_json::from_slice::<Answer>(&b)) {
            Ok(Ok(a)) => println!("{} {:?}", a.successful, a.data.is_some()),
            Ok(Err(e)) => eprintln!("{e}"),
            Err(e) => eprintln!("{e}"),
        },
        Err(e) => eprintln!("{e}"),
    }
}
