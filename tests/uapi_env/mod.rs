//! What the tests generating files from the system's UAPI headers (`uapi`,
//! `helper_defs`) share: the headers' package version and whether a missing
//! header must fail.

use std::process::Command;

/// The version of the package that installed the headers (`linux-libc-dev`).
pub fn package_version() -> String {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Version}", "linux-libc-dev"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "version unknown".to_string())
}

/// Whether a missing header must fail the test (`CI` set, and not `false`/`0`).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}
