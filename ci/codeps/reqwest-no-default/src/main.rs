//! reqwest without default features (no TLS at all: plain HTTP, JSON) next to the SDK. Before
//! the fix, the SDK's `rustls-no-provider` reached this program's reqwest through feature
//! unification and its own `Client::builder().build()` panicked for want of a crypto provider.

#[path = "../../common/check.rs"]
mod check;

fn main() {
    check::run("reqwest-no-default");
}
