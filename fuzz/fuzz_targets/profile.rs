//! The profile-file parser takes any text; the provider reads any file content into
//! credentials or a credentials error.
#![no_main]

use std::io::Write as _;

use cloudops_core::credentials::{EnvSource, ProfileFileProvider, ProvideCredentials, parse_ini};
use cloudops_fuzz::block_on;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let ini = parse_ini(&text);
    for (section, values) in &ini {
        assert!(!section.contains('\n'));
        for key in values.keys() {
            assert_eq!(key, &key.to_ascii_lowercase());
        }
    }

    let path = std::env::temp_dir().join(format!("cloudops-fuzz-profile-{}", std::process::id()));
    let Ok(mut file) = std::fs::File::create(&path) else {
        return;
    };
    if file.write_all(data).is_err() {
        return;
    }
    drop(file);
    let Some(path_text) = path.to_str() else {
        return;
    };
    let env = EnvSource::from_pairs([("HUAWEICLOUD_SDK_CREDENTIALS_FILE", path_text)]);
    let provider =
        ProfileFileProvider::new(cloudops_huaweicloud::credentials::PROFILE).with_env(env);
    let _ = block_on(provider.lookup());
});
