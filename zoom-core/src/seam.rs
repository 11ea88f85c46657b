//! One definition for the crate's I/O seams, so that they keep one shape: the transport
//! (`Transport::send` / `BlockingTransport::send`) and the shared store
//! (`SharedStore::run` / `BlockingSharedStore::run`). Each is a pair of one-method traits,
//! async and blocking, with the async method's future named, and `Arc<T>`, `Box<T>` and
//! `&T` of an implementation implementing it too, so that an adapter writes one method.

/// Declares the async trait, the blocking trait and the async method's future type of one
/// seam, and implements both traits for `Arc<T>`, `Box<T>` and `&T`.
///
/// The wrappers hand on the inner future as it is: written with `#[async_trait]`, each
/// would box a second future around it on every call.
macro_rules! seam {
    (
        $(#[$async_meta:meta])*
        pub trait $async_trait:ident, future $future:ident;
        $(#[$blocking_meta:meta])*
        pub trait $blocking_trait:ident;
        $(#[$method_meta:meta])*
        fn $method:ident(&self, $arg:ident: $arg_ty:ty) -> $out:ty;
    ) => {
        #[doc = concat!(
            "The future [`", stringify!($async_trait), "::", stringify!($method),
            "`] returns: what `#[async_trait]` makes of its `async fn`, named for an ",
            "implementation that writes the method out by hand (to do some of the work ",
            "before the future is built, say)."
        )]
        pub type $future<'a> =
            ::std::pin::Pin<Box<dyn ::std::future::Future<Output = $out> + Send + 'a>>;

        $(#[$async_meta])*
        #[::async_trait::async_trait]
        pub trait $async_trait: Send + Sync {
            $(#[$method_meta])*
            async fn $method(&self, $arg: $arg_ty) -> $out;
        }

        $(#[$blocking_meta])*
        pub trait $blocking_trait: Send + Sync {
            $(#[$method_meta])*
            fn $method(&self, $arg: $arg_ty) -> $out;
        }

        $crate::seam::seam!(@wrap $async_trait, $blocking_trait, $method, $arg, $arg_ty, $out, $future,
            ::std::sync::Arc<T>, Box<T>, &T);
    };
    (@wrap $async_trait:ident, $blocking_trait:ident, $method:ident, $arg:ident, $arg_ty:ty,
        $out:ty, $future:ident, $($wrapper:ty),+) => {
        $(
            impl<T: $async_trait + ?Sized> $async_trait for $wrapper {
                fn $method<'a, 'f>(&'a self, $arg: $arg_ty) -> $future<'f>
                where
                    'a: 'f,
                    Self: 'f,
                {
                    (**self).$method($arg)
                }
            }

            impl<T: $blocking_trait + ?Sized> $blocking_trait for $wrapper {
                fn $method(&self, $arg: $arg_ty) -> $out {
                    (**self).$method($arg)
                }
            }
        )+
    };
}

pub(crate) use seam;
