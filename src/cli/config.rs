//! `salesboard config …` and `settings …`, and the layered configuration:
//! defaults, then `salesboard.toml`, then `SALESBOARD_*` variables, then flags.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Subcommand;
use salesboard_app::settings;
use salesboard_store::Store;

/// The commented example configuration, compiled in.
const EXAMPLE: &str = include_str!("../../salesboard.example.toml");

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print a commented example salesboard.toml.
    Example,
}

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// List every setting with its value.
    List,
    /// Change a setting.
    Set {
        /// timezone, currency or customer_lifespan_years.
        key: String,
        /// The new value.
        value: String,
    },
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    #[serde(default)]
    #[expect(dead_code, reason = "read by `serve`, which a later release adds")]
    server: Option<toml::Table>,
}

fn read_config(path: &Path) -> anyhow::Result<FileConfig> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    toml::from_str(&text)
        .with_context(|| format!("{} is not a valid configuration", path.display()))
}

/// The database URL: the flag (or `SALESBOARD_DATABASE_URL`), else the
/// configuration file's `database_url`, else `salesboard.db` here.
pub fn database_url(flag: &Option<String>, config: &Option<PathBuf>) -> anyhow::Result<String> {
    if let Some(url) = flag {
        return Ok(url.clone());
    }
    let file = match config {
        Some(path) => Some(read_config(path)?),
        None if Path::new("salesboard.toml").exists() => {
            Some(read_config(Path::new("salesboard.toml"))?)
        }
        None => None,
    };
    Ok(file
        .and_then(|f| f.database_url)
        .unwrap_or_else(|| "salesboard.db".to_string()))
}

/// A URL with any password replaced by `***`, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

pub fn run(command: ConfigCommand) -> anyhow::Result<()> {
    match command {
        ConfigCommand::Example => {
            print!("{EXAMPLE}");
            Ok(())
        }
    }
}

pub async fn run_settings(store: &impl Store, command: SettingsCommand) -> anyhow::Result<()> {
    match command {
        SettingsCommand::List => {
            for (key, meaning) in settings::SETTINGS {
                let value = store.setting(key).await?.unwrap_or_default();
                println!("{key:<24} {value:<16} {meaning}");
            }
            Ok(())
        }
        SettingsCommand::Set { key, value } => {
            if let Err(error) = settings::set(store, &key, &value).await {
                bail!(error);
            }
            println!("{key} = {value}");
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_urls_are_redacted() {
        assert_eq!(
            redact("postgres://sb:secret@db:5432/sb"),
            "postgres://sb:***@db:5432/sb"
        );
        assert_eq!(
            redact("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
        assert_eq!(redact("salesboard.db"), "salesboard.db");
    }

    #[test]
    fn the_example_configuration_parses() {
        let parsed: Result<FileConfig, _> = toml::from_str(EXAMPLE);
        assert!(parsed.is_ok(), "{parsed:?}");
    }
}
