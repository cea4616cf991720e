//! Rule profiles: every threshold of the programme's rules as a setting with its basis text.
//!
//! Owned by the rules work (issue 3). Bundled profiles live in `forms/profiles/*.yaml` and are
//! embedded in the binary; a county's own YAML file may `extends:` one of them.

/// A resolved profile (after `extends:`).
#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
}

impl Profile {
    /// The default profile (`standard`).
    pub fn standard() -> Profile {
        Profile {
            name: "standard".into(),
        }
    }

    /// A bundled profile by name, or a YAML file by path.
    pub fn load(name_or_file: &str) -> Result<Profile, String> {
        if name_or_file == "standard" {
            Ok(Profile::standard())
        } else {
            Err(format!("未知的配置: {name_or_file}"))
        }
    }
}
