//! reqwest with its default features (rustls on aws-lc-rs, platform verifier) next to the SDK.

#[path = "../../common/check.rs"]
mod check;

fn main() {
    check::run("reqwest-default");
    // An https-capable client of the program's own (built, not connected).
    reqwest::Client::builder()
        .tls_backend_rustls()
        .https_only(true)
        .build()
        .expect("the program's own rustls client builds");
    println!("reqwest-default: own https client builds");
}
