//! A counting relay between a client and PostgreSQL: it forwards every byte both ways and
//! counts the SQL the client sends, so the statements of `migrate check` and of `alembic
//! check` are counted the same way, outside both tools. A statement is a simple query
//! (`Q`, one per round trip however many statements its text holds) or the execution of a
//! prepared one (`E`). Clients must connect with `sslmode=disable`: the relay reads the
//! protocol in clear.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::OwnedReadHalf;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::{TcpListener, TcpStream};

/// The code of the request a client sends to ask for TLS before its startup message.
const SSL_REQUEST: u32 = 80_877_103;

pub struct Relay {
    port: u16,
    statements: Arc<AtomicUsize>,
}

impl Relay {
    /// Listens on a free local port and relays each connection to `upstream` (host:port).
    pub async fn start(upstream: String) -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let statements = Arc::new(AtomicUsize::new(0));
        let counted = statements.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (upstream, counted) = (upstream.clone(), counted.clone());
                tokio::spawn(async move {
                    if let Err(e) = relay(client, &upstream, &counted).await {
                        eprintln!("  relay: {e:#}");
                    }
                });
            }
        });
        Ok(Self { port, statements })
    }

    /// `url` (a `postgres://` URL of the relayed server) pointed at the relay instead.
    pub fn url(&self, url: &str) -> Result<String> {
        let (scheme, rest) = url.split_once("://").context("a URL with a scheme")?;
        let (user, rest) = rest.split_once('@').context("a URL with a user")?;
        let path = rest.find('/').map_or("", |at| &rest[at..]);
        let sep = if path.contains('?') { '&' } else { '?' };
        Ok(format!(
            "{scheme}://{user}@127.0.0.1:{}{path}{sep}sslmode=disable",
            self.port
        ))
    }

    /// The statements counted since the last call.
    pub fn take(&self) -> usize {
        self.statements.swap(0, Ordering::SeqCst)
    }
}

/// `host:port` of a `postgres://user@host:port/...` URL.
pub fn address(url: &str) -> Result<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    let host = rest.split(['/', '?']).next().unwrap_or(rest);
    if host.is_empty() {
        bail!("no host in {url}");
    }
    Ok(if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:5432")
    })
}

async fn relay(client: TcpStream, upstream: &str, statements: &AtomicUsize) -> Result<()> {
    let server = TcpStream::connect(upstream).await?;
    let (client_in, client_out) = client.into_split();
    let (mut server_in, mut server_out) = server.into_split();
    let back = tokio::spawn(async move {
        let mut client_out = client_out;
        tokio::io::copy(&mut server_in, &mut client_out).await
    });
    forward(client_in, &mut server_out, statements).await?;
    back.abort();
    Ok(())
}

/// Copies the client's messages to the server, counting the statements among them.
async fn forward(
    mut from: OwnedReadHalf,
    to: &mut OwnedWriteHalf,
    statements: &AtomicUsize,
) -> Result<()> {
    // The startup message has no type byte; a TLS request would come before it.
    let length = from.read_u32().await? as usize;
    let mut body = vec![0; length.saturating_sub(4)];
    from.read_exact(&mut body).await?;
    let code = body
        .get(..4)
        .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]));
    if code == Some(SSL_REQUEST) {
        bail!("the client asked for TLS: connect through the relay with sslmode=disable");
    }
    to.write_u32(length as u32).await?;
    to.write_all(&body).await?;
    loop {
        let kind = match from.read_u8().await {
            Ok(kind) => kind,
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        let length = from.read_u32().await? as usize;
        let mut body = vec![0; length.saturating_sub(4)];
        from.read_exact(&mut body).await?;
        if kind == b'Q' || kind == b'E' {
            statements.fetch_add(1, Ordering::SeqCst);
        }
        to.write_u8(kind).await?;
        to.write_u32(length as u32).await?;
        to.write_all(&body).await?;
        if kind == b'X' {
            return Ok(());
        }
    }
}
