//! The tour's own code path, in-process: every operation succeeds against the emulator.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[tokio::test]
async fn every_operation_of_the_tour_succeeds() {
    let report = cloudops_tour::run_against_emulators().await;
    let rendered = report.render();
    assert!(report.all_succeeded(), "{rendered}");
    let ops: Vec<&str> = report.steps.iter().map(|s| s.operation).collect();
    for documented in [
        "StopTenantBackupSchedule",
        "StopDbOmInstance (AK/SK)",
        "CreateBackupResourcePackage",
        "BatchBackupInstances (token)",
        "PauseServerless",
    ] {
        assert!(
            ops.contains(&documented),
            "{documented} missing from the tour: {ops:?}"
        );
    }
    for sibling in [
        "StartTenantBackupSchedule",
        "GetTenantBackupStrategy",
        "GetTask (wait)",
        "ResumeServerless",
        "DescribeFlow (wait)",
    ] {
        assert!(
            ops.contains(&sibling),
            "{sibling} missing from the tour: {ops:?}"
        );
    }
    // Every call that answers with a request id shows it.
    for s in &report.steps {
        if !s.operation.contains("(wait)") {
            assert!(s.request_id.is_some(), "{} has no request id", s.operation);
        }
    }
    assert!(rendered.contains(&format!(
        "{} of {} calls succeeded",
        report.steps.len(),
        report.steps.len()
    )));
}
