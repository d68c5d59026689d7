//! Reading a revision file's header without its SQL: the graph commands need ids, parents and messages only.

use std::io::Read;
use std::path::Path;

use super::file::{parse_header, Revision};
use super::RevisionError;

/// The header of the revision file at `path`: read in blocks until the `-- upgrade` line (or the end),
/// so a file of a million statements costs one block.
pub(super) fn read(path: &Path) -> Result<Revision, RevisionError> {
    let io = |e: std::io::Error| RevisionError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let mut f = std::fs::File::open(path).map_err(io)?;
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut scanned = 0;
    loop {
        let have = buf.len();
        buf.resize(have + 4096, 0);
        let n = f.read(&mut buf[have..]).map_err(io)?;
        buf.truncate(have + n);
        // Whole lines read so far: is one of them `-- upgrade`?
        let complete = if n == 0 {
            buf.len()
        } else {
            buf.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1)
        };
        let found = buf[scanned..complete]
            .split(|b| *b == b'\n')
            .any(|l| l.trim_ascii() == b"-- upgrade");
        scanned = complete;
        if found || n == 0 {
            let text = std::str::from_utf8(&buf[..complete]).map_err(|_| RevisionError::Io {
                path: path.display().to_string(),
                reason: "not UTF-8 text".into(),
            })?;
            return parse_header(path, text);
        }
    }
}
