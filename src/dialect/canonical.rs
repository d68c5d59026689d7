//! Canonicalization shared by all dialects: both sides of a diff go through it, so `diff` compares with `==`.

use std::collections::{BTreeMap, BTreeSet};

use super::Dialect;
use crate::schema::*;
use crate::sql::{index_column_names, sole_column};

/// Upper bound of an integer type, for sequence defaults.
pub fn int_max(ty: &str) -> i64 {
    match ty {
        "smallint" => i16::MAX as i64,
        "integer" => i32::MAX as i64,
        _ => i64::MAX,
    }
}

pub fn int_min(ty: &str) -> i64 {
    match ty {
        "smallint" => i16::MIN as i64,
        "integer" => i32::MIN as i64,
        _ => i64::MIN,
    }
}

/// Sets options equal to the defaults for `ty` to `None`, so written-out and omitted options compare equal.
pub fn canonical_seq_options(o: &mut SeqOptions, ty: &str) {
    let inc = o.increment.unwrap_or(1);
    let (dmin, dmax) = if inc > 0 {
        (1, int_max(ty))
    } else {
        (int_min(ty), -1)
    };
    if o.increment == Some(1) {
        o.increment = None;
    }
    if o.min == Some(dmin) {
        o.min = None;
    }
    if o.max == Some(dmax) {
        o.max = None;
    }
    let min = o.min.unwrap_or(dmin);
    let max = o.max.unwrap_or(dmax);
    let dstart = if inc > 0 { min } else { max };
    if o.start == Some(dstart) {
        o.start = None;
    }
    if o.cache == Some(1) {
        o.cache = None;
    }
}

pub(super) fn qn<D: Dialect + ?Sized>(d: &D, q: &mut QName) {
    if q.schema.as_deref() == Some(d.default_namespace()) {
        q.schema = None;
    }
}

thread_local! {
    /// Expression keys by (dialect, text): real schemas repeat the same defaults and checks a lot.
    static KEYS: std::cell::RefCell<Memo<String>> = Default::default();
}

/// Results by dialect name, then by input text (looked up without copying the text).
type Memo<V> = std::collections::HashMap<&'static str, crate::fasthash::FxHashMap<String, V>>;

pub(super) fn key<D: Dialect + ?Sized>(d: &D, e: &mut Expr) {
    e.key = KEYS.with(|k| {
        let mut k = k.borrow_mut();
        let by = k.entry(d.name()).or_default();
        if let Some(v) = by.get(e.sql.as_str()) {
            return v.clone();
        }
        let v = d.expr_key(&e.sql);
        by.insert(e.sql.clone(), v.clone());
        v
    });
}

thread_local! {
    /// Canonical types by (dialect, spelling): thousands of columns share a few dozen types.
    static TYPES: std::cell::RefCell<Memo<Result<String, String>>> = Default::default();
}

/// What `f` gives for `ty`, worked out once per dialect and thread.
pub fn remembered(
    dialect: &'static str,
    ty: &str,
    f: fn(&str) -> Result<String, String>,
) -> Result<String, String> {
    TYPES.with(|m| {
        let mut m = m.borrow_mut();
        let by = m.entry(dialect).or_default();
        if let Some(v) = by.get(ty) {
            return v.clone();
        }
        let v = f(ty);
        by.insert(ty.to_string(), v.clone());
        v
    })
}

pub fn canonicalize<D: Dialect + ?Sized>(d: &D, s: &mut Schema) {
    let mut namespaces: Vec<String> = s.namespaces.clone();
    let mut note = |q: &QName| {
        if let Some(n) = &q.schema {
            namespaces.push(n.clone());
        }
    };
    let collations = std::mem::take(&mut s.collations);
    for (_, mut c) in collations {
        qn(d, &mut c.name);
        note(&c.name);
        // libc keeps the locale as lc_collate + lc_ctype; ICU has only its locale.
        if c.provider == "libc" {
            if let Some(l) = c.locale.take() {
                c.lc_collate.get_or_insert(l.clone());
                c.lc_ctype.get_or_insert(l);
            }
        } else {
            c.lc_collate = None;
            c.lc_ctype = None;
        }
        s.collations.insert(c.name.clone(), c);
    }
    // Text search objects: names in `pg_catalog` and the default namespace unqualified.
    let unq = |x: &mut String| {
        for p in ["pg_catalog.", "public."] {
            if let Some(r) = x.strip_prefix(p) {
                *x = r.to_string();
            }
        }
    };
    let dicts = std::mem::take(&mut s.ts_dictionaries);
    for (_, mut t) in dicts {
        qn(d, &mut t.name);
        note(&t.name);
        unq(&mut t.template);
        s.ts_dictionaries.insert(t.name.clone(), t);
    }
    let cfgs = std::mem::take(&mut s.ts_configurations);
    for (_, mut t) in cfgs {
        qn(d, &mut t.name);
        note(&t.name);
        unq(&mut t.parser);
        for v in t.mappings.values_mut() {
            v.iter_mut().for_each(unq);
        }
        s.ts_configurations.insert(t.name.clone(), t);
    }
    let enums = std::mem::take(&mut s.enums);
    for (_, mut e) in enums {
        qn(d, &mut e.name);
        note(&e.name);
        s.enums.insert(e.name.clone(), e);
    }
    let domains = std::mem::take(&mut s.domains);
    for (_, mut dm) in domains {
        qn(d, &mut dm.name);
        note(&dm.name);
        dm.ty = d.canonical_type(&dm.ty).unwrap_or(dm.ty);
        if let Some(e) = &mut dm.default {
            key(d, e);
        }
        for c in &mut dm.checks {
            key(d, &mut c.expr);
        }
        dm.checks.sort_by(|a, b| a.name.cmp(&b.name));
        dm.comment = dm.comment.filter(|c| !c.is_empty());
        s.domains.insert(dm.name.clone(), dm);
    }
    let seqs = std::mem::take(&mut s.sequences);
    for (_, mut sq) in seqs {
        qn(d, &mut sq.name);
        note(&sq.name);
        sq.ty = d.canonical_type(&sq.ty).unwrap_or(sq.ty);
        canonical_seq_options(&mut sq.options, &sq.ty);
        if let Some((t, _)) = &mut sq.owned_by {
            qn(d, t);
        }
        sq.comment = sq.comment.filter(|c| !c.is_empty());
        s.sequences.insert(sq.name.clone(), sq);
    }
    let funcs = std::mem::take(&mut s.functions);
    for (_, mut f) in funcs {
        qn(d, &mut f.name);
        note(&f.name);
        f.args = canonical_args(d, &f.args);
        f.sql.key = function_key(&f.sql.sql);
        s.functions.insert(f.signature(), f);
    }
    let tables = std::mem::take(&mut s.tables);
    // Names already taken in each schema, which a default name steps around as PostgreSQL's does
    // (`x_a_key1` when a table is called `x_a_key`): relations (tables, sequences, named keys and
    // indexes) and named constraints.
    let mut used: BTreeMap<Option<String>, BTreeSet<String>> = BTreeMap::new();
    for t in tables.values() {
        let mut n = t.name.clone();
        qn(d, &mut n);
        let set = used.entry(n.schema.clone()).or_default();
        set.insert(n.name.clone());
        let named = t
            .primary_key
            .iter()
            .map(|p| &p.name)
            .chain(t.uniques.iter().map(|u| &u.name))
            .chain(t.indexes.iter().map(|i| &i.name))
            .chain(t.others.iter().map(|o| &o.name))
            .chain(t.checks.iter().map(|c| &c.name))
            .chain(t.foreign_keys.iter().map(|f| &f.name));
        set.extend(named.filter(|x| !x.is_empty()).cloned());
    }
    for q in s.sequences.keys() {
        used.entry(q.schema.clone())
            .or_default()
            .insert(q.name.clone());
    }
    let mut out = BTreeMap::new();
    for (_, mut t) in tables {
        qn(d, &mut t.name);
        note(&t.name);
        if let Some(r) = &mut t.renamed_from {
            qn(d, r);
        }
        let none = BTreeSet::new();
        let others = used.get(&t.name.schema).unwrap_or(&none);
        canonical_table(d, &mut t, others);
        out.insert(t.name.clone(), t);
    }
    // FKs that name only a table reference its primary key.
    let bare: Vec<(QName, usize, QName)> = out
        .values()
        .flat_map(|t| {
            t.foreign_keys
                .iter()
                .enumerate()
                .filter(|(_, f)| f.ref_columns.is_empty())
                .map(|(i, f)| (t.name.clone(), i, f.ref_table.clone()))
        })
        .collect();
    for (table, i, target) in bare {
        let pk = out
            .get(&target)
            .and_then(|t| t.primary_key.as_ref())
            .map(|p| p.columns.clone())
            .unwrap_or_default();
        if let Some(fk) = out.get_mut(&table).and_then(|t| t.foreign_keys.get_mut(i)) {
            fk.ref_columns = pk;
        }
    }
    s.tables = out;
    super::canonical_objects::canonical_objects(d, s, &mut namespaces, &used);
    namespaces.extend(s.extensions.iter().filter_map(|e| e.schema.clone()));
    namespaces.retain(|n| n != d.default_namespace());
    namespaces.sort();
    namespaces.dedup();
    s.namespaces = namespaces;
    // plpgsql comes with every PostgreSQL database: never created, dropped or compared.
    s.extensions.retain(|e| e.name != "plpgsql");
    s.extensions.sort_by(|a, b| a.name.cmp(&b.name));
    for e in &mut s.extensions {
        if e.schema.as_deref() == Some(d.default_namespace()) {
            e.schema = None;
        }
    }
    s.unmanaged.sort();
}

pub(super) fn canonical_table<D: Dialect + ?Sized>(
    d: &D,
    t: &mut Table,
    elsewhere: &BTreeSet<String>,
) {
    let tname = t.name.name.clone();
    for c in &mut t.columns {
        let canon = d.canonical_type(&c.ty).unwrap_or_else(|_| c.ty.clone());
        if c.decl.is_none() && d.keeps_declared_types() && canon != c.ty {
            c.decl = Some(c.ty.clone());
        }
        c.ty = canon;
        for e in [&mut c.default, &mut c.generated].into_iter().flatten() {
            key(d, e);
        }
        c.stored = c.generated.is_some() && (c.stored || d.generated_always_stored());
        if let Some(i) = &mut c.identity {
            canonical_seq_options(&mut i.options, &c.ty);
            match &mut i.sequence {
                Some(q) => qn(d, q),
                None => {
                    i.sequence = Some(QName {
                        schema: t.name.schema.clone(),
                        name: d.default_name(&tname, std::slice::from_ref(&c.name), "seq"),
                    })
                }
            }
        }
        c.comment = c.comment.take().filter(|x| !x.is_empty());
    }
    let cols: Vec<String> = t.columns.iter().map(|c| c.name.clone()).collect();
    // Names given in the models are taken first; a default name that is already taken gets the number
    // PostgreSQL appends (`t_a_check`, `t_a_check1`, …; `t_lower_idx1`).
    let mut taken: std::collections::BTreeSet<String> = t
        .checks
        .iter()
        .map(|c| c.name.clone())
        .chain(t.uniques.iter().map(|u| u.name.clone()))
        .chain(t.foreign_keys.iter().map(|f| f.name.clone()))
        .chain(t.primary_key.iter().map(|p| p.name.clone()))
        .chain(t.others.iter().map(|o| o.name.clone()))
        .chain(t.indexes.iter().map(|i| i.name.clone()))
        .filter(|n| !n.is_empty())
        .collect();
    let numbers = d.keeps_constraint_names();
    let mut choose = |columns: &[String], kind: &str| {
        let mut name = d.default_name(&tname, columns, kind);
        let mut n = 0;
        while numbers && (taken.contains(&name) || (name != tname && elsewhere.contains(&name))) {
            n += 1;
            name = d.default_name(&tname, columns, &format!("{kind}{n}"));
        }
        taken.insert(name.clone());
        name
    };
    if let Some(pk) = &mut t.primary_key {
        if pk.name.is_empty() {
            pk.name = choose(&[], "pkey");
        }
    }
    for u in &mut t.uniques {
        if u.name.is_empty() {
            u.name = choose(&u.columns, "key");
        }
    }
    for f in &mut t.foreign_keys {
        qn(d, &mut f.ref_table);
        if f.name.is_empty() {
            f.name = choose(&f.columns, "fkey");
        }
    }
    for c in &mut t.checks {
        key(d, &mut c.expr);
        if c.name.is_empty() {
            let sole = sole_column(&c.expr.sql, &cols);
            c.name = choose(&sole.into_iter().collect::<Vec<_>>(), "check");
        }
    }
    for o in &mut t.others {
        key(d, &mut o.definition);
        if o.name.is_empty() {
            let names = index_column_names(
                crate::sql::exclude_elements(&o.definition.sql)
                    .iter()
                    .map(String::as_str),
                &cols,
            );
            o.name = choose(&names, "excl");
        }
    }
    for i in &mut t.indexes {
        for p in &mut i.parts {
            key(d, &mut p.expr);
            if p.nulls_first == Some(p.desc) {
                p.nulls_first = None;
            }
        }
        if let Some(p) = &mut i.predicate {
            key(d, p);
        }
        i.method = i.method.to_ascii_lowercase();
        if i.name.is_empty() {
            let names = index_column_names(i.parts.iter().map(|p| p.expr.sql.as_str()), &cols);
            i.name = choose(&names, "idx");
        }
    }
    if let Some(p) = &mut t.partition_by {
        key(d, p);
    }
    t.not_null.sort();
    for p in &mut t.inherits {
        qn(d, p);
    }
    if let Some(p) = &mut t.partition_of {
        qn(d, &mut p.parent);
        p.bound.key = bound_key(&p.bound.sql);
    }
    t.comment = t.comment.take().filter(|x| !x.is_empty());
    // Constraint lists compare as sets: sort by name (where names exist; else keep declaration order).
    if d.keeps_constraint_names() {
        t.uniques.sort_by(|a, b| a.name.cmp(&b.name));
        t.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
        t.checks.sort_by(|a, b| a.name.cmp(&b.name));
    }
    t.others.sort_by(|a, b| a.name.cmp(&b.name));
    t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    t.options.sort();
}

/// Argument types of a signature, canonical, names and modes dropped: `t text, n int` → `text, integer`.
pub fn canonical_args<D: Dialect + ?Sized>(d: &D, args: &str) -> String {
    let mut out = vec![];
    let mut depth = 0;
    let mut cur = String::new();
    let mut parts = vec![];
    for ch in args.chars() {
        match ch {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    parts.push(cur);
    for p in parts {
        let mut words: Vec<&str> = p.split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        if matches!(
            words[0].to_ascii_lowercase().as_str(),
            "in" | "out" | "inout" | "variadic"
        ) {
            words.remove(0);
        }
        // `name type` or just `type`: a type never has a first word that is not itself a type word.
        let whole = words.join(" ");
        let canon = d.canonical_type(&whole).unwrap_or(whole.clone());
        let known = d.known_type(&canon);
        let ty = if !known && words.len() > 1 {
            let rest = words[1..].join(" ");
            d.canonical_type(&rest).unwrap_or(rest)
        } else {
            canon
        };
        out.push(ty);
    }
    out.join(", ")
}

/// Comparison key of a `CREATE FUNCTION` text: case and spacing folded, `OR REPLACE`, the `public.`
/// qualification and dollar-quote tags ignored.
pub fn function_key(sql: &str) -> String {
    // Header clauses may come in any order (`IMMUTABLE LANGUAGE sql` = `LANGUAGE sql IMMUTABLE`):
    // compare the header as a sorted list of tokens, and the body as folded text.
    let (header, body) = split_function(sql);
    let header = crate::sql::fold_text(&header)
        .replacen("create or replace ", "create ", 1)
        .replace("public.", "");
    let spaced: String = header
        .chars()
        .flat_map(|c| {
            if "(),".contains(c) {
                vec![' ', c, ' ']
            } else {
                vec![c]
            }
        })
        .collect();
    let mut toks: Vec<&str> = spaced.split_whitespace().collect();
    toks.sort_unstable();
    let body = body.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("{} | {}", toks.join(" "), body)
}

pub use crate::sql::split_function;

/// Comparison key of a partition bound: folded text, with date/time literals as PostgreSQL prints them
/// in UTC (`'2026-01-01 00:00:00+00'`) equal to the way people write them (`'2026-01-01'`).
pub fn bound_key(sql: &str) -> String {
    let folded = crate::sql::fold_text(sql);
    let mut out = String::new();
    let mut rest = folded.as_str();
    while let Some(start) = rest.find('\'') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after.find('\'').unwrap_or(after.len());
        let lit = &after[..end];
        let mut v = lit.to_string();
        for suffix in ["+00", " 00:00:00"] {
            if v.len() >= 10 && v.as_bytes()[4] == b'-' && v.ends_with(suffix) {
                v.truncate(v.len() - suffix.len());
            }
        }
        out.push('\'');
        out.push_str(&v);
        out.push('\'');
        rest = &after[(end + 1).min(after.len())..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_key_ignores_clause_order_and_quoting_style() {
        let user = "CREATE FUNCTION add_one(integer) RETURNS integer IMMUTABLE LANGUAGE sql AS $$ SELECT $1 + 1 $$";
        let pg = "CREATE OR REPLACE FUNCTION public.add_one(integer)\n RETURNS integer\n LANGUAGE sql\n IMMUTABLE\nAS $function$ SELECT $1 + 1 $function$\n";
        assert_eq!(function_key(user), function_key(pg));
        let quoted = "CREATE FUNCTION add_one(integer) RETURNS integer LANGUAGE sql IMMUTABLE AS ' SELECT $1 + 1 '";
        assert_eq!(function_key(user), function_key(quoted));
        assert_ne!(
            function_key(user),
            function_key(&user.replace("+ 1", "+ 2"))
        );
        assert_ne!(
            function_key(user),
            function_key(&user.replace("IMMUTABLE", "STABLE"))
        );
    }

    #[test]
    fn function_arguments_are_types_only() {
        let d = crate::dialect::postgres::Postgres;
        assert_eq!(canonical_args(&d, "t text, n int"), "text, integer");
        assert_eq!(
            canonical_args(&d, "double precision, character varying"),
            "double precision, character varying"
        );
        assert_eq!(canonical_args(&d, "text[]"), "text[]");
    }

    #[test]
    fn default_sequence_options_compare_equal_to_omitted_ones() {
        let mut o = SeqOptions {
            start: Some(1),
            increment: Some(1),
            min: Some(1),
            max: Some(i32::MAX as i64),
            cache: Some(1),
            cycle: false,
        };
        canonical_seq_options(&mut o, "integer");
        assert_eq!(o, SeqOptions::default());
    }

    #[test]
    fn default_names_follow_postgres() {
        use crate::sql::index_column_name;
        let cols = vec![
            "ends_at".to_string(),
            "starts_at".to_string(),
            "text".to_string(),
        ];
        assert_eq!(
            sole_column("('x'::text <> ends_at)", &cols).as_deref(),
            Some("ends_at")
        );
        assert_eq!(sole_column("starts_at < ends_at", &cols), None);
        assert_eq!(
            sole_column("ends_at > 0 AND ends_at < 9", &cols).as_deref(),
            Some("ends_at")
        );
        assert_eq!(sole_column("true", &cols), None);
        assert_eq!(
            index_column_names(
                ["starts_at", "lower(x)", "(a + b)", "(b + c)", "lower(y)"],
                &cols
            ),
            ["starts_at", "lower", "expr", "expr1", "lower1"]
        );
        assert_eq!(index_column_name("lower((email)::text)", &cols), "lower");
        assert_eq!(index_column_name("(a + b)", &cols), "expr");
        assert_eq!(index_column_name("starts_at", &cols), "starts_at");
    }
}
