//! `salesboard user add | token | deactivate | activate`.

use std::io::Read;

use anyhow::{Context, bail};
use clap::Subcommand;
use salesboard_app::auth::{create_api_token, set_active_by_email};
use salesboard_app::users::{NewUser, add_user, parse_role};
use salesboard_domain::Timestamp;
use salesboard_store::{AuthStore, Store};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user who can log in (or reset an existing user's password).
    Add {
        /// Login e-mail.
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// admin, manager or rep.
        #[arg(long, default_value = "rep")]
        role: String,
        /// Team (for a manager: the team they lead).
        #[arg(long)]
        team: Option<String>,
        /// User id (default: the e-mail, or the existing user's id).
        #[arg(long)]
        id: Option<String>,
        /// Read the password from standard input (first line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Set a user's password (their sessions end).
    Password {
        /// The user's login e-mail.
        #[arg(long)]
        email: String,
        /// Read the password from standard input (first line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Make an API token for a user and print it (shown this once).
    Token {
        /// The user's login e-mail.
        #[arg(long)]
        email: String,
        /// A name to recognise the token by ("laptop", "CI").
        #[arg(long)]
        label: Option<String>,
    },
    /// Stop a user from logging in; ends their sessions and revokes their API tokens.
    Deactivate {
        /// The user's login e-mail.
        #[arg(long)]
        email: String,
    },
    /// Let a deactivated user log in again.
    Activate {
        /// The user's login e-mail.
        #[arg(long)]
        email: String,
    },
}

/// The password: the first line of standard input (never an argument, which
/// other users of the machine could read).
fn read_password(password_stdin: bool) -> anyhow::Result<String> {
    if !password_stdin {
        bail!("give the password on standard input with --password-stdin");
    }
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("cannot read the password from standard input")?;
    Ok(input.lines().next().unwrap_or("").to_string())
}

pub async fn run(store: &(impl Store + AuthStore), command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Password {
            email,
            password_stdin,
        } => {
            let password = read_password(password_stdin)?;
            let id = salesboard_app::auth::set_password_by_email(store, &email, &password).await?;
            println!("password set for {id}");
            Ok(())
        }
        UserCommand::Add {
            email,
            name,
            role,
            team,
            id,
            password_stdin,
        } => {
            let role = parse_role(&role)?;
            let password = read_password(password_stdin)?;
            let id = add_user(
                store,
                NewUser {
                    email,
                    name,
                    role,
                    team,
                    id,
                },
                &password,
            )
            .await?;
            println!("user {id} can log in");
            Ok(())
        }
        UserCommand::Token { email, label } => {
            let now = Timestamp::now().unix_seconds();
            let token = create_api_token(store, &email, label.as_deref(), now).await?;
            println!("{token}");
            eprintln!("This API token is shown once and cannot be shown again: keep it secret.");
            Ok(())
        }
        UserCommand::Deactivate { email } => {
            let id = set_active_by_email(store, &email, false).await?;
            println!("user {id} is deactivated: their sessions and API tokens are revoked");
            Ok(())
        }
        UserCommand::Activate { email } => {
            let id = set_active_by_email(store, &email, true).await?;
            println!("user {id} can log in again");
            Ok(())
        }
    }
}
