//! The terminal is restored when the app panics: the hook the app installs runs the
//! restore function before the panic is reported. (Its own binary: panic hooks are
//! process-wide.)

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[test]
fn panic_hook_runs_restore_then_the_previous_hook() {
    let restored = Arc::new(AtomicUsize::new(0));
    let previous_ran_after_restore = Arc::new(AtomicUsize::new(0));
    {
        let restored = Arc::clone(&restored);
        let seen = Arc::clone(&previous_ran_after_restore);
        // Stands in for the default hook that prints the message.
        std::panic::set_hook(Box::new(move |_| {
            seen.store(restored.load(Ordering::SeqCst), Ordering::SeqCst);
        }));
    }
    let counter = Arc::clone(&restored);
    retro::tui::terminal::chain_panic_hook(move || {
        counter.fetch_add(1, Ordering::SeqCst);
    });

    let result = std::panic::catch_unwind(|| panic!("boom"));

    assert!(result.is_err());
    assert_eq!(restored.load(Ordering::SeqCst), 1, "restore ran once");
    assert_eq!(previous_ran_after_restore.load(Ordering::SeqCst), 1, "the message is printed after restoring");
    let _ = std::panic::take_hook();
}
