//! What the tray menu and the window title say: the running count and each running job
//! with its progress.

use jobs::JobRecord;

/// The running-count line ("2 jobs running").
pub fn running_line(count: usize) -> String {
    match count {
        0 => "No jobs running".to_owned(),
        1 => "1 job running".to_owned(),
        n => format!("{n} jobs running"),
    }
}

/// One running job's menu label ("Program for Cafe — 45%"), kept short for menus.
pub fn job_line(job: &JobRecord) -> String {
    let mut title: String = job.title.chars().take(48).collect();
    if job.title.chars().count() > 48 {
        title.push('…');
    }
    let stalled = if job.stalled { " (stalled)" } else { "" };
    format!("{title} — {:.0}%{stalled}", job.progress)
}

/// The menu line for finished results the user has not seen ("3 results not yet seen");
/// none when there are none.
pub fn unseen_line(count: u64) -> Option<String> {
    match count {
        0 => None,
        1 => Some("1 result not yet seen".to_owned()),
        n => Some(format!("{n} results not yet seen")),
    }
}

/// Tooltip where the platform shows one.
pub fn tooltip(count: usize) -> String {
    format!("Charter — {}", running_line(count).to_lowercase())
}

/// The main window's title: "Charter" when idle; while jobs run, how many and their mean
/// progress, and how many wait ("Charter — 2 running, 45 % · 1 waiting").
pub fn window_title(active: &[JobRecord]) -> String {
    let running: Vec<f64> = active
        .iter()
        .filter(|j| !j.status.is_paused())
        .map(|j| j.progress)
        .collect();
    title_of(&running, active.len() - running.len())
}

/// The title for jobs running at these progresses and `waiting` paused ones.
fn title_of(running: &[f64], waiting: usize) -> String {
    let mut parts = Vec::new();
    if !running.is_empty() {
        let mean = running.iter().sum::<f64>() / running.len() as f64;
        parts.push(format!(
            "{} running, {:.0} %",
            running.len(),
            mean.clamp(0.0, 100.0)
        ));
    }
    if waiting > 0 {
        parts.push(format!("{waiting} waiting"));
    }
    if parts.is_empty() {
        APP_NAME.to_owned()
    } else {
        format!("{APP_NAME} — {}", parts.join(" · "))
    }
}

/// The app's name, the idle window title.
pub const APP_NAME: &str = "Charter";

/// Most running jobs listed in the menu.
pub const MAX_TRAY_JOBS: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_naturally() {
        assert_eq!(running_line(0), "No jobs running");
        assert_eq!(running_line(1), "1 job running");
        assert_eq!(running_line(3), "3 jobs running");
        assert_eq!(tooltip(2), "Charter — 2 jobs running");
    }

    #[test]
    fn unseen_results_are_counted_only_when_there_are_some() {
        assert_eq!(unseen_line(0), None);
        assert_eq!(unseen_line(1).as_deref(), Some("1 result not yet seen"));
        assert_eq!(unseen_line(4).as_deref(), Some("4 results not yet seen"));
    }

    #[test]
    fn the_window_title_says_how_things_stand() {
        assert_eq!(title_of(&[], 0), "Charter");
        assert_eq!(title_of(&[45.0], 0), "Charter — 1 running, 45 %");
        assert_eq!(title_of(&[40.0, 50.4], 0), "Charter — 2 running, 45 %");
        assert_eq!(
            title_of(&[10.0], 2),
            "Charter — 1 running, 10 % · 2 waiting"
        );
        assert_eq!(title_of(&[], 1), "Charter — 1 waiting");
        assert_eq!(
            title_of(&[f64::MAX, f64::MAX], 0),
            "Charter — 2 running, 100 %"
        );
    }
}
