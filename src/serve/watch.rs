//! Watching what the site is built from, with notify-debouncer-full: it gathers
//! an editor's save (a temporary file, a rename over the original, a chmod)
//! into one batch per path, and pairs the two halves of a rename.
//!
//! What is watched is a set the server recomputes after every reload
//! ([`super::State::watch_set`]): the content folder (recursively), its parent
//! (not recursively: only to see the content folder removed, moved away or
//! made again, as `git checkout` or restoring a backup does), and the theme
//! `site.yaml` names — or, while that folder is missing, `themes/`, so its
//! creation is seen. When the set changes the watcher is made anew: an inotify
//! watch follows a folder's inode, and a moved-away content folder must not
//! go on reporting its files under the old path.

use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, Debouncer, FileIdMap, RecommendedCache, new_debouncer, new_debouncer_opt,
};

/// What the rebuild loop hears.
pub enum Event {
    /// Paths that changed; `moved` are those created, removed or renamed.
    Changed {
        paths: Vec<PathBuf>,
        moved: Vec<PathBuf>,
    },
    /// The watcher itself failed (too many folders for inotify, a share gone).
    Failed(String),
    Stop,
}

/// A folder and whether everything under it is watched too.
pub type WatchSet = Vec<(PathBuf, bool)>;

/// How long a path must be quiet before its events are passed on. Short: the
/// edit-to-reload time is this plus the rebuild.
const QUIET: Duration = Duration::from_millis(50);

/// Keeps the watcher alive; dropping it stops it.
pub struct Watch {
    inner: Inner,
    pub set: WatchSet,
}

enum Inner {
    Native(Debouncer<notify::RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<notify::PollWatcher, FileIdMap>),
}

fn handler(tx: Sender<Event>) -> impl FnMut(DebounceEventResult) + Send + 'static {
    move |res: DebounceEventResult| match res {
        Ok(events) => {
            let mut paths = Vec::new();
            let mut moved = Vec::new();
            for e in events {
                // Reading a file (as every rebuild does) is an access event:
                // only changes count, or each rebuild would set off the next.
                if matches!(e.kind, EventKind::Access(_) | EventKind::Other) {
                    continue;
                }
                let structural = matches!(
                    e.kind,
                    EventKind::Create(_)
                        | EventKind::Remove(_)
                        | EventKind::Modify(notify::event::ModifyKind::Name(_))
                );
                for p in &e.paths {
                    if structural {
                        moved.push(p.clone());
                    }
                    paths.push(p.clone());
                }
            }
            if !paths.is_empty() {
                let _ = tx.send(Event::Changed { paths, moved });
            }
        }
        Err(errors) => {
            if let Some(e) = errors.first() {
                let _ = tx.send(Event::Failed(e.to_string()));
            }
        }
    }
}

impl Watch {
    /// Watch `set`; folders in it that do not exist (any more) are left out.
    pub fn start(set: WatchSet, poll: bool, tx: Sender<Event>) -> notify::Result<Watch> {
        let mut inner = if poll {
            let config = notify::Config::default().with_poll_interval(Duration::from_millis(500));
            Inner::Poll(new_debouncer_opt(
                QUIET,
                None,
                handler(tx),
                FileIdMap::new(),
                config,
            )?)
        } else {
            Inner::Native(new_debouncer(QUIET, None, handler(tx))?)
        };
        let mut watched = Vec::new();
        for (dir, recursive) in set {
            if !dir.is_dir() {
                continue;
            }
            let mode = if recursive {
                RecursiveMode::Recursive
            } else {
                RecursiveMode::NonRecursive
            };
            match &mut inner {
                Inner::Native(d) => d.watch(&dir, mode)?,
                Inner::Poll(d) => d.watch(&dir, mode)?,
            }
            watched.push((dir, recursive));
        }
        Ok(Watch {
            inner,
            set: watched,
        })
    }

    pub fn is_poll(&self) -> bool {
        matches!(self.inner, Inner::Poll(_))
    }
}
