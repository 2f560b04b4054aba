//! `cloudops-tour`: runs every operation against the built-in emulator and prints what each
//! call sent back. With `CLOUDOPS_TOUR_TLS=1` the emulators speak HTTPS with a private CA the
//! clients are told to trust. Proxies come from `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`...
//! With `CLOUDOPS_TOUR_TARGET=real`, runs against the endpoints the environment names instead.

use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let real = std::env::var("CLOUDOPS_TOUR_TARGET").is_ok_and(|v| v == "real");
    let report = if real {
        println!("cloudops tour against real endpoints\n");
        match cloudops_tour::run_against_environment().await {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        let tls = std::env::var("CLOUDOPS_TOUR_TLS").is_ok_and(|v| v == "1");
        let how = if tls {
            "loopback HTTPS with a private CA"
        } else {
            "loopback HTTP"
        };
        println!("cloudops tour against the built-in emulator ({how}, real signing)\n");
        cloudops_tour::run_against_emulators_with(tls).await
    };
    print!("{}", report.render());
    if report.all_succeeded() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
