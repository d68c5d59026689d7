//! PostgreSQL introspection of keys and indexes: constraints and indexes in one bulk query each, their
//! columns resolved by attnum against the column names read before.

use std::collections::HashMap;

use super::introspect::{err, qname, rows};
use crate::dialect::conn::DbError;
use crate::fasthash::FxHashMap;
use crate::schema::*;

/// (table oid, attnum) → column name, without a second copy of every name: most are a column kept in
/// its table (its position there); the rest (inherited columns a child does not keep, columns of tables
/// outside the managed schemas) are stored here.
#[derive(Default)]
pub(super) struct AttNames {
    at: FxHashMap<(u32, i16), u32>,
    stored: Vec<String>,
}

const STORED: u32 = 1 << 31;

impl AttNames {
    /// `rel`'s column `attnum` is `rel`'s column number `pos` (0-based) in `by_oid`.
    pub(super) fn kept(&mut self, rel: u32, attnum: i16, pos: usize) {
        self.at.insert((rel, attnum), pos as u32);
    }
    pub(super) fn store(&mut self, rel: u32, attnum: i16, name: String) {
        self.at
            .insert((rel, attnum), STORED | self.stored.len() as u32);
        self.stored.push(name);
    }
    fn contains(&self, rel: u32, attnum: i16) -> bool {
        self.at.contains_key(&(rel, attnum))
    }
    /// The name, or "" when unknown; `t` is table `rel` (where it is one autogen reads).
    fn get(&self, t: Option<&Table>, rel: u32, attnum: i16) -> String {
        match self.at.get(&(rel, attnum)) {
            Some(i) if i & STORED != 0 => self.stored[(i & !STORED) as usize].clone(),
            Some(i) => t
                .and_then(|t| t.columns.get(*i as usize))
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            None => String::new(),
        }
    }
}

/// Primary keys, unique keys, foreign keys, checks and exclusion constraints, onto their tables.
pub(super) fn constraints(
    cl: &mut postgres::Client,
    nsf: &str,
    version: i32,
    by_oid: &mut FxHashMap<u32, Box<Table>>,
    attnames: &mut AttNames,
) -> Result<(), DbError> {
    // Constraints (local ones: partitions inherit theirs from the parent).
    // Only exclusion constraints need pg_get_constraintdef (a deparse per row is costly); keys come as
    // attnums, resolved with the column names read above.
    let nnd_con = if version >= 150000 {
        "coalesce((SELECT ix.indnullsnotdistinct FROM pg_index ix WHERE ix.indexrelid = con.conindid), false)"
    } else {
        "false"
    };
    let q = format!(
        "SELECT con.conrelid, con.conname::text, con.contype::text, \
         CASE WHEN con.contype = 'x' THEN pg_get_constraintdef(con.oid, true) END, con.conkey, \
         fn.nspname::text, fc.relname::text, con.confrelid, con.confkey, \
         con.confupdtype::text, con.confdeltype::text, con.confmatchtype::text, con.condeferrable, con.condeferred, \
         con.connoinherit, CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, con.conrelid, true) END, NOT con.convalidated, \
         CASE WHEN con.contype = 'u' THEN {nnd_con} ELSE false END \
         FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         LEFT JOIN pg_class fc ON fc.oid = con.confrelid LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace \
         WHERE con.contype IN ('p', 'u', 'f', 'c', 'x') AND con.conislocal AND con.conparentid = 0 AND {nsf}"
    );
    // Rows streamed and built as they come; foreign keys to a table outside the managed schemas wait
    // for that table's column names (one more query, after).
    let names =
        |attnames: &AttNames, by_oid: &FxHashMap<u32, Box<Table>>, rel: u32, keys: &[i16]| {
            keys.iter()
                .map(|k| attnames.get(by_oid.get(&rel).map(|t| &**t), rel, *k))
                .collect::<Vec<String>>()
        };
    let mut waiting: Vec<(u32, ForeignKey, u32, Vec<i16>)> = vec![];
    for r in rows(cl, &q)? {
        let r = r?;
        let relid: u32 = r.get(0);
        let columns = names(
            attnames,
            by_oid,
            relid,
            &r.get::<_, Option<Vec<i16>>>(4).unwrap_or_default(),
        );
        // A foreign key's referenced columns, while the other tables can be read.
        let fk_target = (r.get::<_, String>(2) == "f").then(|| {
            let (frel, fkeys): (u32, Vec<i16>) = (
                r.get(7),
                r.get::<_, Option<Vec<i16>>>(8).unwrap_or_default(),
            );
            let known = fkeys.iter().all(|n| attnames.contains(frel, *n));
            let cols = if known {
                names(attnames, by_oid, frel, &fkeys)
            } else {
                vec![]
            };
            (frel, fkeys, known, cols)
        });
        let Some(t) = by_oid.get_mut(&relid) else {
            continue;
        };
        let name: String = r.get(1);
        let kind: String = r.get(2);
        let def: String = r.get::<_, Option<String>>(3).unwrap_or_default();
        let deferrable = match (r.get::<_, bool>(12), r.get::<_, bool>(13)) {
            (false, _) => Deferrable::No,
            (true, false) => Deferrable::Immediate,
            (true, true) => Deferrable::Deferred,
        };
        match kind.as_str() {
            "p" => {
                t.primary_key = Some(PrimaryKey {
                    name,
                    columns,
                    deferrable,
                })
            }
            "u" => t.uniques.push(Unique {
                name,
                columns,
                nulls_not_distinct: r.get(17),
                deferrable,
            }),
            "f" => {
                let action = |c: String| match c.as_str() {
                    "r" => FkAction::Restrict,
                    "c" => FkAction::Cascade,
                    "n" => FkAction::SetNull,
                    "d" => FkAction::SetDefault,
                    _ => FkAction::NoAction,
                };
                let (frel, fkeys, known, ref_columns) = fk_target.unwrap_or_default();
                let fk = ForeignKey {
                    name,
                    columns,
                    ref_table: qname(r.get(5), r.get(6)),
                    ref_columns,
                    on_update: action(r.get(9)),
                    on_delete: action(r.get(10)),
                    deferrable,
                    match_full: r.get::<_, String>(11) == "f",
                    not_valid: r.get(16),
                };
                if known {
                    t.foreign_keys.push(fk);
                } else {
                    waiting.push((relid, fk, frel, fkeys));
                }
            }
            "c" => t.checks.push(Check {
                name,
                expr: Expr::new(crate::sql::paren_array_casts(
                    &r.get::<_, Option<String>>(15).unwrap_or_default(),
                )),
                no_inherit: r.get(14),
                not_valid: r.get(16),
            }),
            _ => t.others.push(OtherConstraint {
                name,
                definition: Expr::new(crate::sql::paren_array_casts(&def)),
            }),
        }
    }

    if !waiting.is_empty() {
        let missing: Vec<u32> = waiting.iter().map(|w| w.2).collect();
        let q = "SELECT attrelid, attnum, attname::text FROM pg_attribute WHERE attrelid = ANY($1) AND attnum > 0";
        for r in cl.query(q, &[&missing]).map_err(err)? {
            attnames.store(r.get(0), r.get(1), r.get(2));
        }
        for (relid, mut fk, frel, fkeys) in waiting {
            fk.ref_columns = names(attnames, by_oid, frel, &fkeys);
            if let Some(t) = by_oid.get_mut(&relid) {
                t.foreign_keys.push(fk);
            }
        }
    }
    Ok(())
}

/// Indexes that back no constraint and are not inherited from a partitioned parent.
pub(super) fn indexes(
    cl: &mut postgres::Client,
    nsf: &str,
    version: i32,
    by_oid: &mut FxHashMap<u32, Box<Table>>,
    attnames: &AttNames,
) -> Result<(), DbError> {
    // Indexes not backing a constraint and not inherited from a partitioned parent.
    let nnd = if version >= 150000 {
        "i.indnullsnotdistinct"
    } else {
        "false"
    };
    let q = format!(
        "SELECT i.indrelid, ic.relname::text, i.indisunique, am.amname::text, i.indnkeyatts::int, {nnd}, \
         pg_get_expr(i.indpred, i.indrelid, true), \
         ARRAY(SELECT CASE WHEN i.indkey[k - 1] = 0 THEN pg_get_indexdef(i.indexrelid, k, true) ELSE '' END FROM generate_series(1, i.indnatts) k ORDER BY k), \
         i.indoption::int2[]::int[], \
         i.indclass::oid[], \
         i.indkey::int2[], coalesce(ic.reloptions, '{{}}'::text[]), \
         CASE WHEN EXISTS (SELECT 1 FROM unnest(i.indcollation::oid[]) co WHERE co NOT IN (0, 100)) THEN pg_get_indexdef(i.indexrelid) ELSE '' END \
         FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am am ON am.oid = ic.relam \
         WHERE c.relkind IN ('r', 'p', 'm') AND {nsf} \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')) \
         AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)"
    );
    // Operator classes other than their type's default, by oid (a join per index key costs more).
    let opclass_names: HashMap<u32, String> = cl
        .query(
            "SELECT opc.oid, CASE WHEN opc.opcnamespace IN ('pg_catalog'::regnamespace, 'public'::regnamespace) \
             THEN opc.opcname::text ELSE quote_ident(on_.nspname) || '.' || opc.opcname::text END \
             FROM pg_opclass opc JOIN pg_namespace on_ ON on_.oid = opc.opcnamespace WHERE NOT opc.opcdefault",
            &[],
        )
        .map_err(err)?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    for r in rows(cl, &q)? {
        let r = r?;
        let relid: u32 = r.get(0);
        let Some(t) = by_oid.get_mut(&relid) else {
            continue;
        };
        let nkey = r.get::<_, i32>(4) as usize;
        let keys: Vec<i16> = r.get(10);
        // Column keys by name, quoted as pg_get_indexdef quotes them; expressions as it deparses them.
        let defs: Vec<String> = r
            .get::<_, Vec<String>>(7)
            .into_iter()
            .zip(keys.iter().chain(std::iter::repeat(&0)))
            .map(|(d, k)| {
                if *k == 0 {
                    d
                } else {
                    attnames.get(Some(&**t), relid, *k)
                }
            })
            .collect();
        let is_col = |k: usize| keys.get(k).copied().unwrap_or(0) != 0;
        let options: Vec<i32> = r.get(8);
        let opclasses: Vec<u32> = r.get(9);
        let mut with: Vec<String> = r.get(11);
        with.sort();
        let collations = super::normalize::index_collations(&r.get::<_, String>(12));
        let parts = (0..nkey.min(defs.len()))
            .map(|k| {
                let o = options.get(k).copied().unwrap_or(0);
                let desc = o & 1 != 0;
                let nf = o & 2 != 0;
                IndexPart {
                    prefix: None,
                    expr: Expr::new(if is_col(k) {
                        crate::sql::quote_ident(&defs[k])
                    } else {
                        crate::sql::paren_array_casts(&defs[k])
                    }),
                    collation: collations.get(k).cloned().flatten(),
                    opclass: opclasses.get(k).and_then(|o| opclass_names.get(o)).cloned(),
                    desc,
                    nulls_first: if nf == desc { None } else { Some(nf) },
                }
            })
            .collect();
        t.indexes.push(Index {
            name: r.get(1),
            unique: r.get(2),
            method: r.get(3),
            parts,
            include: defs.iter().skip(nkey).cloned().collect(),
            predicate: r
                .get::<_, Option<String>>(6)
                .map(|p| Expr::new(crate::sql::paren_array_casts(&p))),
            nulls_not_distinct: r.get(5),
            with,
            ..Default::default()
        });
    }
    Ok(())
}
