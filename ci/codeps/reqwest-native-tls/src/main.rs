//! reqwest on native-tls (OpenSSL on Linux) next to the SDK (rustls).

#[path = "../../common/check.rs"]
mod check;

fn main() {
    check::run("reqwest-native-tls");
    // An https-capable client of the program's own (built, not connected).
    reqwest::Client::builder()
        .tls_backend_native()
        .https_only(true)
        .build()
        .expect("the program's own native-tls client builds");
    println!("reqwest-native-tls: own https client builds");
}
