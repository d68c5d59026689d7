//! One declarative class: `__tablename__`, `__table_args__` (keys, checks, foreign keys with their
//! actions, indexes, table options), typed `mapped_column`s and the relationships of its table.

use super::types::column_type;
use super::{py_str, sa_text, PyGen};
use crate::codegen::names::py_attr;
use crate::schema::{Deferrable, FkAction, IndexPart, QName, Table};

fn deferrable(d: Deferrable) -> String {
    match d {
        Deferrable::No => String::new(),
        Deferrable::Immediate => ", deferrable=True, initially=\"IMMEDIATE\"".into(),
        Deferrable::Deferred => ", deferrable=True, initially=\"DEFERRED\"".into(),
    }
}

fn cols(c: &[String]) -> String {
    c.iter().map(|c| py_str(c)).collect::<Vec<_>>().join(", ")
}

/// Whether SQLAlchemy can create the check or foreign key in `CREATE TABLE` (NOT VALID and NO
/// INHERIT ones are added by DDL after it).
pub fn in_create(not_valid: bool, no_inherit: bool) -> bool {
    !not_valid && !no_inherit
}

impl PyGen<'_> {
    fn q(&self, s: &str) -> String {
        self.d.ident(s)
    }

    /// `schema.table.column` as SQLAlchemy's string references spell it.
    fn col_ref(&self, t: &QName, c: &str) -> String {
        match &t.schema {
            Some(s) => format!("{s}.{}.{c}", t.name),
            None => format!("{}.{c}", t.name),
        }
    }

    fn part(&self, t: &Table, p: &IndexPart) -> String {
        let e = unquote(p.expr.sql.trim());
        let plain = t.column(e).is_some();
        if plain
            && p.collation.is_none()
            && p.opclass.is_none()
            && !p.desc
            && p.nulls_first.is_none()
        {
            // A MySQL prefix length goes to the index's `mysql_length`.
            return py_str(e);
        }
        let mut s = if plain {
            self.q(e)
        } else {
            format!("({})", crate::sql::strip_outer_parens(e))
        };
        if let Some(c) = &p.collation {
            s.push_str(&format!(" COLLATE {}", self.q(c.trim_matches('"'))));
        }
        if let Some(o) = &p.opclass {
            s.push_str(&format!(" {o}"));
        }
        if p.desc {
            s.push_str(" DESC");
        }
        match p.nulls_first {
            Some(true) => s.push_str(" NULLS FIRST"),
            Some(false) => s.push_str(" NULLS LAST"),
            None => {}
        }
        sa_text(&s)
    }

    fn table_args(&self, e: usize) -> Vec<String> {
        let ent = &self.m.entities[e];
        let t = ent.table;
        let dn = self.d.name();
        let mut a = vec![];
        if let Some(pk) = &t.primary_key {
            a.push(format!(
                "sa.PrimaryKeyConstraint({}, name={}{})",
                cols(&pk.columns),
                py_str(&pk.name),
                deferrable(pk.deferrable)
            ));
        }
        for u in &t.uniques {
            let mut extra = deferrable(u.deferrable);
            if u.nulls_not_distinct {
                extra.push_str(", postgresql_nulls_not_distinct=True");
            }
            a.push(format!(
                "sa.UniqueConstraint({}, name={}{extra})",
                cols(&u.columns),
                py_str(&u.name)
            ));
        }
        for c in t
            .checks
            .iter()
            .filter(|c| in_create(c.not_valid, c.no_inherit))
        {
            a.push(format!(
                "sa.CheckConstraint({}, name={})",
                sa_text(crate::sql::strip_outer_parens(&c.expr.sql)),
                py_str(&c.name)
            ));
        }
        for f in t
            .foreign_keys
            .iter()
            .filter(|f| in_create(f.not_valid, false))
        {
            let refs: Vec<String> = f
                .ref_columns
                .iter()
                .map(|c| py_str(&self.col_ref(&f.ref_table, c)))
                .collect();
            let mut extra = String::new();
            // The action a key without one gets: NO ACTION, RESTRICT on MySQL (which tells the two
            // apart in its catalog).
            let implicit = if dn == "mysql" {
                FkAction::Restrict
            } else {
                FkAction::NoAction
            };
            if f.on_delete != implicit {
                extra.push_str(&format!(", ondelete={}", py_str(f.on_delete.sql())));
            }
            if f.on_update != implicit {
                extra.push_str(&format!(", onupdate={}", py_str(f.on_update.sql())));
            }
            extra.push_str(&deferrable(f.deferrable));
            if f.match_full {
                extra.push_str(", match=\"FULL\"");
            }
            // MySQL: keys after every index, so InnoDB uses the models' indexes rather than
            // making its own.
            if dn == "mysql"
                || self
                    .extra
                    .alter_fks
                    .contains(&(t.name.clone(), f.name.clone()))
            {
                extra.push_str(", use_alter=True");
            }
            a.push(format!(
                "sa.ForeignKeyConstraint([{}], [{}], name={}{extra})",
                cols(&f.columns),
                refs.join(", "),
                py_str(&f.name)
            ));
        }
        for i in &t.indexes {
            let parts: Vec<String> = i.parts.iter().map(|p| self.part(t, p)).collect();
            let mut kw = String::new();
            if i.unique {
                kw.push_str(", unique=True");
            }
            let prefix = match dn {
                "postgresql" => "postgresql",
                "mysql" => "mysql",
                _ => "sqlite",
            };
            if let Some(p) = &i.predicate {
                kw.push_str(&format!(
                    ", {prefix}_where={}",
                    sa_text(crate::sql::strip_outer_parens(&p.sql))
                ));
            }
            if dn == "postgresql" {
                if i.method != "btree" && !i.method.is_empty() {
                    kw.push_str(&format!(", postgresql_using={}", py_str(&i.method)));
                }
                if !i.include.is_empty() {
                    kw.push_str(&format!(", postgresql_include=[{}]", cols(&i.include)));
                }
                if i.nulls_not_distinct {
                    kw.push_str(", postgresql_nulls_not_distinct=True");
                }
                if !i.with.is_empty() {
                    let w: Vec<String> = i
                        .with
                        .iter()
                        .filter_map(|w| w.split_once('='))
                        .map(|(k, v)| format!("{}: {}", py_str(k.trim()), py_str(v.trim())))
                        .collect();
                    kw.push_str(&format!(", postgresql_with={{{}}}", w.join(", ")));
                }
            }
            if dn == "mysql" {
                if matches!(i.method.as_str(), "fulltext" | "spatial") {
                    kw.push_str(&format!(
                        ", mysql_prefix={}",
                        py_str(&i.method.to_uppercase())
                    ));
                }
                let lengths: Vec<String> = i
                    .parts
                    .iter()
                    .filter_map(|p| {
                        p.prefix
                            .map(|n| format!("{}: {n}", py_str(unquote(p.expr.sql.trim()))))
                    })
                    .collect();
                if !lengths.is_empty() {
                    kw.push_str(&format!(", mysql_length={{{}}}", lengths.join(", ")));
                }
            }
            a.push(format!(
                "sa.Index({}, {}{kw})",
                py_str(&i.name),
                parts.join(", ")
            ));
        }
        let mut opts: Vec<String> = vec![];
        if let Some(s) = &t.name.schema {
            opts.push(format!("\"schema\": {}", py_str(s)));
        }
        if let Some(c) = &t.comment {
            if dn != "sqlite" {
                opts.push(format!("\"comment\": {}", py_str(c)));
            }
        }
        if let Some(p) = &t.partition_by {
            let body = p.sql.trim();
            let body = body
                .strip_prefix("PARTITION BY ")
                .or_else(|| body.strip_prefix("partition by "))
                .unwrap_or(body);
            match dn {
                "postgresql" => opts.push(format!("\"postgresql_partition_by\": {}", py_str(body))),
                // The whole clause, partitions included, after `PARTITION BY`.
                "mysql" => opts.push(format!("\"mysql_partition_by\": {}", py_str(body))),
                _ => {}
            }
        }
        if !t.inherits.is_empty() {
            let parents: Vec<String> = t.inherits.iter().map(|q| py_str(&q.to_string())).collect();
            opts.push(format!(
                "\"postgresql_inherits\": ({},)",
                parents.join(", ")
            ));
        }
        for o in &t.options {
            match o.as_str() {
                "autoincrement" => opts.push("\"sqlite_autoincrement\": True".into()),
                "without rowid" => opts.push("\"sqlite_with_rowid\": False".into()),
                "strict" => opts.push("\"sqlite_strict\": True".into()),
                _ => {}
            }
        }
        if dn == "mysql" {
            for o in &t.options {
                if let Some((k, v)) = o.split_once('=') {
                    let k = k.trim().to_lowercase().replace(' ', "_");
                    opts.push(format!("\"mysql_{k}\": {}", py_str(v.trim())));
                }
            }
        }
        if !opts.is_empty() {
            a.push(format!("{{{}}}", opts.join(", ")));
        }
        a
    }

    pub(super) fn class(&self, o: &mut String, e: usize) {
        let ent = &self.m.entities[e];
        let t = ent.table;
        let dn = self.d.name();
        o.push_str(&format!("class {}(Base):\n", ent.type_name));
        let doc = t
            .comment
            .clone()
            .unwrap_or_else(|| format!("A row of `{}`.", t.name));
        o.push_str(&format!("    {}\n\n", docstring(&doc)));
        o.push_str(&format!("    __tablename__ = {}\n", py_str(&t.name.name)));
        let args = self.table_args(e);
        if !args.is_empty() {
            o.push_str("    __table_args__ = (\n");
            for a in &args {
                o.push_str(&format!("        {a},\n"));
            }
            o.push_str("    )\n");
        }
        if t.primary_key.is_none() {
            // The ORM needs an identity for a row: all its columns, where the table has no key.
            let all: Vec<String> = self.attrs[e].iter().map(|a| py_str(a)).collect();
            o.push_str(&format!(
                "    __mapper_args__ = {{\"primary_key\": [{}]}}\n",
                all.join(", ")
            ));
        }
        o.push('\n');
        let enum_class = |ty: &str| self.enums.get(&ty.replace('"', "")).cloned();
        for (i, c) in t.columns.iter().enumerate() {
            let (py, sa) = column_type(dn, self.s, c, &enum_class);
            let py = if c.nullable {
                format!("Optional[{py}]")
            } else {
                py
            };
            let mut args = vec![];
            let attr = &self.attrs[e][i];
            if *attr != c.name {
                args.push(py_str(&c.name));
            }
            args.push(sa);
            if let Some(id) = &c.identity {
                let mut kw = vec![format!(
                    "always={}",
                    if id.always { "True" } else { "False" }
                )];
                let op = &id.options;
                for (k, v) in [
                    ("start", op.start),
                    ("increment", op.increment),
                    ("minvalue", op.min),
                    ("maxvalue", op.max),
                    ("cache", op.cache),
                ] {
                    if let Some(v) = v {
                        kw.push(format!("{k}={v}"));
                    }
                }
                if op.cycle {
                    kw.push("cycle=True".into());
                }
                args.push(format!("sa.Identity({})", kw.join(", ")));
            }
            if let Some(g) = &c.generated {
                let persisted = if c.stored || dn == "postgresql" {
                    "True"
                } else {
                    "False"
                };
                args.push(format!(
                    "sa.Computed({}, persisted={persisted})",
                    py_str(crate::sql::strip_outer_parens(&g.sql))
                ));
            }
            args.push(format!(
                "nullable={}",
                if c.sql_nullable() { "True" } else { "False" }
            ));
            if let Some(d) = &c.default {
                let mut sql = self.d.default_clause(&d.sql);
                // MySQL's ON UPDATE is written after the default.
                if let Some(u) = c.on_update.as_ref().filter(|_| dn == "mysql") {
                    sql.push_str(&format!(" ON UPDATE {}", u.sql));
                }
                args.push(format!("server_default={}", sa_text(&sql)));
            }
            if c.auto_increment {
                args.push("autoincrement=True".into());
            }
            let single_int_pk = ent.pk.len() == 1 && ent.pk[0] == i;
            if single_int_pk
                && c.identity.is_none()
                && !c.auto_increment
                && c.default.is_none()
                && dn != "sqlite"
            {
                // Else SQLAlchemy would make it SERIAL / AUTO_INCREMENT.
                args.push("autoincrement=False".into());
            }
            if let Some(cm) = &c.comment {
                if dn != "sqlite" {
                    args.push(format!("comment={}", py_str(cm)));
                }
            }
            let line = format!(
                "    {attr}: Mapped[{py}] = mapped_column({})",
                args.join(", ")
            );
            if line.len() <= 88 {
                o.push_str(&line);
                o.push('\n');
            } else {
                o.push_str(&format!("    {attr}: Mapped[{py}] = mapped_column(\n"));
                for a in &args {
                    o.push_str(&format!("        {a},\n"));
                }
                o.push_str("    )\n");
            }
        }
        self.relationships(o, e);
    }

    fn relationships(&self, o: &mut String, e: usize) {
        let ent = &self.m.entities[e];
        let fk_list = |child: usize, cols: &[usize]| -> String {
            let ce = &self.m.entities[child];
            let l: Vec<String> = cols
                .iter()
                .map(|&c| format!("{}.{}", ce.type_name, self.attrs[child][c]))
                .collect();
            py_str(&format!("[{}]", l.join(", ")))
        };
        let mut rels = vec![];
        // A NOT VALID key is added by DDL after create_all(): the classes know no join for it.
        let valid = |l: &&crate::codegen::model::Link| !l.fk.not_valid;
        for l in self.m.links.iter().filter(|l| l.child == e).filter(valid) {
            let pe = &self.m.entities[l.parent];
            let nullable = l.child_cols.iter().any(|&c| ent.column(c).nullable);
            let ty = if nullable {
                format!("Optional[\"{}\"]", pe.type_name)
            } else {
                format!("\"{}\"", pe.type_name)
            };
            let mut kw = vec![
                format!("back_populates={}", py_str(&py_attr(&l.parent_attr))),
                format!("foreign_keys={}", fk_list(e, &l.child_cols)),
            ];
            if l.parent == l.child {
                kw.push(format!("remote_side={}", fk_list(e, &l.parent_cols)));
            }
            kw.extend(self.overlaps(e, &l.child_attr));
            rels.push((py_attr(&l.child_attr), ty, kw));
        }
        for l in self.m.links.iter().filter(|l| l.parent == e).filter(valid) {
            let ce = &self.m.entities[l.child];
            let mut kw = vec![
                format!("back_populates={}", py_str(&py_attr(&l.child_attr))),
                format!("foreign_keys={}", fk_list(l.child, &l.child_cols)),
            ];
            // The database deletes or detaches the children itself: the ORM leaves that to it.
            match l.fk.on_delete {
                FkAction::Cascade => {
                    kw.push("cascade=\"all, delete\"".into());
                    kw.push("passive_deletes=True".into());
                }
                FkAction::SetNull | FkAction::SetDefault => kw.push("passive_deletes=True".into()),
                _ => {}
            }
            kw.extend(self.overlaps(e, &l.parent_attr));
            rels.push((
                py_attr(&l.parent_attr),
                format!("List[\"{}\"]", ce.type_name),
                kw,
            ));
        }
        for mm in &self.m.many_to_many {
            let (left, right) = (&self.m.links[mm.left], &self.m.links[mm.right]);
            // A table joined to itself would need primaryjoin/secondaryjoin: it keeps the join
            // table's own relationships only.
            if left.fk.not_valid || right.fk.not_valid || left.parent == right.parent {
                continue;
            }
            let je = &self.m.entities[mm.join];
            let secondary = match &je.table.name.schema {
                Some(s) => format!("{s}.{}", je.table.name.name),
                None => je.table.name.name.clone(),
            };
            for (from, to, attr, back) in [
                (left, right, &mm.left_attr, &mm.right_attr),
                (right, left, &mm.right_attr, &mm.left_attr),
            ] {
                if from.parent != e {
                    continue;
                }
                let te = &self.m.entities[to.parent];
                let mut kw = vec![
                    format!("secondary={}", py_str(&secondary)),
                    format!("back_populates={}", py_str(&py_attr(back))),
                ];
                kw.extend(self.overlaps(e, attr));
                rels.push((py_attr(attr), format!("List[\"{}\"]", te.type_name), kw));
            }
        }
        if !rels.is_empty() {
            o.push('\n');
        }
        for (attr, ty, kw) in rels {
            let line = format!("    {attr}: Mapped[{ty}] = relationship({})", kw.join(", "));
            if line.len() <= 88 {
                o.push_str(&line);
                o.push('\n');
            } else {
                o.push_str(&format!("    {attr}: Mapped[{ty}] = relationship(\n"));
                for k in kw {
                    o.push_str(&format!("        {k},\n"));
                }
                o.push_str("    )\n");
            }
        }
    }

    /// A many-to-many relationship writes the join table's keys the join table's own relationships
    /// write too: each names the others in `overlaps` (which only silences SQLAlchemy's warning).
    fn overlaps(&self, e: usize, attr: &str) -> Vec<String> {
        let mut names = vec![];
        for mm in &self.m.many_to_many {
            let (l, r) = (&self.m.links[mm.left], &self.m.links[mm.right]);
            let group = [
                (l.parent, mm.left_attr.as_str()),
                (r.parent, mm.right_attr.as_str()),
                (l.parent, l.parent_attr.as_str()),
                (r.parent, r.parent_attr.as_str()),
                (mm.join, l.child_attr.as_str()),
                (mm.join, r.child_attr.as_str()),
            ];
            if group.iter().any(|&(ge, ga)| ge == e && ga == attr) {
                names.extend(
                    group
                        .iter()
                        .filter(|&&(ge, ga)| !(ge == e && ga == attr))
                        .map(|&(_, ga)| ga.to_string()),
                );
            }
        }
        if names.is_empty() {
            return vec![];
        }
        let mut names: Vec<String> = names.iter().map(|n| py_attr(n)).collect();
        names.sort();
        names.dedup();
        vec![format!("overlaps={}", py_str(&names.join(",")))]
    }
}

/// A column name as an index part writes it, without its quotes (`` `user_id` ``, `"Name"`).
fn unquote(e: &str) -> &str {
    for q in ['`', '"'] {
        if e.len() > 1 && e.starts_with(q) && e.ends_with(q) && !e[1..e.len() - 1].contains(q) {
            return &e[1..e.len() - 1];
        }
    }
    e
}

fn docstring(s: &str) -> String {
    let body = s.replace('\\', "\\\\").replace("\"\"\"", "\\\"\\\"\\\"");
    let body = body.trim_end_matches('"');
    if body.contains('\n') {
        format!("\"\"\"{}\n    \"\"\"", body.replace('\n', "\n    "))
    } else {
        format!("\"\"\"{body}\"\"\"")
    }
}
