//! The profile loader on arbitrary bytes: a county's YAML either loads into a profile that
//! keeps the statutory floor, or gives a Chinese error; never a panic, a hang or a stack
//! overflow (nesting is bounded before parsing).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rehabdocs::profile::Profile;
use std::sync::OnceLock;

fn input_path() -> &'static std::path::Path {
    static PATH: OnceLock<std::path::PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("rehabdocs-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("county.yaml")
    })
}

fuzz_target!(|data: &[u8]| {
    let path = input_path();
    std::fs::write(path, data).unwrap();
    match Profile::load(path.to_str().unwrap()) {
        Ok(profile) => assert!(profile.check_statutory().is_ok()),
        Err(msg) => assert!(
            msg.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "error without Chinese: {msg}"
        ),
    }
});
