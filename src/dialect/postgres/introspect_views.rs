//! PostgreSQL introspection of views, materialized views, triggers, policies and rules, one bulk
//! query per kind, as the server deparses them (`pg_get_viewdef`, `pg_get_triggerdef`, `pg_get_expr`,
//! `pg_get_ruledef`).

use super::introspect::{err, not_ext, qname};
use crate::dialect::conn::DbError;
use crate::schema::*;

/// Views and materialized views with their oid (their columns and indexes are read with the tables').
pub(super) fn views(cl: &mut postgres::Client, nsf: &str) -> Result<Vec<(u32, View)>, DbError> {
    // Column privileges the owner granted: four arrays in one order (column, privilege, grant
    // option, grantee).
    let col_acl = ["at.attname::text", "a.privilege_type", "a.is_grantable", "CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee)::text END"]
        .map(|x| format!("ARRAY(SELECT {x} FROM pg_attribute at CROSS JOIN LATERAL aclexplode(at.attacl) a \
             WHERE at.attrelid = c.oid AND at.attnum > 0 AND at.attacl IS NOT NULL AND a.grantee <> c.relowner AND a.grantor = c.relowner \
             ORDER BY at.attnum, a.privilege_type, a.grantee)"))
        .join(", ");
    let q = format!(
        "SELECT c.oid, n.nspname::text, c.relname::text, c.relkind = 'm', pg_get_viewdef(c.oid), \
         coalesce(c.reloptions, '{{}}'::text[]), c.relispopulated, \
         (SELECT ds.description FROM pg_description ds WHERE ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0), \
         CASE WHEN c.relowner <> (SELECT r.oid FROM pg_roles r WHERE r.rolname = current_user) THEN pg_get_userbyid(c.relowner)::text END, \
         ARRAY(SELECT a.privilege_type || '|' || CASE WHEN a.is_grantable THEN 't' ELSE 'f' END || '|' || \
           CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee)::text END \
           FROM aclexplode(c.relacl) a WHERE a.grantee <> c.relowner AND a.grantor = c.relowner ORDER BY 1), \
         ARRAY(SELECT at.attname::text FROM pg_description ds JOIN pg_attribute at ON at.attrelid = ds.objoid AND at.attnum = ds.objsubid \
           WHERE ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid > 0 ORDER BY ds.objsubid), \
         ARRAY(SELECT ds.description FROM pg_description ds \
           WHERE ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid > 0 ORDER BY ds.objsubid), \
         {col_acl} \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind IN ('v', 'm') AND {nsf} AND {}",
        not_ext("pg_class", "c.oid")
    );
    let mut out = vec![];
    for r in cl.query(&q, &[]).map_err(err)? {
        let mut v = View::new(qname(r.get(1), r.get(2)), "");
        v.materialized = r.get(3);
        let def: Option<String> = r.get(4);
        v.sql = Expr::new(
            def.unwrap_or_default()
                .trim()
                .trim_end_matches(';')
                .trim_end(),
        );
        for o in r.get::<_, Vec<String>>(5) {
            match o.split_once('=') {
                Some(("check_option", c)) => v.check_option = Some(c.to_string()),
                Some(("security_barrier", b)) => v.security_barrier = b == "true" || b == "on",
                Some(("security_invoker", b)) => v.security_invoker = b == "true" || b == "on",
                _ => {}
            }
        }
        v.with_data = !v.materialized || r.get::<_, bool>(6);
        v.comment = r.get(7);
        v.kept.owner = r.get(8);
        for g in r.get::<_, Vec<String>>(9) {
            let mut parts = g.splitn(3, '|');
            if let (Some(p), Some(o), Some(to)) = (parts.next(), parts.next(), parts.next()) {
                v.kept
                    .grants
                    .push((p.to_string(), to.to_string(), o == "t"));
            }
        }
        let names: Vec<String> = r.get(10);
        let texts: Vec<String> = r.get(11);
        v.kept.column_comments = names.into_iter().zip(texts).collect();
        let (cols, privs, options, grantees): (Vec<String>, Vec<String>, Vec<bool>, Vec<String>) =
            (r.get(12), r.get(13), r.get(14), r.get(15));
        for (((col, p), o), to) in cols.into_iter().zip(privs).zip(options).zip(grantees) {
            v.kept.column_grants.push((col, p, to, o));
        }
        out.push((r.get(0), v));
    }
    Ok(out)
}

/// Triggers (not internal ones: those of FKs), policies and rules (not a view's `_RETURN`).
pub(super) fn triggers_policies_rules(
    cl: &mut postgres::Client,
    nsf: &str,
    s: &mut Schema,
) -> Result<(), DbError> {
    let q = format!(
        "SELECT n.nspname::text, c.relname::text, t.tgname::text, pg_get_triggerdef(t.oid, false) \
         FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND {nsf} AND {}",
        not_ext("pg_trigger", "t.oid")
    );
    for r in cl.query(&q, &[]).map_err(err)? {
        let table = qname(r.get(0), r.get(1));
        let name: String = r.get(2);
        s.triggers.insert(
            (table.clone(), name.clone()),
            Trigger {
                name,
                table,
                sql: Expr::new(r.get::<_, String>(3)),
            },
        );
    }
    let q = format!(
        "SELECT n.nspname::text, c.relname::text, p.polname::text, p.polcmd::text, p.polpermissive, \
         ARRAY(SELECT CASE WHEN x.r = 0 THEN 'public' ELSE (SELECT a.rolname::text FROM pg_roles a WHERE a.oid = x.r) END FROM unnest(p.polroles) x(r)), \
         pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid) \
         FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {nsf}"
    );
    for r in cl.query(&q, &[]).map_err(err)? {
        let table = qname(r.get(0), r.get(1));
        let name: String = r.get(2);
        let command = match r.get::<_, String>(3).as_str() {
            "r" => "select",
            "a" => "insert",
            "w" => "update",
            "d" => "delete",
            _ => "all",
        };
        s.policies.insert(
            (table.clone(), name.clone()),
            Policy {
                name,
                table,
                command: command.into(),
                permissive: r.get(4),
                roles: r.get(5),
                using: r.get::<_, Option<String>>(6).map(Expr::new),
                with_check: r.get::<_, Option<String>>(7).map(Expr::new),
                written_roles: None,
            },
        );
    }
    let q = format!(
        "SELECT n.nspname::text, c.relname::text, r.rulename::text, pg_get_ruledef(r.oid) \
         FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE r.rulename <> '_RETURN' AND {nsf} AND {}",
        not_ext("pg_rewrite", "r.oid")
    );
    for r in cl.query(&q, &[]).map_err(err)? {
        let table = qname(r.get(0), r.get(1));
        let name: String = r.get(2);
        let sql: String = r.get(3);
        s.rules.insert(
            (table.clone(), name.clone()),
            Rule {
                name,
                table,
                sql: Expr::new(sql.trim().trim_end_matches(';').trim_end()),
            },
        );
    }
    Ok(())
}
