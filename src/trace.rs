//! `AUTOGEN_TRACE=1` lines: what each stage took, with the process's memory.

/// The process's memory now and at its peak (`VmRSS`, `VmHWM` of /proc/self/status; `?` elsewhere).
pub fn memory_use() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let get = |k: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(k))
            .map_or("?".to_string(), |v| v.trim().to_string())
    };
    format!("rss {}, peak {}", get("VmRSS:"), get("VmHWM:"))
}
