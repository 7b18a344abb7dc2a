//! The warm-up: after every load a background thread renders what
//! visitors ask for first ([`super::cache::Listing::warm_order`]): the
//! overview, the town pages, the search index, then the communities in the
//! overview's order up to what the cache keeps.
//!
//! It stays below the requests: it takes one part at a time, and only once
//! no request has been answered for [`QUIET`] (a page's style sheet and
//! script follow it within milliseconds); on Linux the thread also runs at
//! the lowest CPU priority, so a request that arrives while a part is being
//! rendered gets the processor first. A request never waits for the warm-up:
//! it renders what it needs itself. An edit starts the warm-up over, and what
//! is still cached is skipped, so only what the edit made stale is rendered
//! again.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use super::Shared;
use super::cache::{self, RENDERED_COMMUNITIES};
use super::respond::lock;
use crate::site::Part;

/// How long no request must have been answered before the next part.
const QUIET: Duration = Duration::from_millis(30);

pub(super) struct Warm {
    state: Mutex<State>,
    wake: Condvar,
    /// Parts the warm-up rendered since the server started.
    pub warmed: AtomicU64,
}

#[derive(Default)]
struct State {
    /// Good loads so far; the warm-up works for the latest.
    kicks: u64,
    /// The warm-up has parts left for the latest load.
    busy: bool,
    stop: bool,
}

impl Warm {
    pub fn new() -> Warm {
        Warm {
            state: Mutex::new(State::default()),
            wake: Condvar::new(),
            warmed: AtomicU64::new(0),
        }
    }

    /// Start over: a load was published.
    pub fn kick(&self) {
        let mut st = lock(&self.state);
        st.kicks += 1;
        st.busy = true;
        self.wake.notify_all();
    }

    pub fn stop(&self) {
        lock(&self.state).stop = true;
        self.wake.notify_all();
    }

    /// Has the warm-up parts left to render?
    pub fn busy(&self) -> bool {
        lock(&self.state).busy
    }

    /// Should the round started by kick `seen` go on?
    fn current(&self, seen: u64) -> bool {
        let st = lock(&self.state);
        !st.stop && st.kicks == seen
    }
}

/// Start the warm-up thread.
pub(super) fn spawn(shared: Arc<Shared>) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("qingpai-warm".into())
        .spawn(move || {
            lower_priority();
            run(&shared);
        })
        .map(|_| ())
}

fn run(shared: &Shared) {
    let mut seen = 0;
    loop {
        {
            let mut st = lock(&shared.warm.state);
            while st.kicks == seen && !st.stop {
                st = shared
                    .warm
                    .wake
                    .wait(st)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            if st.stop {
                return;
            }
            seen = st.kicks;
        }
        // The listing is taken out of what is published and the order made
        // without holding anything a request needs. While the input is
        // broken the lists (the last good ones) are warmed, not the
        // communities: those would show the errors.
        let (listing, good) = super::published(shared)
            .and_then(|p| p.as_ref().map(|p| (p.listing.clone(), p.source.good)))
            .unwrap_or((None, false));
        let order = listing.map(|l| l.warm_order()).unwrap_or_default();
        for part in order {
            if !good && matches!(part, Part::Community(_)) {
                break;
            }
            if !wait_for_quiet(shared, seen) {
                break;
            }
            {
                let cache = lock(&shared.cache);
                if cache.has(&part) {
                    continue;
                }
                // The communities come last: once the cache is full, done.
                if matches!(part, Part::Community(_)) && cache.communities() >= RENDERED_COMMUNITIES
                {
                    break;
                }
            }
            // A part that fails (a theme's template, a bug) is left for a
            // request to report; the warm-up goes on with the next.
            let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                cache::render(shared, &part, true)
            }));
            if matches!(made, Ok(Ok(Some(_)))) {
                shared.warm.warmed.fetch_add(1, Ordering::Relaxed);
            }
        }
        let mut st = lock(&shared.warm.state);
        if st.kicks == seen {
            st.busy = false;
        }
    }
}

/// Wait until no request is being answered and none was for [`QUIET`].
/// False when this round is to stop (a newer load, or the server stopping).
fn wait_for_quiet(shared: &Shared, seen: u64) -> bool {
    loop {
        if !shared.warm.current(seen) {
            return false;
        }
        if shared.requests.idle_for() >= QUIET {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Run this thread at the lowest CPU priority (on Linux a thread's nice
/// value is its own), so requests get the processor first.
#[cfg(target_os = "linux")]
fn lower_priority() {
    // SAFETY: gettid and setpriority take no pointers and touch only this
    // thread's scheduling priority.
    unsafe {
        let tid = libc::gettid();
        if let Ok(tid) = libc::id_t::try_from(tid) {
            libc::setpriority(libc::PRIO_PROCESS, tid, 19);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}
