//! The default transport's TLS, in a test binary of its own: a fresh process in which nothing
//! has installed a process-wide rustls crypto provider, as in a program that never thinks
//! about one. The transport must then use reqwest's own (aws-lc-rs) without installing it,
//! verify certificates against the system's roots and offer reqwest's ALPN list; a provider
//! the program did install is used instead.
//!
//! The server is a loopback rustls server with the certificate in `tests/tls/` (for
//! 127.0.0.1 and localhost, signed by the test CA `tests/tls/ca.pem`, which no system
//! trusts). Made once with:
//!
//! ```text
//! openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key \
//!   -out ca.pem -days 36500 -subj "/CN=zoom-transport-reqwest test CA (loopback tests only)" \
//!   -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
//! openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key \
//!   -out server.csr -subj "/CN=127.0.0.1"
//! openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -out server.pem -days 36500 \
//!   -extfile <(printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n')
//! ```
// Only where the transport uses rustls (with `native-tls` too, reqwest uses native-tls).
#![cfg(all(feature = "rustls", not(feature = "native-tls")))]

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use rustls::NamedGroup;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use zoom_core::http::{Request, StatusCode};
use zoom_core::{Transport, TransportError, TransportErrorKind};
use zoom_transport_reqwest::ReqwestTransport;

const CA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tls/ca.pem");
const CERT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tls/server.pem");
const KEY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tls/server.key");
/// Set in the child process of [`a_certificate_the_system_trusts_is_accepted`].
const CHILD: &str = "ZOOM_TRANSPORT_REQWEST_TLS_TEST_CHILD";
/// How long the server waits for a read; the tests never get near it.
const PATIENCE: Duration = Duration::from_secs(20);

/// What the server saw of one connection.
#[derive(Debug)]
struct Seen {
    /// The ALPN protocols the client offered, in its order.
    offered_alpn: Vec<Vec<u8>>,
    /// The key exchange groups the client offered: they tell its crypto provider.
    offered_groups: Vec<NamedGroup>,
    /// How the handshake and the exchange ended on the server's side.
    outcome: io::Result<()>,
}

/// A TLS server on 127.0.0.1 that takes one connection, and its `https://` URL. It speaks
/// HTTP/1.1 only (ALPN `http/1.1`) and answers one request with `200 ok`.
fn serve_one_connection() -> (String, JoinHandle<io::Result<Seen>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}/", listener.local_addr().unwrap());
    let handle = thread::spawn(move || {
        let (mut tcp, _) = listener.accept()?;
        tcp.set_read_timeout(Some(PATIENCE))?;
        let mut acceptor = rustls::server::Acceptor::default();
        let accepted = loop {
            if acceptor.read_tls(&mut tcp)? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            if let Some(accepted) = acceptor.accept().map_err(|(e, _)| io::Error::other(e))? {
                break accepted;
            }
        };
        let offered_alpn = accepted
            .client_hello()
            .alpn()
            .map(|list| list.map(<[u8]>::to_vec).collect())
            .unwrap_or_default();
        let offered_groups = accepted
            .client_hello()
            .named_groups()
            .map(<[NamedGroup]>::to_vec)
            .unwrap_or_default();
        let connection = accepted
            .into_connection(server_config())
            .map_err(|(e, _)| io::Error::other(e))?;
        let outcome = answer(connection, &mut tcp);
        Ok(Seen {
            offered_alpn,
            offered_groups,
            outcome,
        })
    });
    (url, handle)
}

/// Completes the handshake, reads one request head and answers it.
fn answer(mut connection: rustls::ServerConnection, tcp: &mut TcpStream) -> io::Result<()> {
    let mut tls = rustls::Stream::new(&mut connection, tcp);
    let mut head = Vec::new();
    let mut byte = [0; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if tls.read(&mut byte)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        head.push(byte[0]);
    }
    tls.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")?;
    tls.flush()?;
    tls.conn.send_close_notify();
    tls.flush()
}

fn server_config() -> Arc<rustls::ServerConfig> {
    let certs = CertificateDer::pem_file_iter(CERT)
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(KEY).unwrap();
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .unwrap();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Arc::new(config)
}

/// Sends a GET to `url` with the default transport, on a runtime of its own.
fn get(transport: &ReqwestTransport, url: &str) -> Result<zoom_core::HttpResponse, TransportError> {
    let request = Request::get(url).body(Vec::new()).unwrap();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(transport.send(request))
}

/// The rustls error somewhere under `error`. (An `io::Error`'s `source` skips the error it
/// wraps, so the walk goes into that one instead.)
fn rustls_error<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if let Some(found) = error.downcast_ref::<rustls::Error>() {
            return Some(found);
        }
        cause = match error.downcast_ref::<io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => error.source(),
        };
    }
    None
}

fn offered_by_reqwest() -> Vec<Vec<u8>> {
    vec![b"h2".to_vec(), b"http/1.1".to_vec()]
}

/// Whether the client that offered `groups` was on aws-lc-rs: rustls offers the hybrid
/// post-quantum X25519MLKEM768 group first with aws-lc-rs, and ring has no ML-KEM.
fn on_aws_lc_rs(groups: &[NamedGroup]) -> bool {
    groups.contains(&NamedGroup::X25519MLKEM768)
}

#[test]
fn a_certificate_no_system_root_signed_is_refused_as_a_connect_error() {
    assert!(
        CryptoProvider::get_default().is_none(),
        "this test binary must start without a process-wide crypto provider"
    );
    // Neither `new` nor `Default` panics without one.
    let _ = ReqwestTransport::default();
    let transport = ReqwestTransport::new().expect("the default transport");
    assert!(
        CryptoProvider::get_default().is_none(),
        "the transport installed a process-wide crypto provider"
    );

    let (url, server) = serve_one_connection();
    let error = get(&transport, &url).expect_err("an untrusted certificate is refused");
    assert_eq!(error.kind(), TransportErrorKind::Connect, "{error:?}");
    assert_eq!(
        rustls_error(&error),
        Some(&rustls::Error::InvalidCertificate(
            rustls::CertificateError::UnknownIssuer
        )),
        "{error:?}"
    );
    // The handshake ran: the client offered reqwest's ALPN list and told the server why it
    // hung up.
    let seen = server.join().unwrap().expect("a TLS ClientHello");
    assert_eq!(seen.offered_alpn, offered_by_reqwest());
    assert!(on_aws_lc_rs(&seen.offered_groups), "{seen:?}");
    let refused = seen.outcome.expect_err("the client refuses the handshake");
    assert_eq!(
        rustls_error(&refused),
        Some(&rustls::Error::AlertReceived(
            rustls::AlertDescription::UnknownCA
        )),
        "{refused:?}"
    );
}

/// Whether this process is the child that [`in_a_child`] started; if not, runs `test` (this
/// binary's test of that name) in a child process whose only root certificates are the
/// ones in `cert_file`, and checks that it passed. The platform verifier reads
/// `SSL_CERT_FILE` on Linux and the BSDs; a test cannot set the environment of its own
/// running process safely, hence the child.
#[cfg(all(unix, not(target_vendor = "apple"), not(target_os = "android")))]
fn in_a_child(test: &str, cert_file: &str) -> bool {
    if std::env::var_os(CHILD).is_some() {
        return true;
    }
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .env("SSL_CERT_FILE", cert_file)
        .env_remove("SSL_CERT_DIR")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The child ran the test rather than filtering it out.
    assert!(stdout.contains("1 passed"), "{stdout}");
    false
}

/// The same transport, on a system that trusts the test CA, completes the call.
#[test]
#[cfg(all(unix, not(target_vendor = "apple"), not(target_os = "android")))]
fn a_certificate_the_system_trusts_is_accepted() {
    if !in_a_child("a_certificate_the_system_trusts_is_accepted", CA) {
        return;
    }
    assert!(CryptoProvider::get_default().is_none());
    let transport = ReqwestTransport::new().expect("the default transport");
    let (url, server) = serve_one_connection();
    let response = get(&transport, &url).expect("a trusted certificate is accepted");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.body(), b"ok");
    let seen = server.join().unwrap().expect("a TLS ClientHello");
    assert_eq!(seen.offered_alpn, offered_by_reqwest());
    assert!(on_aws_lc_rs(&seen.offered_groups), "{seen:?}");
    seen.outcome.expect("the exchange completes");
    assert!(CryptoProvider::get_default().is_none());
}

/// A provider the program installed as the process default (ring here) is the one the
/// transport uses, and the call completes on it.
#[test]
#[cfg(all(unix, not(target_vendor = "apple"), not(target_os = "android")))]
fn the_provider_the_program_installed_is_used() {
    if !in_a_child("the_provider_the_program_installed_is_used", CA) {
        return;
    }
    rustls::crypto::ring::default_provider()
        .install_default()
        .expect("no provider installed yet");
    let transport = ReqwestTransport::new().expect("the default transport");
    let (url, server) = serve_one_connection();
    let response = get(&transport, &url).expect("a trusted certificate is accepted");
    assert_eq!(response.status(), StatusCode::OK);
    let seen = server.join().unwrap().expect("a TLS ClientHello");
    assert!(!seen.offered_groups.is_empty(), "{seen:?}");
    assert!(!on_aws_lc_rs(&seen.offered_groups), "{seen:?}");
    seen.outcome.expect("the exchange completes");
}

/// On a system without a single root certificate, TLS cannot be set up: `new` and `build`
/// say so as an error of kind `Other`, and only `Default` panics, as documented.
#[test]
#[cfg(all(unix, not(target_vendor = "apple"), not(target_os = "android")))]
fn no_root_certificates_is_an_error_from_new_and_build() {
    if !in_a_child(
        "no_root_certificates_is_an_error_from_new_and_build",
        "/dev/null",
    ) {
        return;
    }
    let error = ReqwestTransport::new().expect_err("no roots to verify against");
    assert_eq!(error.kind(), TransportErrorKind::Other, "{error:?}");
    let error = ReqwestTransport::builder()
        .build()
        .expect_err("no roots to verify against");
    assert_eq!(error.kind(), TransportErrorKind::Other, "{error:?}");
    assert!(std::panic::catch_unwind(ReqwestTransport::default).is_err());
}
