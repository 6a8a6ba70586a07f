//! `salesboard user add`.

use std::io::Read;

use anyhow::{Context, bail};
use clap::Subcommand;
use salesboard_app::users::{NewUser, add_user, parse_role};
use salesboard_store::Store;

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
}

pub async fn run(store: &impl Store, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add {
            email,
            name,
            role,
            team,
            id,
            password_stdin,
        } => {
            let role = parse_role(&role)?;
            if !password_stdin {
                bail!("give the password on standard input with --password-stdin");
            }
            let mut input = String::new();
            std::io::stdin()
                .read_to_string(&mut input)
                .context("cannot read the password from standard input")?;
            let password = input.lines().next().unwrap_or("").to_string();
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
    }
}
