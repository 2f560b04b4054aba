//! Listings that page with an offset: every page of a call ([`Pages`]), or every item of
//! every page ([`Items`]), fetched one page at a time as they are read.
//!
//! A listing ends at an empty page, or when the items read reach the total the service
//! reports. It is bounded: past [`Pages::max_pages`] pages (default [`DEFAULT_MAX_PAGES`]) the
//! next read is an [`Error::InvalidInput`] on `max_pages` rather than an endless loop over a
//! listing that keeps growing or a service that ignores the offset. Each page is one call with
//! the call's own options (timeouts, retries), as the builder set them.

use std::collections::VecDeque;
use std::future::Future;

use crate::error::Error;

/// The pages a listing reads unless told otherwise.
pub const DEFAULT_MAX_PAGES: usize = 1000;

/// A call that pages with an offset: what [`Pages`] needs of an operation's builder. The
/// generated builders of paging operations implement it.
pub trait Paginated: Clone + Send + 'static {
    /// What one page's call returns.
    type Output: Send;
    /// One item of a page.
    type Item: Clone + Send;
    /// The same call, starting at item `offset`.
    fn with_offset(self, offset: u64) -> Self;
    /// Sends the call.
    fn send_page(self) -> impl Future<Output = Result<Self::Output, Error>> + Send;
    /// The items of a page.
    fn items(output: &Self::Output) -> &[Self::Item];
    /// The total the service reports, when it reports one.
    fn total(output: &Self::Output) -> Option<u64>;
}

/// The pages of a listing, read one call at a time with [`Pages::next`].
#[derive(Debug)]
#[must_use = "nothing is sent until .next() is awaited"]
pub struct Pages<C> {
    call: C,
    offset: u64,
    read: usize,
    max_pages: usize,
    done: bool,
}

impl<C: Paginated> Pages<C> {
    /// The pages of `call`, from the offset `start` (0, or the one the caller set).
    pub fn new(call: C, start: u64) -> Self {
        Pages {
            call,
            offset: start,
            read: 0,
            max_pages: DEFAULT_MAX_PAGES,
            done: false,
        }
    }

    /// Reads at most `max` pages; one more read is an error naming `max_pages`.
    pub fn max_pages(mut self, max: usize) -> Self {
        self.max_pages = max;
        self
    }

    /// The next page: `None` after the last one, or after an error.
    pub async fn next(&mut self) -> Option<Result<C::Output, Error>> {
        if self.done {
            return None;
        }
        if self.read >= self.max_pages {
            self.done = true;
            return Some(Err(Error::invalid_input(
                "max_pages",
                format!(
                    "the listing has more than {} pages; raise max_pages to read further",
                    self.max_pages
                ),
            )));
        }
        self.read += 1;
        let page = self.call.clone().with_offset(self.offset).send_page().await;
        match &page {
            Ok(out) => {
                let n = C::items(out).len() as u64;
                self.offset = self.offset.saturating_add(n);
                self.done = n == 0 || C::total(out).is_some_and(|t| self.offset >= t);
            }
            Err(_) => self.done = true,
        }
        Some(page)
    }

    /// Every item of every page that is left, stopping at the first error.
    pub fn items(self) -> Items<C> {
        Items {
            pages: self,
            buffer: VecDeque::new(),
        }
    }

    /// Reads every page that is left.
    pub async fn try_collect(mut self) -> Result<Vec<C::Output>, Error> {
        let mut out = Vec::new();
        while let Some(page) = self.next().await {
            out.push(page?);
        }
        Ok(out)
    }
}

/// The items of a listing's pages, read with [`Items::next`]; a page is fetched when the items
/// read so far run out.
#[derive(Debug)]
#[must_use = "nothing is sent until .next() is awaited"]
pub struct Items<C: Paginated> {
    pages: Pages<C>,
    buffer: VecDeque<C::Item>,
}

impl<C: Paginated> Items<C> {
    /// The next item: `None` after the last one, or after an error.
    pub async fn next(&mut self) -> Option<Result<C::Item, Error>> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Some(Ok(item));
            }
            match self.pages.next().await? {
                Ok(page) => self.buffer.extend(C::items(&page).iter().cloned()),
                Err(e) => return Some(Err(e)),
            }
        }
    }

    /// Reads every item that is left.
    pub async fn try_collect(mut self) -> Result<Vec<C::Item>, Error> {
        let mut out = Vec::new();
        while let Some(item) = self.next().await {
            out.push(item?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// A listing of `total` numbers served `per_page` at a time; `report` says whether pages
    /// carry the total.
    #[derive(Clone, Debug)]
    struct Listing {
        total: u64,
        per_page: u64,
        report: bool,
        offset: u64,
        calls: Arc<AtomicUsize>,
        fail_at: Option<u64>,
    }

    impl Listing {
        fn new(total: u64, per_page: u64, report: bool) -> Self {
            Listing {
                total,
                per_page,
                report,
                offset: 0,
                calls: Arc::new(AtomicUsize::new(0)),
                fail_at: None,
            }
        }
    }

    impl Paginated for Listing {
        type Output = (Vec<u64>, Option<u64>);
        type Item = u64;
        fn with_offset(mut self, offset: u64) -> Self {
            self.offset = offset;
            self
        }
        async fn send_page(self) -> Result<Self::Output, Error> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            if self.fail_at == Some(self.offset) {
                return Err(Error::invalid_input("offset", "refused"));
            }
            let end = (self.offset + self.per_page).min(self.total);
            let items = (self.offset..end).collect();
            Ok((items, self.report.then_some(self.total)))
        }
        fn items(output: &Self::Output) -> &[u64] {
            &output.0
        }
        fn total(output: &Self::Output) -> Option<u64> {
            output.1
        }
    }

    #[tokio::test]
    async fn items_stop_at_the_total_without_an_extra_call() {
        let l = Listing::new(7, 3, true);
        let calls = l.calls.clone();
        let items = Pages::new(l, 0).items().try_collect().await.unwrap();
        assert_eq!(items, (0..7).collect::<Vec<_>>());
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn without_a_total_an_empty_page_ends_the_listing() {
        let l = Listing::new(6, 3, false);
        let calls = l.calls.clone();
        let pages = Pages::new(l, 0).try_collect().await.unwrap();
        assert_eq!(pages.len(), 3);
        assert!(pages[2].0.is_empty());
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_listing_past_its_bound_is_an_error_naming_max_pages() {
        let l = Listing::new(100, 1, false);
        let e = Pages::new(l, 0)
            .max_pages(5)
            .try_collect()
            .await
            .unwrap_err();
        assert_eq!(e.invalid_field(), Some("max_pages"));
    }

    #[tokio::test]
    async fn an_error_ends_the_listing_after_the_items_before_it() {
        let mut l = Listing::new(10, 4, true);
        l.fail_at = Some(4);
        let mut items = Pages::new(l, 0).items();
        for want in 0..4 {
            assert_eq!(items.next().await.unwrap().unwrap(), want);
        }
        assert!(items.next().await.unwrap().is_err());
        assert!(items.next().await.is_none());
    }

    #[tokio::test]
    async fn a_listing_starts_at_the_offset_given() {
        let l = Listing::new(5, 2, true);
        let items = Pages::new(l, 3).items().try_collect().await.unwrap();
        assert_eq!(items, [3, 4]);
    }
}
