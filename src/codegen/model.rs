//! What code is generated from, whatever the language: one entity per table (partitions left to their
//! parent), its keys, and the relations between entities (foreign keys both ways, many-to-many
//! through a join table), each with the names the functions and attributes get.

use std::collections::BTreeMap;

use super::names::{camel, plural, snake, table_words, words, Unique};
use crate::schema::{Column, ForeignKey, QName, Schema, Table};

pub struct Entity<'a> {
    pub table: &'a Table,
    /// `Booking`.
    pub type_name: String,
    /// `booking`, `bookings`.
    pub one: String,
    pub many: String,
    /// Field names (snake_case, not yet escaped for a language), one per column, unique in the entity.
    pub fields: Vec<String>,
    /// Primary key columns, by index into `table.columns`.
    pub pk: Vec<usize>,
    /// Unique keys other than the primary key (unique constraints, unique indexes on plain columns
    /// without a predicate), each a list of column indexes.
    pub uniques: Vec<Vec<usize>>,
}

impl Entity<'_> {
    pub fn column(&self, i: usize) -> &Column {
        &self.table.columns[i]
    }
    pub fn index_of(&self, col: &str) -> Option<usize> {
        self.table.columns.iter().position(|c| c.name == col)
    }
}

/// One foreign key between two entities, with the names of its navigations.
pub struct Link<'a> {
    pub fk: &'a ForeignKey,
    /// The entity holding the key, and the one it references.
    pub child: usize,
    pub parent: usize,
    /// `user_of_booking`, `bookings_of_user`.
    pub to_parent: String,
    pub to_children: String,
    /// The key's columns in the child and the parent, by index.
    pub child_cols: Vec<usize>,
    pub parent_cols: Vec<usize>,
    /// Attribute names for ORM relationships: `user` on the child, `bookings` on the parent.
    pub child_attr: String,
    pub parent_attr: String,
}

/// A many-to-many relation through a join table whose key is exactly its two foreign keys.
pub struct ManyToMany {
    pub join: usize,
    /// Links (indexes into `Model::links`) from the join table to each side.
    pub left: usize,
    pub right: usize,
    /// `features_of_room` (left → rights), `rooms_of_feature`.
    pub lefts_rights: String,
    pub rights_lefts: String,
    /// Attributes: `features` on the left entity, `rooms` on the right one.
    pub left_attr: String,
    pub right_attr: String,
}

pub struct Model<'a> {
    pub entities: Vec<Entity<'a>>,
    pub links: Vec<Link<'a>>,
    pub many_to_many: Vec<ManyToMany>,
}

impl<'a> Model<'a> {
    /// The model of `s`; type names avoid `reserved` (the names the generated module uses itself).
    pub fn new(s: &'a Schema, reserved: &[&str]) -> Model<'a> {
        let mut types = Unique::with_separator(reserved, "");
        let mut fns = Unique::new(&[]);
        let mut entities: Vec<Entity> = vec![];
        for t in s.tables.values().filter(|t| mapped(t)) {
            let ws = table_words(t.name.schema.as_deref(), &t.name.name);
            let type_name = types.take(camel(&ws));
            let one = fns.take(snake(&ws));
            let mut ws_many = ws.clone();
            if let Some(l) = ws_many.last_mut() {
                *l = plural(l);
            }
            let many = fns.take(snake(&ws_many));
            let mut fields = Unique::new(&[]);
            let fields = t
                .columns
                .iter()
                .map(|c| fields.take(snake(&words(&c.name))))
                .collect();
            let idx = |cols: &[String]| -> Option<Vec<usize>> {
                cols.iter()
                    .map(|c| t.columns.iter().position(|x| &x.name == c))
                    .collect()
            };
            let pk = t
                .primary_key
                .as_ref()
                .and_then(|p| idx(&p.columns))
                .unwrap_or_default();
            let mut uniques: Vec<Vec<usize>> = vec![];
            let plain_unique_indexes = t.indexes.iter().filter(|i| {
                i.unique && i.predicate.is_none() && i.parts.iter().all(|p| is_plain(t, p))
            });
            let candidates = t.uniques.iter().map(|u| u.columns.clone()).chain(
                plain_unique_indexes.map(|i| i.parts.iter().map(|p| p.expr.sql.clone()).collect()),
            );
            for cols in candidates {
                if let Some(ix) = idx(&cols) {
                    if ix != pk && !uniques.contains(&ix) {
                        uniques.push(ix);
                    }
                }
            }
            entities.push(Entity {
                table: t,
                type_name,
                one,
                many,
                fields,
                pk,
                uniques,
            });
        }
        let by_name: BTreeMap<&QName, usize> = entities
            .iter()
            .enumerate()
            .map(|(i, e)| (&e.table.name, i))
            .collect();
        let mut links = vec![];
        for (ci, e) in entities.iter().enumerate() {
            for fk in &e.table.foreign_keys {
                let Some(&pi) = by_name.get(&fk.ref_table) else {
                    continue;
                };
                let p = &entities[pi];
                let child_cols: Option<Vec<usize>> =
                    fk.columns.iter().map(|c| e.index_of(c)).collect();
                let parent_cols: Option<Vec<usize>> =
                    fk.ref_columns.iter().map(|c| p.index_of(c)).collect();
                let (Some(child_cols), Some(parent_cols)) = (child_cols, parent_cols) else {
                    continue;
                };
                links.push((ci, pi, fk, child_cols, parent_cols));
            }
        }
        // A key that is not the only one between its two tables (or points at its own table) is
        // named after its columns: `user_by_author_id_of_post`.
        let count = |c: usize, p: usize| links.iter().filter(|l| l.0 == c && l.1 == p).count();
        let mut attrs: Vec<Unique> = entities
            .iter()
            .map(|e| Unique::new(&e.fields.iter().map(String::as_str).collect::<Vec<_>>()))
            .collect();
        let links: Vec<Link> = links
            .iter()
            .map(|(c, p, fk, cc, pc)| {
                let (c, p) = (*c, *p);
                let by = if c == p || count(c, p) > 1 {
                    format!("_by_{}", snake(&words(&fk.columns.join("_"))))
                } else {
                    String::new()
                };
                let (ce, pe) = (&entities[c], &entities[p]);
                let to_parent = fns.take(format!("{}{by}_of_{}", pe.one, ce.one));
                let to_children = fns.take(format!("{}{by}_of_{}", ce.many, pe.one));
                let child_attr = attrs[c].take(if by.is_empty() {
                    pe.one_attr()
                } else {
                    format!("{}{by}", pe.one_attr())
                });
                let parent_attr = attrs[p].take(if by.is_empty() {
                    ce.many_attr()
                } else {
                    format!("{}{by}", ce.many_attr())
                });
                Link {
                    fk,
                    child: c,
                    parent: p,
                    to_parent,
                    to_children,
                    child_cols: cc.clone(),
                    parent_cols: pc.clone(),
                    child_attr,
                    parent_attr,
                }
            })
            .collect();
        let mut many_to_many = vec![];
        for (j, e) in entities.iter().enumerate() {
            let own: Vec<usize> = (0..links.len()).filter(|&l| links[l].child == j).collect();
            let [l, r] = own[..] else { continue };
            let mut key: Vec<usize> = links[l]
                .child_cols
                .iter()
                .chain(&links[r].child_cols)
                .copied()
                .collect();
            key.sort_unstable();
            let mut pk = e.pk.clone();
            pk.sort_unstable();
            if pk != key || links[l].parent == j || links[r].parent == j {
                continue;
            }
            let (le, re) = (&entities[links[l].parent], &entities[links[r].parent]);
            let lefts_rights = fns.take(format!("{}_of_{}", re.many, le.one));
            let rights_lefts = fns.take(format!("{}_of_{}", le.many, re.one));
            let left_attr = attrs[links[l].parent].take(re.many_attr());
            let right_attr = attrs[links[r].parent].take(le.many_attr());
            many_to_many.push(ManyToMany {
                join: j,
                left: l,
                right: r,
                lefts_rights,
                rights_lefts,
                left_attr,
                right_attr,
            });
        }
        Model {
            entities,
            links,
            many_to_many,
        }
    }
}

impl Entity<'_> {
    /// The attribute naming one row of this entity on another (`user`): its own table's words,
    /// without the schema.
    fn one_attr(&self) -> String {
        snake(&table_words(None, &self.table.name.name))
    }
    fn many_attr(&self) -> String {
        let mut ws = table_words(None, &self.table.name.name);
        if let Some(l) = ws.last_mut() {
            *l = plural(l);
        }
        snake(&ws)
    }
}

/// Whether a table gets its own type: not a partition, nor a table inheriting columns (those are
/// reached through their parent, and created by the parent's DDL events).
pub fn mapped(t: &Table) -> bool {
    t.partition_of.is_none() && t.inherits.is_empty()
}

fn is_plain(t: &Table, p: &crate::schema::IndexPart) -> bool {
    !p.desc
        && p.collation.is_none()
        && p.opclass.is_none()
        && p.prefix.is_none()
        && t.column(&p.expr.sql).is_some()
}
