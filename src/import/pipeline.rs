//! An importer that reads its input on a second thread while the store loads what it
//! read, in one transaction: a large input takes about as long as the slower of the two,
//! and never more memory than a few batches of rows.

use crate::domain::{Change, Deployment, Incident};
use crate::store::LoadFailure;
use std::cell::RefCell;
use std::iter::Peekable;
use std::sync::mpsc;

/// One row an importer read.
pub(crate) enum Event {
    Deployment(Deployment),
    Change(Change),
    Incident(Incident),
}

/// Rows travel from the reader to the loader in batches this long.
const BATCH: usize = 4096;

type Feed<'a, E> = Peekable<Box<dyn Iterator<Item = Result<Event, E>> + 'a>>;

/// What a reader handed on, as the three streams the store's loaders take, read one
/// after the other: deployments, then changes, then incidents. A reader's error ends the
/// stream being read with that error, so the loader rolls the whole import back.
pub(crate) struct Streams<'a, E> {
    feed: RefCell<Feed<'a, E>>,
}

impl<E> Streams<'_, E> {
    /// The next row if `is` says it belongs to the stream being read, or the reader's error.
    fn next_of<T>(&self, is: fn(&Event) -> bool, take: fn(Event) -> Option<T>) -> Option<Result<T, E>> {
        let item = self.feed.borrow_mut().next_if(|row| !matches!(row, Ok(event) if !is(event)))?;
        Some(item.map(|event| take(event).expect("the kind was checked")))
    }

    pub fn deployments(&self) -> impl Iterator<Item = Result<Deployment, E>> + '_ {
        let take = |e| match e {
            Event::Deployment(d) => Some(d),
            _ => None,
        };
        std::iter::from_fn(move || self.next_of(|e| matches!(e, Event::Deployment(_)), take))
    }

    pub fn changes(&self) -> impl Iterator<Item = Result<Change, E>> + '_ {
        let take = |e| match e {
            Event::Change(c) => Some(c),
            _ => None,
        };
        std::iter::from_fn(move || self.next_of(|e| matches!(e, Event::Change(_)), take))
    }

    pub fn incidents(&self) -> impl Iterator<Item = Result<Incident, E>> + '_ {
        let take = |e| match e {
            Event::Incident(i) => Some(i),
            _ => None,
        };
        std::iter::from_fn(move || self.next_of(|e| matches!(e, Event::Incident(_)), take))
    }
}

/// Runs `read` on a second thread, handing what it emits (deployments first, then
/// changes, then incidents) to `load`. Returns what `load` and `read` returned; the
/// loader's failure, or the reader's error as `LoadFailure::Source`, when either failed.
pub(crate) fn pipelined<E: Send, R: Send, O>(
    read: impl FnOnce(&mut dyn FnMut(Event)) -> Result<R, E> + Send,
    load: impl FnOnce(&Streams<'_, E>) -> Result<O, LoadFailure<E>>,
) -> Result<(O, R), LoadFailure<E>> {
    std::thread::scope(|scope| {
        // Room for 64,000 rows, so the reader keeps going while the loader reads what it
        // needs from the store before its first insert, yet holds a few MB at most.
        let (sender, receiver) = mpsc::sync_channel::<Vec<Event>>(16);
        let reader = scope.spawn(move || {
            let mut batch = Vec::with_capacity(BATCH);
            // A send fails only when the loader has stopped on an error of its own.
            let result = read(&mut |event| {
                batch.push(event);
                if batch.len() == BATCH {
                    let _ = sender.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
                }
            });
            if !batch.is_empty() {
                let _ = sender.send(batch);
            }
            result
        });
        let done: RefCell<Option<R>> = RefCell::new(None);
        let mut reader = Some(reader);
        let rows = receiver.into_iter().flatten().map(Ok).chain(std::iter::from_fn(|| {
            // The stream ends where the reader ended: cleanly, or with its error.
            match reader.take()?.join().expect("the reader thread does not panic") {
                Ok(read) => {
                    *done.borrow_mut() = Some(read);
                    None
                }
                Err(e) => Some(Err(e)),
            }
        }));
        let streams = Streams { feed: RefCell::new((Box::new(rows) as Box<dyn Iterator<Item = _>>).peekable()) };
        let loaded = load(&streams)?;
        // A loader that stopped before a kind it does not take leaves the rest unread.
        for rest in streams.feed.into_inner() {
            rest.map_err(LoadFailure::Source)?;
        }
        let read = done.borrow_mut().take().expect("the stream was read to its end");
        Ok((loaded, read))
    })
}
