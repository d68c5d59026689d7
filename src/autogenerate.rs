//! load → introspect → diff → order → render up and inverse: the plan a revision is written from.

use crate::dialect::Dialect;
use crate::diff::diff;
use crate::op::Op;
use crate::order::order;
use crate::schema::Schema;

pub struct Plan {
    pub ops: Vec<Op>,
    pub upgrade: Vec<String>,
    pub downgrade: Vec<String>,
    /// What the upgrade destroys (drops, narrowing type changes).
    pub warnings: Vec<String>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

/// The ops from `current` to `desired` (both canonical), and their SQL both ways.
/// Downgrade = render(inverse(op)) in reverse order: one renderer, no hand-written down path.
pub fn plan(current: &Schema, desired: &Schema, d: &dyn Dialect) -> Plan {
    let ops = order(
        d.lower(diff(current, desired), current, desired),
        d.fk_cycles_need_alter(),
    );
    let upgrade = ops.iter().flat_map(|o| d.render(o)).collect();
    let downgrade = ops
        .iter()
        .rev()
        .flat_map(|o| d.render(&o.inverse()))
        .collect();
    let warnings = ops.iter().filter_map(Op::destroys).collect();
    Plan {
        ops,
        upgrade,
        downgrade,
        warnings,
    }
}
