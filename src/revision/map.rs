//! The revision graph: heads, bases, prefixes, ancestors, upgrade/downgrade paths. Pure, indexed, no I/O.

use std::collections::{HashMap, HashSet, VecDeque};

use super::{Revision, RevisionError};

pub struct RevisionMap {
    revs: Vec<Revision>,
    index: HashMap<String, usize>,
    /// Parents (down_revisions and depends_on) of each revision.
    parents: Vec<Vec<usize>>,
    /// Children through down_revision only.
    children: Vec<Vec<usize>>,
    /// Children through down_revision and depends_on (the inverse of `parents`).
    all_children: Vec<Vec<usize>>,
    /// Position of each revision in a topological order (parents first).
    rank: Vec<usize>,
    sorted_ids: Vec<String>,
}

impl RevisionMap {
    pub fn new(revs: Vec<Revision>) -> Result<Self, RevisionError> {
        let mut index = HashMap::with_capacity(revs.len());
        for (i, r) in revs.iter().enumerate() {
            if let Some(&j) = index.get(&r.id) {
                let j: usize = j;
                return Err(RevisionError::DuplicateId {
                    id: r.id.clone(),
                    a: revs[j].path.display().to_string(),
                    b: r.path.display().to_string(),
                });
            }
            index.insert(r.id.clone(), i);
        }
        let n = revs.len();
        let mut parents = vec![vec![]; n];
        let mut children = vec![vec![]; n];
        for (i, r) in revs.iter().enumerate() {
            for (k, p) in r.down.iter().chain(r.depends_on.iter()).enumerate() {
                let Some(&j) = index.get(p) else {
                    return Err(RevisionError::MissingParent {
                        id: r.id.clone(),
                        path: r.path.display().to_string(),
                        parent: p.clone(),
                        key: if k < r.down.len() {
                            "down_revision"
                        } else {
                            "depends_on"
                        },
                    });
                };
                parents[i].push(j);
                if k < r.down.len() {
                    children[j].push(i);
                }
            }
        }
        // Kahn's algorithm over all parent edges: whatever is left is on a cycle.
        let mut indeg: Vec<usize> = parents.iter().map(Vec::len).collect();
        let mut all_children = vec![vec![]; n];
        for (i, ps) in parents.iter().enumerate() {
            for &p in ps {
                all_children[p].push(i);
            }
        }
        let mut queue: VecDeque<usize> = (0..n).filter(|&i| indeg[i] == 0).collect();
        let mut rank = vec![usize::MAX; n];
        let mut r = 0;
        while let Some(i) = queue.pop_front() {
            rank[i] = r;
            r += 1;
            for &c in &all_children[i] {
                indeg[c] -= 1;
                if indeg[c] == 0 {
                    queue.push_back(c);
                }
            }
        }
        if r < n {
            let mut on: Vec<String> = (0..n)
                .filter(|&i| rank[i] == usize::MAX)
                .map(|i| revs[i].id.clone())
                .collect();
            on.sort();
            return Err(RevisionError::Cycle(on.join(" → ")));
        }
        let mut sorted_ids: Vec<String> = revs.iter().map(|r| r.id.clone()).collect();
        sorted_ids.sort();
        Ok(RevisionMap {
            revs,
            index,
            parents,
            children,
            all_children,
            rank,
            sorted_ids,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.revs.is_empty()
    }

    pub fn len(&self) -> usize {
        self.revs.len()
    }

    pub fn get(&self, id: &str) -> Option<&Revision> {
        self.index.get(id).map(|&i| &self.revs[i])
    }

    /// Revisions no other revision names as down_revision, sorted.
    pub fn heads(&self) -> Vec<String> {
        let mut h: Vec<String> = (0..self.revs.len())
            .filter(|&i| self.children[i].is_empty())
            .map(|i| self.revs[i].id.clone())
            .collect();
        h.sort();
        h
    }

    pub fn bases(&self) -> Vec<String> {
        let mut b: Vec<String> = self
            .revs
            .iter()
            .filter(|r| r.down.is_empty())
            .map(|r| r.id.clone())
            .collect();
        b.sort();
        b
    }

    /// Revisions that name `id` as down_revision.
    pub fn children_of(&self, id: &str) -> Vec<String> {
        let mut c: Vec<String> = self
            .index
            .get(id)
            .map(|&i| {
                self.children[i]
                    .iter()
                    .map(|&c| self.revs[c].id.clone())
                    .collect()
            })
            .unwrap_or_default();
        c.sort();
        c
    }

    /// A full id, a unique prefix of at least 4 characters, or a branch label.
    pub fn resolve(&self, s: &str) -> Result<String, RevisionError> {
        if self.index.contains_key(s) {
            return Ok(s.to_string());
        }
        if let Some(r) = self
            .revs
            .iter()
            .find(|r| r.branch_labels.iter().any(|l| l == s))
        {
            return Ok(r.id.clone());
        }
        if s.len() < 4 {
            let any = self.sorted_ids.iter().any(|id| id.starts_with(s));
            return Err(if any {
                RevisionError::ShortPrefix(s.into())
            } else {
                RevisionError::UnknownRevision(s.into())
            });
        }
        let start = self.sorted_ids.partition_point(|id| id.as_str() < s);
        let matches: Vec<String> = self.sorted_ids[start..]
            .iter()
            .take_while(|id| id.starts_with(s))
            .cloned()
            .collect();
        match matches.len() {
            0 => Err(RevisionError::UnknownRevision(s.into())),
            1 => Ok(matches.into_iter().next().unwrap()),
            _ => Err(RevisionError::Ambiguous {
                prefix: s.into(),
                candidates: matches,
            }),
        }
    }

    /// Indices of `ids` and all their ancestors.
    fn ancestors(&self, ids: &[String]) -> HashSet<usize> {
        let mut seen = HashSet::new();
        let mut stack: Vec<usize> = ids
            .iter()
            .filter_map(|id| self.index.get(id).copied())
            .collect();
        while let Some(i) = stack.pop() {
            if seen.insert(i) {
                stack.extend(self.parents[i].iter().copied());
            }
        }
        seen
    }

    /// Indices of the revisions above `ids` (through down_revision and depends_on), excluding `ids`.
    fn descendants(&self, ids: &[String]) -> HashSet<usize> {
        let all_children = &self.all_children;
        let mut seen = HashSet::new();
        let mut stack: Vec<usize> = ids
            .iter()
            .filter_map(|id| self.index.get(id))
            .flat_map(|&i| all_children[i].clone())
            .collect();
        while let Some(i) = stack.pop() {
            if seen.insert(i) {
                stack.extend(all_children[i].iter().copied());
            }
        }
        seen
    }

    /// Heads after stamping `target`: heads on other branches (neither above nor below a target revision)
    /// stay; the target replaces the rest.
    pub fn after_stamp(&self, heads: &[String], target: &[String]) -> Vec<String> {
        if target.is_empty() {
            return vec![];
        }
        let mut h: Vec<String> = heads
            .iter()
            .filter(|x| {
                self.index.contains_key(x.as_str())
                    && !target.iter().any(|t| {
                        self.is_down_ancestor(t, x) || self.is_down_ancestor(x, t) || *x == t
                    })
            })
            .cloned()
            .collect();
        h.extend(target.iter().cloned());
        h.sort();
        h.dedup();
        h
    }

    pub fn is_ancestor(&self, anc: &str, of: &str) -> bool {
        match self.index.get(anc) {
            Some(a) => self.ancestors(&[of.to_string()]).contains(a),
            None => false,
        }
    }

    /// Revisions to apply, in order, to go from `current` heads up to `target` heads.
    pub fn upgrade_path(&self, current: &[String], target: &[String]) -> Vec<&Revision> {
        let have = self.ancestors(current);
        let mut want: Vec<usize> = self
            .ancestors(target)
            .into_iter()
            .filter(|i| !have.contains(i))
            .collect();
        want.sort_by_key(|&i| self.rank[i]);
        want.into_iter().map(|i| &self.revs[i]).collect()
    }

    /// Revisions to undo, in order, to go from `current` heads down to `target` heads. Only the branches
    /// the target is on move: revisions that do not descend from a target revision stay (as in Alembic);
    /// `base` (no target) undoes everything.
    pub fn downgrade_path(&self, current: &[String], target: &[String]) -> Vec<&Revision> {
        let keep = self.ancestors(target);
        let above: Option<HashSet<usize>> = (!target.is_empty()).then(|| self.descendants(target));
        let mut undo: Vec<usize> = self
            .ancestors(current)
            .into_iter()
            .filter(|i| !keep.contains(i) && above.as_ref().is_none_or(|a| a.contains(i)))
            .collect();
        undo.sort_by_key(|&i| std::cmp::Reverse(self.rank[i]));
        undo.into_iter().map(|i| &self.revs[i]).collect()
    }

    /// Whether `anc` is below `of` through down_revision links only: depends_on orders revisions but
    /// does not join branches (as in Alembic), so it never removes another branch's head.
    fn is_down_ancestor(&self, anc: &str, of: &str) -> bool {
        let Some(&target) = self.index.get(anc) else {
            return false;
        };
        let mut stack: Vec<usize> = self.index.get(of).into_iter().copied().collect();
        let mut seen = HashSet::new();
        while let Some(i) = stack.pop() {
            if i == target {
                return true;
            }
            if seen.insert(i) {
                stack.extend(
                    self.revs[i]
                        .down
                        .iter()
                        .filter_map(|p| self.index.get(p).copied()),
                );
            }
        }
        false
    }

    /// Heads after applying `rev` on top of `heads`: its parents are replaced by it.
    pub fn after_upgrade(&self, heads: &[String], rev: &Revision) -> Vec<String> {
        let mut h: Vec<String> = heads
            .iter()
            .filter(|x| !rev.down.contains(x) && !self.is_down_ancestor(x, &rev.id))
            .cloned()
            .collect();
        h.push(rev.id.clone());
        h.sort();
        h
    }

    /// Heads after undoing `rev`: it is replaced by those of its parents not below another head.
    pub fn after_downgrade(&self, heads: &[String], rev: &Revision) -> Vec<String> {
        let mut h: Vec<String> = heads.iter().filter(|x| **x != rev.id).cloned().collect();
        for p in &rev.down {
            let covered = h.iter().any(|x| self.is_down_ancestor(p, x));
            if !covered && !h.contains(p) {
                h.push(p.clone());
            }
        }
        h.sort();
        h
    }

    /// All revisions, newest first (reverse topological order, ties by id).
    pub fn history(&self) -> Vec<&Revision> {
        let mut v: Vec<usize> = (0..self.revs.len()).collect();
        v.sort_by_key(|&i| std::cmp::Reverse(self.rank[i]));
        v.into_iter().map(|i| &self.revs[i]).collect()
    }
}

/// A revision with empty sections, for the graph's and the targets' unit tests.
#[cfg(test)]
pub(crate) fn test_rev(id: &str, down: &[&str]) -> Revision {
    Revision::new(
        id,
        down.iter().map(|x| x.to_string()).collect(),
        "",
        "postgresql",
        format!("{id}.sql").into(),
    )
}

#[cfg(test)]
mod tests {
    use super::test_rev as rev;
    use super::*;

    fn ids(v: Vec<&Revision>) -> Vec<String> {
        v.into_iter().map(|r| r.id.clone()).collect()
    }

    #[test]
    fn linear_chain_paths() {
        let m = RevisionMap::new(vec![
            rev("aaaa1", &[]),
            rev("bbbb2", &["aaaa1"]),
            rev("cccc3", &["bbbb2"]),
        ])
        .unwrap();
        assert_eq!(m.heads(), vec!["cccc3"]);
        assert_eq!(
            ids(m.upgrade_path(&[], &["cccc3".into()])),
            ["aaaa1", "bbbb2", "cccc3"]
        );
        assert_eq!(
            ids(m.downgrade_path(&["cccc3".into()], &["aaaa1".into()])),
            ["cccc3", "bbbb2"]
        );
        assert_eq!(m.resolve("bbbb").unwrap(), "bbbb2");
        assert!(matches!(
            m.resolve("bb"),
            Err(RevisionError::ShortPrefix(_))
        ));
    }

    #[test]
    fn broken_graphs_are_reported() {
        assert!(matches!(
            RevisionMap::new(vec![rev("a", &["zz"])]),
            Err(RevisionError::MissingParent { .. })
        ));
        assert!(matches!(
            RevisionMap::new(vec![rev("a", &["b"]), rev("b", &["a"])]),
            Err(RevisionError::Cycle(_))
        ));
        assert!(matches!(
            RevisionMap::new(vec![rev("a", &[]), rev("a", &[])]),
            Err(RevisionError::DuplicateId { .. })
        ));
    }

    #[test]
    fn branches_and_merge() {
        let m = RevisionMap::new(vec![
            rev("base0", &[]),
            rev("left1", &["base0"]),
            rev("rite1", &["base0"]),
            rev("merge", &["left1", "rite1"]),
        ])
        .unwrap();
        assert_eq!(m.heads(), vec!["merge"]);
        let h = m.after_upgrade(&["left1".into(), "rite1".into()], m.get("merge").unwrap());
        assert_eq!(h, vec!["merge"]);
        let h = m.after_downgrade(&h, m.get("merge").unwrap());
        assert_eq!(h, vec!["left1", "rite1"]);
        assert_eq!(
            ids(m.downgrade_path(&["merge".into()], &[])),
            ["merge", "rite1", "left1", "base0"]
        );
    }

    #[test]
    fn downgrade_to_a_revision_leaves_other_branches_alone() {
        let m = RevisionMap::new(vec![
            rev("main1", &[]),
            rev("feat1", &[]),
            rev("feat2", &["feat1"]),
        ])
        .unwrap();
        let cur = vec!["feat2".to_string(), "main1".to_string()];
        assert_eq!(ids(m.downgrade_path(&cur, &["feat1".into()])), ["feat2"]);
        assert_eq!(
            m.after_stamp(&cur, &["feat1".into()]),
            vec!["feat1", "main1"]
        );
        assert_eq!(m.downgrade_path(&cur, &[]).len(), 3);
    }

    #[test]
    fn ten_thousand_revisions_index_quickly() {
        let mut v = vec![rev("r00000", &[])];
        for i in 1..10_000 {
            v.push(rev(&format!("r{i:05}"), &[&format!("r{:05}", i - 1)]));
        }
        let m = RevisionMap::new(v).unwrap();
        assert_eq!(m.heads(), vec!["r09999"]);
        assert_eq!(m.upgrade_path(&[], &m.heads()).len(), 10_000);
    }
}
