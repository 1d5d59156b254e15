//! One window per retro. A retro open in a terminal UI is held by that process, so that
//! a second window cannot work from its own copy of the retro and overwrite the first
//! one's draft. A hold ends when its window leaves the retro, and lapses when its process
//! is gone (a crash, `kill -9`, a closed terminal) or has not renewed it for a while.

use crate::domain::{RetroId, Timestamp};
use crate::store::{Store, StoreError};

/// How often an open window renews its hold.
pub const RENEW_EVERY_SECS: u64 = 5;
/// A hold not renewed for this long has lapsed, even where retro cannot tell whether
/// its process still runs.
pub const LAPSES_AFTER_SECS: i64 = 30;

/// Takes `retro` for this process. Fails with [`StoreError::RetroOpenElsewhere`] while
/// another window holds it.
pub fn take(store: &mut Store, retro: RetroId) -> Result<(), StoreError> {
    take_as(store, retro, std::process::id(), wall_clock())
}

/// [`take`] for process `pid` at `now`.
pub fn take_as(store: &mut Store, retro: RetroId, pid: u32, now: Timestamp) -> Result<(), StoreError> {
    match store.claim_retro(retro, pid, now, |holder, seen_at| blocks(holder, seen_at, pid, now))? {
        None => Ok(()),
        Some((holder, _)) => Err(StoreError::RetroOpenElsewhere { retro: retro.0, pid: holder }),
    }
}

/// Fails like [`take`] while another window holds `retro`, without taking it.
pub fn check_free(store: &Store, retro: RetroId) -> Result<(), StoreError> {
    let (me, now) = (std::process::id(), wall_clock());
    match store.retro_holder(retro)? {
        Some((holder, seen_at)) if blocks(holder, seen_at, me, now) => {
            Err(StoreError::RetroOpenElsewhere { retro: retro.0, pid: holder })
        }
        _ => Ok(()),
    }
}

pub fn renew(store: &mut Store, retro: RetroId) -> Result<(), StoreError> {
    store.renew_retro(retro, std::process::id(), wall_clock())
}

pub fn release(store: &mut Store, retro: RetroId) -> Result<(), StoreError> {
    store.release_retro(retro, std::process::id())
}

/// Seconds since the epoch by the machine's clock: holds are about real time, even when
/// `RETRO_NOW` pins the time the metrics are read at.
fn wall_clock() -> Timestamp {
    chrono::Utc::now().timestamp()
}

/// Whether the holder `holder`, last seen at `seen_at`, keeps process `me` out: it is
/// another process, and it has neither ended nor let its hold lapse.
fn blocks(holder: u32, seen_at: Timestamp, me: u32, now: Timestamp) -> bool {
    holder != me && now - seen_at <= LAPSES_AFTER_SECS && process_alive(holder) != Some(false)
}

/// Whether process `pid` runs on this machine; `None` when that cannot be told.
#[cfg(unix)]
fn process_alive(pid: u32) -> Option<bool> {
    if std::path::Path::new("/proc/self/stat").exists() {
        // A zombie has ended too: its parent just has not reaped it yet.
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let state = stat.rsplit(')').next().map(str::trim_start).unwrap_or_default();
        return Some(!state.is_empty() && !state.starts_with('Z'));
    }
    // No /proc (macOS, the BSDs): signal 0 checks that the process exists.
    std::process::Command::new("kill")
        .args(["-0", &pid.to_string()])
        .stderr(std::process::Stdio::null())
        .status()
        .ok()
        .map(|s| s.success())
}

#[cfg(not(unix))]
fn process_alive(_pid: u32) -> Option<bool> {
    None
}
