//! Fetches the browser code the binary embeds (Apache ECharts, pinned by
//! `assets/package-lock.json`) with `npm ci` when it is missing or is not the
//! locked version. Nothing is downloaded at run time.

use std::path::Path;
use std::process::Command;

const ECHARTS: &str = "assets/node_modules/echarts/dist/echarts.min.js";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=assets/package.json");
    println!("cargo:rerun-if-changed=assets/package-lock.json");
    println!("cargo:rerun-if-changed={ECHARTS}");
    println!("cargo:rerun-if-changed=assets/node_modules/echarts/package.json");
    if let Err(message) = ensure_echarts() {
        eprintln!("\nerror: {message}\n");
        std::process::exit(1);
    }
}

fn version_in(path: &Path, pointer: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json.pointer(pointer)?.as_str().map(str::to_string)
}

fn ensure_echarts() -> Result<(), String> {
    let locked = version_in(
        Path::new("assets/package-lock.json"),
        "/packages/node_modules~1echarts/version",
    )
    .ok_or("assets/package-lock.json does not pin echarts")?;
    let installed = version_in(
        Path::new("assets/node_modules/echarts/package.json"),
        "/version",
    );
    if Path::new(ECHARTS).is_file() && installed.as_deref() == Some(locked.as_str()) {
        return Ok(());
    }
    println!(
        "cargo:warning=fetching echarts {locked} with `npm ci` in crates/salesboard_web/assets (once)"
    );
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
        .current_dir("assets")
        .status()
        .map_err(|e| {
            format!(
                "salesboard_web embeds Apache ECharts {locked}, fetched with npm, and npm could not be run ({e}).\n\
                 Install Node.js and npm (Debian/Ubuntu: `apt-get install npm`; others: https://nodejs.org),\n\
                 or run `npm ci` in crates/salesboard_web/assets yourself, then build again."
            )
        })?;
    if !status.success() {
        return Err(format!(
            "`npm ci` in crates/salesboard_web/assets failed ({status}); it needs the npm registry once \
             (or a mirror: `npm config set registry URL`). Run it by hand to see why, then build again."
        ));
    }
    if !Path::new(ECHARTS).is_file() {
        return Err(format!("`npm ci` ran but {ECHARTS} is missing"));
    }
    Ok(())
}
