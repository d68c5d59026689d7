//! Revision targets as Alembic spells them: `head`, `heads`, `base`, `+N`, `-N`, `REV`, `REV+N`, `REV-N`.

use super::{RevisionError, RevisionMap};

fn bad(target: &str, msg: &str) -> RevisionError {
    RevisionError::BadTarget {
        target: target.into(),
        msg: msg.into(),
    }
}

/// The single head, or `MultipleHeads`.
pub fn single_head(map: &RevisionMap) -> Result<Vec<String>, RevisionError> {
    let h = map.heads();
    if h.len() > 1 {
        return Err(RevisionError::MultipleHeads(h));
    }
    Ok(h)
}

/// Splits `REV+N` / `REV-N` / `+N` / `-N`.
fn split_rel(t: &str) -> Option<(&str, i64)> {
    let pos = t.rfind(['+', '-'])?;
    let n: i64 = t[pos + 1..].parse().ok()?;
    let n = if &t[pos..pos + 1] == "-" { -n } else { n };
    Some((&t[..pos], n))
}

/// A relative step from more than one revision (several heads, or the parents of a merge).
fn several(target: &str, cur: &[String]) -> RevisionError {
    bad(
        target,
        &format!(
            "relative steps need a single current revision, and here there are {} ({})\nhint: name the revision to go to instead, e.g. `autogen downgrade REV` (`autogen current` and `autogen history` show them), or `autogen upgrade heads`",
            cur.len(),
            cur.join(", ")
        ),
    )
}

/// Steps `n` revisions from `from` (positive: towards the head, negative: towards base).
fn walk(
    map: &RevisionMap,
    from: &[String],
    n: i64,
    target: &str,
) -> Result<Vec<String>, RevisionError> {
    let mut cur: Vec<String> = from.to_vec();
    if n >= 0 {
        for _ in 0..n {
            let next: Vec<String> = match cur.as_slice() {
                [] => map.bases(),
                [one] => map.children_of(one),
                _ => return Err(several(target, &cur)),
            };
            match next.len() {
                0 => return Err(bad(target, "not that many revisions above")),
                1 => cur = next,
                _ => {
                    return Err(bad(
                        target,
                        &format!(
                            "the history branches here ({}): name a revision",
                            next.join(", ")
                        ),
                    ))
                }
            }
        }
    } else {
        for _ in 0..(-n) {
            let prev: Vec<String> = match cur.as_slice() {
                [] => return Err(bad(target, "not that many revisions below")),
                [one] => map.get(one).map(|r| r.down.clone()).unwrap_or_default(),
                _ => return Err(several(target, &cur)),
            };
            cur = prev;
        }
    }
    Ok(cur)
}

/// Resolves a target to the set of heads the database should end at.
pub fn resolve(
    map: &RevisionMap,
    current: &[String],
    target: &str,
) -> Result<Vec<String>, RevisionError> {
    let t = target.trim();
    match t {
        "head" => return single_head(map),
        "heads" => return Ok(map.heads()),
        "base" => return Ok(vec![]),
        "" => return Err(bad(target, "empty target")),
        _ => {}
    }
    if let Some(label) = t.strip_suffix("@head") {
        let id = map.resolve(label)?;
        let mut cur = vec![id];
        loop {
            let c = map.children_of(&cur[0]);
            match c.len() {
                0 => return Ok(cur),
                1 => cur = c,
                _ => return Err(bad(target, "the branch splits again; name a revision")),
            }
        }
    }
    if let Some((base, n)) = split_rel(t) {
        let from = match base {
            "" => current.to_vec(),
            "head" => single_head(map)?,
            "base" => vec![],
            b => vec![map.resolve(b)?],
        };
        return walk(map, &from, n, target);
    }
    Ok(vec![map.resolve(t)?])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::revision::map::test_rev as rev;

    #[test]
    fn relative_and_named_targets() {
        let m = RevisionMap::new(vec![
            rev("aaaa", &[]),
            rev("bbbb", &["aaaa"]),
            rev("cccc", &["bbbb"]),
        ])
        .unwrap();
        let cur = vec!["bbbb".to_string()];
        assert_eq!(resolve(&m, &cur, "-1").unwrap(), vec!["aaaa"]);
        assert_eq!(resolve(&m, &cur, "+1").unwrap(), vec!["cccc"]);
        assert_eq!(resolve(&m, &cur, "-2").unwrap(), Vec::<String>::new());
        assert!(resolve(&m, &cur, "-3").is_err());
        assert_eq!(resolve(&m, &[], "+2").unwrap(), vec!["bbbb"]);
        assert_eq!(resolve(&m, &cur, "cccc-2").unwrap(), vec!["aaaa"]);
        assert_eq!(resolve(&m, &cur, "head").unwrap(), vec!["cccc"]);
        assert_eq!(resolve(&m, &cur, "base").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn head_with_two_heads_names_both() {
        let m = RevisionMap::new(vec![
            rev("aaaa", &[]),
            rev("bbbb", &["aaaa"]),
            rev("cccc", &["aaaa"]),
        ])
        .unwrap();
        let e = resolve(&m, &[], "head").unwrap_err().to_string();
        assert!(e.contains("bbbb") && e.contains("cccc"), "{e}");
    }
}
