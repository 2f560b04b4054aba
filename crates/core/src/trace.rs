//! The pipeline's spans and events. With the `tracing` feature they are `tracing`'s; without
//! it they are nothing at all, and a program links none of the code that records them.

#[cfg(feature = "tracing")]
pub(crate) use tracing::Span;

/// A span that records nothing: the `tracing` feature is off.
#[cfg(not(feature = "tracing"))]
#[derive(Debug, Clone)]
pub(crate) struct Span;

#[cfg(not(feature = "tracing"))]
impl Span {
    /// Always true: nothing listens.
    pub(crate) fn is_disabled(&self) -> bool {
        true
    }

    /// Records nothing.
    pub(crate) fn record<V>(&self, _field: &str, _value: V) -> &Self {
        self
    }
}

/// Runs `future` inside `span`.
#[cfg(feature = "tracing")]
pub(crate) fn instrument<F: std::future::Future>(
    future: F,
    span: &Span,
) -> tracing::instrument::Instrumented<F> {
    tracing::Instrument::instrument(future, span.clone())
}

/// Runs `future` as it is: the `tracing` feature is off.
#[cfg(not(feature = "tracing"))]
pub(crate) fn instrument<F: std::future::Future>(future: F, _span: &Span) -> F {
    future
}

/// A span made by `tracing`'s macro `$make` (`info_span`, `debug_span`), or [`Span`] when the
/// feature is off.
macro_rules! span {
    ($make:ident, $($arg:tt)*) => {{
        #[cfg(feature = "tracing")]
        let span = tracing::$make!($($arg)*);
        #[cfg(not(feature = "tracing"))]
        let span = $crate::trace::Span;
        span
    }};
}

/// An event by `tracing`'s macro `$level` (`debug`, `warn`), or nothing when the feature is
/// off.
macro_rules! event {
    ($level:ident, $($arg:tt)*) => {
        #[cfg(feature = "tracing")]
        tracing::$level!($($arg)*);
    };
}

pub(crate) use {event, span};
