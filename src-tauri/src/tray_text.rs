//! What the tray menu says: the running count and each running job with its progress.

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

/// Tooltip where the platform shows one.
pub fn tooltip(count: usize) -> String {
    format!("Charter — {}", running_line(count).to_lowercase())
}

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
}
