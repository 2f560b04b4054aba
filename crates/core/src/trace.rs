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

/// A span at `info` (`tracing::info_span!`), or [`Span`] when the feature is off.
macro_rules! info_span {
    ($($arg:tt)*) => {{
        #[cfg(feature = "tracing")]
        let span = tracing::info_span!($($arg)*);
        #[cfg(not(feature = "tracing"))]
        let span = $crate::trace::Span;
        span
    }};
}

/// A span at `debug` (`tracing::debug_span!`), or [`Span`] when the feature is off.
macro_rules! debug_span {
    ($($arg:tt)*) => {{
        #[cfg(feature = "tracing")]
        let span = tracing::debug_span!($($arg)*);
        #[cfg(not(feature = "tracing"))]
        let span = $crate::trace::Span;
        span
    }};
}

/// An event at `debug` (`tracing::debug!`), or nothing when the feature is off.
macro_rules! debug_event {
    ($($arg:tt)*) => {
        #[cfg(feature = "tracing")]
        tracing::debug!($($arg)*);
    };
}

/// An event at `warn` (`tracing::warn!`), or nothing when the feature is off.
macro_rules! warn_event {
    ($($arg:tt)*) => {
        #[cfg(feature = "tracing")]
        tracing::warn!($($arg)*);
    };
}

pub(crate) use {debug_event, debug_span, info_span, warn_event};
