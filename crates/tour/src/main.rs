//! `cloudops-tour`: runs every operation against the built-in emulator and prints what each
//! call sent back. With `CLOUDOPS_TOUR_TARGET=real`, runs against the endpoints the
//! environment names instead.

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
        println!("cloudops tour against the built-in emulator (loopback HTTP, real signing)\n");
        cloudops_tour::run_against_emulators().await
    };
    print!("{}", report.render());
    if report.all_succeeded() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
