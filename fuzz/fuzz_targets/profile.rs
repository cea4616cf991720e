//! The profile loader on arbitrary bytes: a county's YAML either loads into a profile that
//! keeps the statutory floor, or gives a Chinese error; never a panic, a hang or a stack
//! overflow (nesting is bounded before parsing).
#![no_main]

#[path = "input_file.rs"]
mod input_file;

use libfuzzer_sys::fuzz_target;
use rehabdocs::profile::Profile;

fuzz_target!(|data: &[u8]| {
    let path = input_file::write_input("county.yaml", data);
    match Profile::load(path.to_str().unwrap()) {
        Ok(profile) => assert!(profile.check_statutory().is_ok()),
        Err(msg) => assert!(rehabdocs::output::has_chinese(&msg), "error without Chinese: {msg}"),
    }
});
