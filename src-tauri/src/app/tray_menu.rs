//! Whether a new state of the tray menu can be shown by relabelling its items in place or
//! needs a new menu. A new menu numbers its items afresh on the desktop's menu bus, so a
//! click already on its way to an item of the old one is lost; while jobs run, their
//! progress changes the labels several times a second, and those changes keep the items.

/// One item whose label changes: its id and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Line {
    pub id: String,
    pub text: String,
}

/// What the menu shows apart from its fixed items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Shape {
    /// The changing items, in menu order.
    pub lines: Vec<Line>,
    /// The Notifications switch: on or off.
    pub notifications: bool,
}

/// How to go from the menu shown to the one wanted.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Change {
    /// Nothing visible changes.
    Nothing,
    /// The same items in the same order: set these lines' new texts (by position).
    Relabel(Vec<(usize, String)>),
    /// Items come or go, or the switch flips: a new menu.
    Rebuild,
}

/// The change from `shown` (none yet: a new menu) to `wanted`.
pub(super) fn change(shown: Option<&Shape>, wanted: &Shape) -> Change {
    let Some(shown) = shown else {
        return Change::Rebuild;
    };
    // Flipping the switch in place would activate it, as a click does; a new menu does not.
    let same_items = shown.notifications == wanted.notifications
        && shown.lines.len() == wanted.lines.len()
        && shown
            .lines
            .iter()
            .zip(&wanted.lines)
            .all(|(a, b)| a.id == b.id);
    if !same_items {
        return Change::Rebuild;
    }
    let relabel: Vec<(usize, String)> = shown
        .lines
        .iter()
        .zip(&wanted.lines)
        .enumerate()
        .filter(|(_, (a, b))| a.text != b.text)
        .map(|(i, (_, b))| (i, b.text.clone()))
        .collect();
    if relabel.is_empty() {
        Change::Nothing
    } else {
        Change::Relabel(relabel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(lines: &[(&str, &str)], notifications: bool) -> Shape {
        Shape {
            lines: lines
                .iter()
                .map(|(id, text)| Line {
                    id: (*id).to_owned(),
                    text: (*text).to_owned(),
                })
                .collect(),
            notifications,
        }
    }

    #[test]
    fn the_first_menu_is_built() {
        let wanted = shape(&[("count", "No jobs running")], true);
        assert_eq!(change(None, &wanted), Change::Rebuild);
    }

    #[test]
    fn progress_relabels_the_items_it_changed_and_nothing_else() {
        let shown = shape(
            &[
                ("count", "2 jobs running"),
                ("job:a", "Cafe — 10%"),
                ("job:b", "Deli — 5%"),
            ],
            true,
        );
        let wanted = shape(
            &[
                ("count", "2 jobs running"),
                ("job:a", "Cafe — 11%"),
                ("job:b", "Deli — 5%"),
            ],
            true,
        );
        assert_eq!(
            change(Some(&shown), &wanted),
            Change::Relabel(vec![(1, "Cafe — 11%".to_owned())])
        );
        assert_eq!(change(Some(&wanted), &wanted), Change::Nothing);
    }

    #[test]
    fn items_that_come_go_or_move_and_a_flipped_switch_need_a_new_menu() {
        let shown = shape(&[("count", "1 job running"), ("job:a", "Cafe — 10%")], true);
        let more = shape(
            &[
                ("count", "2 jobs running"),
                ("job:a", "Cafe — 10%"),
                ("job:b", "Deli — 0%"),
            ],
            true,
        );
        let fewer = shape(
            &[
                ("count", "No jobs running"),
                ("unseen", "1 result not yet seen"),
            ],
            true,
        );
        let other = shape(&[("count", "1 job running"), ("job:b", "Deli — 10%")], true);
        let switched = shape(
            &[("count", "1 job running"), ("job:a", "Cafe — 10%")],
            false,
        );
        for wanted in [more, fewer, other, switched] {
            assert_eq!(change(Some(&shown), &wanted), Change::Rebuild, "{wanted:?}");
        }
    }
}
