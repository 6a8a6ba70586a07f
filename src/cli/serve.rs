//! `salesboard serve`: the web server, until SIGTERM or Ctrl-C; requests in
//! flight finish first.

use std::net::SocketAddr;

use anyhow::Context;
use clap::Args;
use salesboard_app::AppStore;
use salesboard_web::{AppState, serve};

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "SALESBOARD_ADDR")]
    pub addr: SocketAddr,
}

/// Resolves on SIGTERM or SIGINT.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = interrupt => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = interrupt.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
    tracing::info!("shutting down: finishing the requests in flight");
}

/// Serves until told to stop.
pub async fn run(store: AppStore, args: ServeArgs) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let address = listener.local_addr()?;
    let state = AppState::new(store.clone());
    let (stop, stopped) = tokio::sync::watch::channel(false);
    // Ready only once the engine is built; requests are answered meanwhile
    // (healthz says 503 until then). KPI alerts are checked from then on.
    let warm = state.clone();
    let mut alerts_stopped = stop.subscribe();
    let alerts = tokio::spawn(async move {
        tokio::select! {
            result = warm.warm_up() => if let Err(error) = result {
                tracing::error!(%error, "the KPI engine could not be built");
                return;
            },
            _ = alerts_stopped.changed() => return,
        }
        warm.run_alerts(async move {
            let _ = alerts_stopped.changed().await;
        })
        .await;
    });
    let dispatcher = state.clone();
    let webhooks = tokio::spawn(async move {
        let mut stopped = stopped;
        dispatcher
            .run_webhooks(async move {
                let _ = stopped.changed().await;
            })
            .await;
    });
    eprintln!("Salesboard listening on http://{address}");
    serve(listener, state, async move {
        shutdown_signal().await;
        let _ = stop.send(true);
    })
    .await?;
    let _ = webhooks.await;
    let _ = alerts.await;
    store.close().await;
    Ok(())
}
