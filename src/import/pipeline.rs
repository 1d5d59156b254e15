//! Every importer reads its input on a second thread while the store loads what it read,
//! in one transaction: a large input takes about as long as the slower of the two, and
//! never more memory than a few batches of rows.

use crate::domain::{Change, Deployment, Incident};
use crate::store::LoadFailure;
use std::borrow::Borrow;
use std::cell::RefCell;
use std::iter::Peekable;
use std::marker::PhantomData;
use std::sync::mpsc;

/// One row an importer read.
pub(crate) enum Event {
    Deployment(Deployment),
    Change(Change),
    Incident(Incident),
}

/// The row types an [`Event`] carries.
pub(crate) trait Carried: Sized {
    fn is(event: &Event) -> bool {
        Self::of(event).is_some()
    }
    fn of(event: &Event) -> Option<&Self>;
}

impl Carried for Deployment {
    fn of(event: &Event) -> Option<&Self> {
        match event {
            Event::Deployment(d) => Some(d),
            _ => None,
        }
    }
}

impl Carried for Change {
    fn of(event: &Event) -> Option<&Self> {
        match event {
            Event::Change(c) => Some(c),
            _ => None,
        }
    }
}

impl Carried for Incident {
    fn of(event: &Event) -> Option<&Self> {
        match event {
            Event::Incident(i) => Some(i),
            _ => None,
        }
    }
}

/// Rows travel from the reader to the loader in batches this long.
const BATCH: usize = 4096;

/// A row as the loader sees it. Dropped, it goes into the bin, and full bins go back to
/// the reader's thread to be freed there: freeing a row's strings was about a twentieth
/// of the loader's time, and the loader is the slower thread.
pub(crate) struct Row<'a, T> {
    event: Option<Event>,
    bin: &'a RefCell<Bin>,
    kind: PhantomData<T>,
}

impl<T: Carried> Borrow<T> for Row<'_, T> {
    fn borrow(&self) -> &T {
        let event = self.event.as_ref().expect("a row is taken only when it is dropped");
        T::of(event).expect("the stream checked the row's kind")
    }
}

impl<T> Drop for Row<'_, T> {
    fn drop(&mut self) {
        if let Some(event) = self.event.take() {
            self.bin.borrow_mut().put(event);
        }
    }
}

/// Rows the loader is done with, on their way back to the reader's thread.
pub(crate) struct Bin {
    rows: Vec<Event>,
    back: mpsc::SyncSender<Vec<Event>>,
}

impl Bin {
    fn put(&mut self, event: Event) {
        self.rows.push(event);
        if self.rows.len() == BATCH {
            // When the reader has ended (or is behind on freeing), the rows are freed here.
            let _ = self.back.try_send(std::mem::take(&mut self.rows));
        }
    }
}

type Feed<'a, E> = Peekable<Box<dyn Iterator<Item = Result<Event, E>> + 'a>>;

/// What a reader handed on, as the three streams the store's loaders take, read one
/// after the other: deployments, then changes, then incidents. A reader's error ends the
/// stream being read with that error, so the loader rolls the whole import back.
pub(crate) struct Streams<'a, E> {
    feed: RefCell<Feed<'a, E>>,
    bin: RefCell<Bin>,
}

impl<E> Streams<'_, E> {
    /// The next row if it belongs to the stream of `T`, or the reader's error.
    fn next_of<T: Carried>(&self) -> Option<Result<Row<'_, T>, E>> {
        let item = self.feed.borrow_mut().next_if(|row| !matches!(row, Ok(event) if !T::is(event)))?;
        Some(item.map(|event| Row { event: Some(event), bin: &self.bin, kind: PhantomData }))
    }

    pub fn deployments(&self) -> impl Iterator<Item = Result<Row<'_, Deployment>, E>> + '_ {
        std::iter::from_fn(move || self.next_of())
    }

    pub fn changes(&self) -> impl Iterator<Item = Result<Row<'_, Change>, E>> + '_ {
        std::iter::from_fn(move || self.next_of())
    }

    pub fn incidents(&self) -> impl Iterator<Item = Result<Row<'_, Incident>, E>> + '_ {
        std::iter::from_fn(move || self.next_of())
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
        let (back, freed) = mpsc::sync_channel::<Vec<Event>>(4);
        let reader = scope.spawn(move || {
            let mut batch = Vec::with_capacity(BATCH);
            // A send fails only when the loader has stopped on an error of its own.
            let result = read(&mut |event| {
                batch.push(event);
                if batch.len() == BATCH {
                    let _ = sender.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
                    while let Ok(used) = freed.try_recv() {
                        drop(used);
                    }
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
        let streams = Streams {
            feed: RefCell::new((Box::new(rows) as Box<dyn Iterator<Item = _>>).peekable()),
            bin: RefCell::new(Bin { rows: Vec::new(), back }),
        };
        let loaded = load(&streams)?;
        // A loader that stopped before a kind it does not take leaves the rest unread.
        for rest in streams.feed.into_inner() {
            rest.map_err(LoadFailure::Source)?;
        }
        let read = done.borrow_mut().take().expect("the stream was read to its end");
        Ok((loaded, read))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{DeployKind, DeployStatus};

    fn deployment(i: usize) -> Deployment {
        Deployment {
            external_id: format!("d{i}"),
            deployed_at: i as i64,
            environment: "production".into(),
            service: None,
            status: DeployStatus::Success,
            kind: DeployKind::Planned,
        }
    }

    #[test]
    fn rows_past_several_batches_arrive_in_order_and_the_readers_value_is_returned() {
        // More rows than a batch and a bin, so rows go back to the reader to be freed.
        let rows = 3 * BATCH + 5;
        let (seen, read) = pipelined(
            |emit| {
                (0..rows).for_each(|i| emit(Event::Deployment(deployment(i))));
                Ok::<_, String>("header")
            },
            |s| {
                let mut seen = Vec::new();
                for d in s.deployments() {
                    let d = d.map_err(LoadFailure::Source)?;
                    seen.push(Borrow::<Deployment>::borrow(&d).deployed_at);
                }
                Ok(seen)
            },
        )
        .unwrap();
        assert_eq!(seen, (0..rows as i64).collect::<Vec<_>>());
        assert_eq!(read, "header");
    }

    #[test]
    fn a_readers_error_ends_the_stream_and_a_kind_the_loader_skips_is_still_checked() {
        let failed = pipelined(
            |emit| {
                emit(Event::Deployment(deployment(1)));
                Err::<(), _>("line 3: bad".to_owned())
            },
            |s| {
                for d in s.deployments() {
                    d.map_err(LoadFailure::Source)?;
                }
                Ok(())
            },
        );
        assert!(matches!(failed, Err(LoadFailure::Source(e)) if e == "line 3: bad"));
        // A loader of incidents only: the deployments it leaves unread are drained, and the
        // reader's error after them still fails the load.
        let skipped = pipelined(
            |emit| {
                emit(Event::Deployment(deployment(1)));
                Err::<(), _>("late".to_owned())
            },
            |s| Ok(s.incidents().count()),
        );
        assert!(matches!(skipped, Err(LoadFailure::Source(e)) if e == "late"));
    }
}
