//! What `create_all()` cannot make from the classes (schemas, extensions, enums' and domains' types,
//! functions, sequences, partitions, views, triggers, policies, rules, exclusion and NOT VALID
//! constraints), attached to the metadata as DDL events with the SQL autogen's own plan renders.

use std::collections::BTreeSet;

use super::table::in_create;
use super::{py_str, PyGen};
use crate::op::Op;
use crate::schema::{QName, Schema};

/// What autogen's creation plan of `s` does besides the classes' tables: statements before the
/// first of those tables, statements after it, and the foreign keys it adds by ALTER (cycles).
pub struct Extra {
    pub before: Vec<String>,
    pub after: Vec<String>,
    pub alter_fks: BTreeSet<(QName, String)>,
}

pub fn extra_ddl(s: &Schema, d: &dyn crate::dialect::Dialect) -> Extra {
    let plan = crate::autogenerate::plan(&Schema::default(), s, d);
    let native = |t: &QName| s.tables.get(t).is_some_and(crate::codegen::model::mapped);
    let (mut before, mut after) = (vec![], vec![]);
    let mut alter_fks = BTreeSet::new();
    let mut seen_table = false;
    for op in &plan.ops {
        let keep = match op {
            Op::CreateTable(t) => !native(&t.name),
            Op::CreateIndex { table, .. }
            | Op::AddUnique { table, .. }
            | Op::AddPrimaryKey { table, .. }
            | Op::SetTableComment { table, .. } => !native(table),
            Op::AddForeignKey { table, fk } if native(table) => {
                alter_fks.insert((table.clone(), fk.name.clone()));
                !in_create(fk.not_valid, false)
            }
            Op::AddCheck { table, check } => {
                !native(table) || !in_create(check.not_valid, check.no_inherit)
            }
            _ => true,
        };
        if matches!(op, Op::CreateTable(t) if native(&t.name)) {
            seen_table = true;
        }
        if !keep {
            continue;
        }
        let mut sql = d.render(op);
        if seen_table {
            after.append(&mut sql);
        } else {
            before.append(&mut sql);
        }
    }
    // What rides on a table's CREATE in autogen's plan but has no SQLAlchemy construct: constraints
    // kept as text (EXCLUDE …), NOT VALID ones, row-level security.
    for t in s
        .tables
        .values()
        .filter(|t| crate::codegen::model::mapped(t))
    {
        if t.row_security != crate::schema::RowSecurity::Off {
            after.extend(d.render(&Op::SetRowSecurity {
                table: t.name.clone(),
                from: crate::schema::RowSecurity::Off,
                to: t.row_security,
            }));
        }
        for c in &t.others {
            after.extend(d.render(&Op::AddOther {
                table: t.name.clone(),
                constraint: c.clone(),
            }));
        }
        for c in t
            .checks
            .iter()
            .filter(|c| !in_create(c.not_valid, c.no_inherit))
        {
            if !plan.ops.iter().any(|o| matches!(o, Op::AddCheck { table, check } if *table == t.name && check.name == c.name)) {
                after.extend(d.render(&Op::AddCheck {
                    table: t.name.clone(),
                    check: c.clone(),
                }));
            }
        }
        for f in t.foreign_keys.iter().filter(|f| f.not_valid) {
            if !alter_fks.contains(&(t.name.clone(), f.name.clone())) {
                after.extend(d.render(&Op::AddForeignKey {
                    table: t.name.clone(),
                    fk: f.clone(),
                }));
            }
        }
    }
    Extra {
        before,
        after,
        alter_fks,
    }
}

impl PyGen<'_> {
    pub(super) fn ddl_events(&self, o: &mut String) {
        let (before, after) = (&self.extra.before, &self.extra.after);
        if before.is_empty() && after.is_empty() {
            return;
        }
        o.push_str("\n\n# What the classes cannot say, as autogen's plan writes it: run by create_all() around the tables.\n");
        for (name, list) in [("BEFORE_TABLES", before), ("AFTER_TABLES", after)] {
            o.push_str(&format!("{name} = [\n"));
            for sql in list.iter() {
                // sa.DDL formats with `%`: a literal one is doubled.
                o.push_str(&format!("    {},\n", py_str(&sql.replace('%', "%%"))));
            }
            o.push_str("]\n");
        }
        o.push_str(
            r#"

def run_ddl(statements: List[str]) -> Any:
    """A create_all() listener running `statements` when it makes every table (an empty database)."""

    def listener(target: Any, connection: Any, tables: Any = (), **kw: Any) -> None:
        if len(tables) == len(target.tables):
            for sql in statements:
                connection.execute(sa.DDL(sql))

    return listener


sa.event.listen(Base.metadata, "before_create", run_ddl(BEFORE_TABLES))
sa.event.listen(Base.metadata, "after_create", run_ddl(AFTER_TABLES))
"#,
        );
    }
}
