//! One macro for the wrappers every one-method seam is implemented for: `Arc<T>`, `Box<T>`
//! and `&T` hand the call to `T`, so a transport or a store can be shared or borrowed
//! without its author writing a line for it.

/// Implements a one-method trait for each listed wrapper of `T` by calling `T`'s method.
///
/// The `async` arm is for an `#[async_trait]` method: it hands on the inner future as it
/// is, where an `#[async_trait]` wrapper would box a second future around it on every call.
macro_rules! forward {
    (impl $trait:ident { fn $method:ident(&self, $arg:ident: $arg_ty:ty) -> $out:ty } for $($wrapper:ty),+) => {
        $(impl<T: $trait + ?Sized> $trait for $wrapper {
            fn $method(&self, $arg: $arg_ty) -> $out {
                (**self).$method($arg)
            }
        })+
    };
    (impl $trait:ident { async fn $method:ident(&self, $arg:ident: $arg_ty:ty) -> $future:ident } for $($wrapper:ty),+) => {
        $(impl<T: $trait + ?Sized> $trait for $wrapper {
            fn $method<'a, 'f>(&'a self, $arg: $arg_ty) -> $future<'f>
            where
                'a: 'f,
                Self: 'f,
            {
                (**self).$method($arg)
            }
        })+
    };
}

pub(crate) use forward;
