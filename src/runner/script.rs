//! The script `upgrade --sql` / `downgrade --sql` prints: what the runner would run, without connecting.

use super::{
    dir_name, history_insert, terminated, version_updates, Direction, HISTORY_DDL, VERSION_DDL,
};
use crate::revision::{Revision, RevisionMap};

/// The script `upgrade --sql` / `downgrade --sql` prints: what the runner would run, without connecting.
/// It starts with the session settings the SQL relies on (`standard_conforming_strings` …) and lets the
/// dialect wrap each revision (SQLite: foreign keys off around rebuilds, checked before COMMIT).
pub fn offline_script(
    d: &dyn crate::dialect::Dialect,
    map: &RevisionMap,
    from: &[String],
    path: &[&Revision],
    dir: Direction,
) -> String {
    let mut out = format!("-- autogen offline script ({})\n", dir_name(dir));
    for line in d.script_notes() {
        out.push_str(&format!(
            "-- {}\n",
            crate::revision::file::comment_text(&line)
        ));
    }
    for s in d.script_preamble() {
        out.push_str(&terminated(&s));
        out.push('\n');
    }
    out.push_str(&format!("{VERSION_DDL};\n{HISTORY_DDL};\n\n"));
    let mut heads = from.to_vec();
    for rev in path {
        let after = match dir {
            Direction::Up => map.after_upgrade(&heads, rev),
            Direction::Down => map.after_downgrade(&heads, rev),
        };
        out.push_str(&format!(
            "-- {} {} ({})\n",
            dir_name(dir),
            rev.id,
            crate::revision::file::comment_text(&rev.message)
        ));
        let (before, after_rev) = d.script_around_revision();
        for s in &before {
            out.push_str(&terminated(s));
            out.push('\n');
        }
        if rev.transactional && d.transactional_ddl() {
            out.push_str("BEGIN;\n");
        }
        let stmts = if dir == Direction::Up {
            &rev.upgrade
        } else {
            &rev.downgrade
        };
        for s in stmts {
            for x in d.script_statement(&s.sql) {
                out.push_str(&terminated(&x));
                out.push('\n');
            }
        }
        for v in version_updates(&heads, &after) {
            out.push_str(&v);
            out.push_str(";\n");
        }
        out.push_str(&history_insert(rev, dir, 0));
        out.push_str(";\n");
        if rev.transactional && d.transactional_ddl() {
            out.push_str("COMMIT;\n");
        }
        for s in &after_rev {
            out.push_str(&terminated(s));
            out.push('\n');
        }
        out.push('\n');
        heads = after;
    }
    out
}
