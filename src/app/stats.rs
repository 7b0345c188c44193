//! Container resource statistics, computed exactly like the docker CLI's
//! `docker stats` (`cli/command/container/stats_helpers.go` and
//! `formatter_stats.go`, with sizes formatted like `docker/go-units`).
//!
//! Pure code: turns engine `ContainerStatsResponse`s into [`StatsSample`]s,
//! keeps a bounded [`StatsHistory`] per container for charts, and formats
//! numbers the way the docker CLI prints them.
//!
//! ## CPU % without `precpu_stats`
//!
//! The engine fills `precpu_stats` from the previous sample it read. With
//! `stream=false, one_shot=true` (and on the first frame of a stream) that
//! previous sample does not exist and `precpu_stats` is zeroed, so the CLI
//! formula would give nothing useful. Every [`StatsSample`] therefore keeps the
//! raw cumulative counters ([`CpuCounters`]) and records whether its
//! `cpu_percent` came from the engine's `precpu_stats`
//! ([`StatsSample::cpu_from_precpu`]). When it did not,
//! [`StatsHistory::push`] (or [`StatsSample::from_response_after`]) computes
//! the CPU % from the previous sample's raw counters with the same formula.

use std::collections::{HashMap, VecDeque};

use bollard::models::{
    ContainerBlkioStats, ContainerCpuStats, ContainerMemoryStats, ContainerNetworkStats,
    ContainerStatsResponse,
};

/// Raw cumulative CPU counters of one sample, in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CpuCounters {
    /// `cpu_usage.total_usage`: CPU time consumed by the container.
    pub total_usage: u64,
    /// `system_cpu_usage`: CPU time of the whole host (all cores).
    pub system_usage: u64,
}

impl CpuCounters {
    /// Counters from an engine `cpu_stats` / `precpu_stats` object.
    pub fn from_cpu_stats(c: &ContainerCpuStats) -> Self {
        CpuCounters {
            total_usage: c
                .cpu_usage
                .as_ref()
                .and_then(|u| u.total_usage)
                .unwrap_or(0),
            system_usage: c.system_cpu_usage.unwrap_or(0),
        }
    }

    /// Whether these counters hold a real reading. The host's cumulative CPU
    /// time is never zero, so a zero `system_usage` means "not populated"
    /// (what the engine sends in `precpu_stats` for one-shot / first samples).
    pub fn is_empty(&self) -> bool {
        self.system_usage == 0
    }
}

/// One container stats reading, reduced to the numbers `docker stats` shows.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StatsSample {
    /// The sample's `read` time (unix nanoseconds), 0 if unknown.
    pub read_nanos: i64,
    /// Like the docker CLI: `(cpu_delta / system_delta) * online_cpus * 100`;
    /// two busy cores on a 2-core host = 200.0.
    pub cpu_percent: f64,
    /// `online_cpus`, falling back to `len(percpu_usage)` when 0 / absent.
    pub online_cpus: u32,
    /// Memory usage minus inactive file cache (`calculateMemUsageUnixNoCache`).
    pub mem_used: u64,
    pub mem_limit: u64,
    /// `mem_used / mem_limit * 100`, 0 when the limit is 0.
    pub mem_percent: f64,
    /// Cumulative bytes received, summed over all interfaces.
    pub net_rx: u64,
    /// Cumulative bytes sent, summed over all interfaces.
    pub net_tx: u64,
    /// Cumulative bytes read (`io_service_bytes_recursive`, op `Read`).
    pub blk_read: u64,
    /// Cumulative bytes written (`io_service_bytes_recursive`, op `Write`).
    pub blk_write: u64,
    pub pids: u64,
    /// Raw cumulative CPU counters of this sample (`cpu_stats`).
    pub cpu: CpuCounters,
    /// True when `cpu_percent` was computed from the engine's `precpu_stats`.
    /// False when `precpu_stats` was empty (one-shot / first sample): then
    /// `cpu_percent` is 0 until computed against a previous sample with
    /// [`StatsSample::cpu_from_prev`] (which [`StatsHistory::push`] does).
    pub cpu_from_precpu: bool,
}

impl StatsSample {
    /// Compute a sample from one engine response, like the docker CLI does.
    ///
    /// If the response's `precpu_stats` is empty, `cpu_percent` is 0 and
    /// `cpu_from_precpu` is false; see [`StatsSample::from_response_after`].
    pub fn from_response(s: &ContainerStatsResponse) -> Self {
        let default_cpu = ContainerCpuStats::default();
        let cpu_stats = s.cpu_stats.as_ref().unwrap_or(&default_cpu);
        let cpu = CpuCounters::from_cpu_stats(cpu_stats);
        let online_cpus = online_cpus(cpu_stats);
        let pre = s
            .precpu_stats
            .as_ref()
            .map(CpuCounters::from_cpu_stats)
            .unwrap_or_default();
        let (cpu_percent, cpu_from_precpu) = if pre.is_empty() {
            (0.0, false)
        } else {
            (cpu_percent_unix(pre, cpu, online_cpus), true)
        };

        let (mem_used, mem_limit) = match &s.memory_stats {
            Some(m) => (mem_usage_no_cache(m), m.limit.unwrap_or(0)),
            None => (0, 0),
        };
        let (net_rx, net_tx) = network_totals(s.networks.as_ref());
        let (blk_read, blk_write) = s
            .blkio_stats
            .as_ref()
            .map(block_io_totals)
            .unwrap_or((0, 0));

        StatsSample {
            read_nanos: s.read.as_ref().map(ReadTime::unix_nanos).unwrap_or(0),
            cpu_percent,
            online_cpus,
            mem_used,
            mem_limit,
            mem_percent: mem_percent(mem_limit, mem_used),
            net_rx,
            net_tx,
            blk_read,
            blk_write,
            pids: s.pids_stats.as_ref().and_then(|p| p.current).unwrap_or(0),
            cpu,
            cpu_from_precpu,
        }
    }

    /// Like [`StatsSample::from_response`], but when the engine's
    /// `precpu_stats` is empty, the CPU % is computed against `prev` (the
    /// previous sample of the same container), e.g. when polling with
    /// `stream=false, one_shot=true`.
    pub fn from_response_after(s: &ContainerStatsResponse, prev: Option<&StatsSample>) -> Self {
        let sample = Self::from_response(s);
        match prev {
            Some(p) if !sample.cpu_from_precpu => sample.cpu_from_prev(p),
            _ => sample,
        }
    }

    /// This sample with `cpu_percent` recomputed with the docker CLI formula,
    /// using `prev`'s raw counters as the "pre" reading.
    pub fn cpu_from_prev(mut self, prev: &StatsSample) -> Self {
        if !prev.cpu.is_empty() {
            self.cpu_percent = cpu_percent_unix(prev.cpu, self.cpu, self.online_cpus);
        }
        self
    }
}

/// The sample's `read` timestamp as unix nanoseconds (0 if unparsable or out
/// of `i64` range, like the engine's `0001-01-01T00:00:00Z` "unset" value).
/// Implemented for the types bollard may use for dates.
trait ReadTime {
    fn unix_nanos(&self) -> i64;
}

impl ReadTime for String {
    fn unix_nanos(&self) -> i64 {
        chrono::DateTime::parse_from_rfc3339(self)
            .ok()
            .and_then(|t| t.timestamp_nanos_opt())
            .unwrap_or(0)
    }
}

impl ReadTime for chrono::DateTime<chrono::Utc> {
    fn unix_nanos(&self) -> i64 {
        self.timestamp_nanos_opt().unwrap_or(0)
    }
}

/// `online_cpus`, or the length of `percpu_usage` when that is 0 / absent.
pub fn online_cpus(c: &ContainerCpuStats) -> u32 {
    match c.online_cpus {
        Some(n) if n != 0 => n,
        _ => c
            .cpu_usage
            .as_ref()
            .and_then(|u| u.percpu_usage.as_ref())
            .map(|v| u32::try_from(v.len()).unwrap_or(u32::MAX))
            .unwrap_or(0),
    }
}

/// The docker CLI's `calculateCPUPercentUnix`: 0 unless both the container
/// and the system CPU counters increased.
pub fn cpu_percent_unix(prev: CpuCounters, cur: CpuCounters, online_cpus: u32) -> f64 {
    let cpu_delta = cur.total_usage as f64 - prev.total_usage as f64;
    let system_delta = cur.system_usage as f64 - prev.system_usage as f64;
    if system_delta > 0.0 && cpu_delta > 0.0 {
        (cpu_delta / system_delta) * f64::from(online_cpus) * 100.0
    } else {
        0.0
    }
}

/// The docker CLI's `calculateMemUsageUnixNoCache`:
/// - cgroup v1: `usage - stats["total_inactive_file"]` if that key exists
///   and is smaller than `usage`;
/// - otherwise (cgroup v2): `usage - stats["inactive_file"]` if smaller than
///   `usage` (a missing key counts as 0);
/// - otherwise `usage`.
///
/// (Docker 19.03 and older subtracted `stats["cache"]`; the current CLI does
/// not look at `cache` at all.)
pub fn mem_usage_no_cache(mem: &ContainerMemoryStats) -> u64 {
    let usage = mem.usage.unwrap_or(0);
    let stat = |k: &str| mem.stats.as_ref().and_then(|s| s.get(k).copied());
    if let Some(v) = stat("total_inactive_file")
        && v < usage
    {
        return usage - v;
    }
    let v = stat("inactive_file").unwrap_or(0);
    if v < usage { usage - v } else { usage }
}

/// The docker CLI's `calculateMemPercentUnixNoCache`.
pub fn mem_percent(limit: u64, used_no_cache: u64) -> f64 {
    if limit != 0 {
        used_no_cache as f64 / limit as f64 * 100.0
    } else {
        0.0
    }
}

/// The docker CLI's `calculateNetwork`: (rx, tx) bytes summed over all
/// interfaces.
pub fn network_totals(networks: Option<&HashMap<String, ContainerNetworkStats>>) -> (u64, u64) {
    networks
        .into_iter()
        .flat_map(|m| m.values())
        .fold((0u64, 0u64), |(rx, tx), n| {
            (
                rx.saturating_add(n.rx_bytes.unwrap_or(0)),
                tx.saturating_add(n.tx_bytes.unwrap_or(0)),
            )
        })
}

/// The docker CLI's `calculateBlockIO`: (read, write) bytes summed over the
/// `io_service_bytes_recursive` entries whose op starts with `r`/`R`
/// (`Read`, cgroup v2 `read`) or `w`/`W` (`Write`, `write`).
pub fn block_io_totals(blkio: &ContainerBlkioStats) -> (u64, u64) {
    let mut read = 0u64;
    let mut write = 0u64;
    for e in blkio.io_service_bytes_recursive.iter().flatten() {
        let value = e.value.unwrap_or(0);
        match e.op.as_deref().and_then(|op| op.bytes().next()) {
            Some(b'r' | b'R') => read = read.saturating_add(value),
            Some(b'w' | b'W') => write = write.saturating_add(value),
            _ => {}
        }
    }
    (read, write)
}

/// Bounded history of one container's samples, oldest first.
#[derive(Debug, Clone)]
pub struct StatsHistory {
    samples: VecDeque<StatsSample>,
    capacity: usize,
}

impl StatsHistory {
    /// A history keeping at most `capacity` samples (at least 1).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        StatsHistory {
            samples: VecDeque::with_capacity(capacity),
            capacity,
        }
    }

    /// Append a sample, dropping the oldest beyond capacity. If the sample's
    /// CPU % could not come from the engine's `precpu_stats`, it is computed
    /// against the previous sample's raw counters.
    pub fn push(&mut self, s: StatsSample) {
        let s = match self.samples.back() {
            Some(prev) if !s.cpu_from_precpu => s.cpu_from_prev(prev),
            _ => s,
        };
        while self.samples.len() >= self.capacity {
            self.samples.pop_front();
        }
        self.samples.push_back(s);
    }

    pub fn latest(&self) -> Option<&StatsSample> {
        self.samples.back()
    }

    /// The samples, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &StatsSample> + ExactSizeIterator {
        self.samples.iter()
    }

    /// CPU % in tenths of a percent (`12.34%` → 123), oldest first, for a
    /// ratatui `Sparkline`. May exceed 1000 on multi-core hosts.
    pub fn cpu_series(&self) -> Vec<u64> {
        self.samples.iter().map(|s| tenths(s.cpu_percent)).collect()
    }

    /// Memory used (bytes, without inactive file cache), oldest first.
    pub fn mem_series(&self) -> Vec<u64> {
        self.samples.iter().map(|s| s.mem_used).collect()
    }

    /// Memory % of the limit in tenths of a percent, oldest first.
    pub fn mem_percent_series(&self) -> Vec<u64> {
        self.samples.iter().map(|s| tenths(s.mem_percent)).collect()
    }

    /// Network (rx, tx) bytes per second between the last two samples.
    pub fn net_rates(&self) -> Option<(f64, f64)> {
        self.rates(|s| (s.net_rx, s.net_tx))
    }

    /// Block I/O (read, write) bytes per second between the last two samples.
    pub fn blk_rates(&self) -> Option<(f64, f64)> {
        self.rates(|s| (s.blk_read, s.blk_write))
    }

    pub fn len(&self) -> usize {
        self.samples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn clear(&mut self) {
        self.samples.clear();
    }

    /// Per-second rates of two cumulative counters between the last two
    /// samples. None without two samples with known, increasing read times.
    /// A counter that went backwards (container restarted) gives rate 0.
    fn rates(&self, f: impl Fn(&StatsSample) -> (u64, u64)) -> Option<(f64, f64)> {
        let n = self.samples.len();
        if n < 2 {
            return None;
        }
        let prev = self.samples.get(n - 2)?;
        let cur = self.samples.get(n - 1)?;
        if prev.read_nanos <= 0 || cur.read_nanos <= prev.read_nanos {
            return None;
        }
        let secs = (cur.read_nanos - prev.read_nanos) as f64 / 1e9;
        let (a0, b0) = f(prev);
        let (a1, b1) = f(cur);
        Some((
            a1.saturating_sub(a0) as f64 / secs,
            b1.saturating_sub(b0) as f64 / secs,
        ))
    }
}

fn tenths(p: f64) -> u64 {
    // `as` saturates: negative / NaN become 0.
    (p * 10.0).round() as u64
}

const BINARY_UNITS: [&str; 9] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];
const DECIMAL_UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];

/// go-units `getSizeAndUnit`.
fn size_and_unit(mut size: f64, base: f64, units: &[&'static str; 9]) -> (f64, &'static str) {
    let mut i = 0;
    while size >= base && i < units.len() - 1 {
        size /= base;
        i += 1;
    }
    (size, units[i])
}

/// Memory size like the docker CLI (go-units `BytesSize`, `%.4g` with binary
/// units): `"1.5MiB"`, `"64MiB"`, `"2GiB"`, `"0B"`.
pub fn fmt_bytes_binary(n: u64) -> String {
    let (size, unit) = size_and_unit(n as f64, 1024.0, &BINARY_UNITS);
    format!("{}{unit}", go_fmt_g(size, 4))
}

/// Size like the docker CLI's NET I/O and BLOCK I/O columns (go-units
/// `HumanSizeWithPrecision(n, 3)`, decimal units): `"1.2kB"`, `"11.5MB"`.
pub fn fmt_bytes_decimal(n: f64) -> String {
    let (size, unit) = size_and_unit(n, 1000.0, &DECIMAL_UNITS);
    format!("{}{unit}", go_fmt_g(size, 3))
}

/// A rate in bytes per second: `"1.2kB/s"`.
pub fn fmt_rate(bytes_per_sec: f64) -> String {
    format!("{}/s", fmt_bytes_decimal(bytes_per_sec))
}

/// Percentage like the docker CLI (`%.2f%%`): `"12.34%"`.
pub fn fmt_percent(p: f64) -> String {
    format!("{}%", go_fmt_float(p, 2))
}

/// Go's `%.Nf` (with Go's spelling of non-finite values).
fn go_fmt_float(x: f64, decimals: usize) -> String {
    match go_non_finite(x) {
        Some(s) => s.to_string(),
        None => format!("{x:.decimals$}"),
    }
}

fn go_non_finite(x: f64) -> Option<&'static str> {
    if x.is_nan() {
        Some("NaN")
    } else if x == f64::INFINITY {
        Some("+Inf")
    } else if x == f64::NEG_INFINITY {
        Some("-Inf")
    } else {
        None
    }
}

/// Go's `%.Pg`: at most `prec` significant digits, trailing zeros removed,
/// exponent form (`1e+03`) when the exponent is < -4 or >= `prec`.
fn go_fmt_g(x: f64, prec: usize) -> String {
    if let Some(s) = go_non_finite(x) {
        return s.to_string();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let prec = prec.max(1);
    let sci = format!("{:.*e}", prec - 1, x);
    let (mantissa, exp) = match sci.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (sci.as_str(), 0),
    };
    let prec_i = i32::try_from(prec).unwrap_or(i32::MAX);
    if exp < -4 || exp >= prec_i {
        let sign = if exp < 0 { '-' } else { '+' };
        format!(
            "{}e{sign}{:02}",
            trim_fraction_zeros(mantissa),
            exp.unsigned_abs()
        )
    } else {
        let decimals = usize::try_from(prec_i - 1 - exp).unwrap_or(0);
        trim_fraction_zeros(&format!("{x:.decimals$}")).to_string()
    }
}

fn trim_fraction_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> ContainerStatsResponse {
        serde_json::from_str(json).expect("valid stats JSON")
    }

    fn assert_close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-9, "{a} != {b}");
    }

    /// Docker on a cgroup v1 host, `GET /containers/{id}/stats?stream=false`
    /// (4 CPUs, two networks, two block devices).
    const V1_JSON: &str = r#"{
      "read": "2024-05-01T12:00:01.5Z",
      "preread": "2024-05-01T12:00:00.5Z",
      "pids_stats": {"current": 12, "limit": 4915},
      "blkio_stats": {
        "io_service_bytes_recursive": [
          {"major": 8, "minor": 0, "op": "Read", "value": 10485760},
          {"major": 8, "minor": 0, "op": "Write", "value": 4096000},
          {"major": 8, "minor": 0, "op": "Sync", "value": 4096000},
          {"major": 8, "minor": 0, "op": "Async", "value": 10485760},
          {"major": 8, "minor": 0, "op": "Discard", "value": 0},
          {"major": 8, "minor": 0, "op": "Total", "value": 14581760},
          {"major": 8, "minor": 16, "op": "Read", "value": 1048576},
          {"major": 8, "minor": 16, "op": "Write", "value": 512000},
          {"major": 8, "minor": 16, "op": "Sync", "value": 512000},
          {"major": 8, "minor": 16, "op": "Async", "value": 1048576},
          {"major": 8, "minor": 16, "op": "Discard", "value": 0},
          {"major": 8, "minor": 16, "op": "Total", "value": 1560576}
        ],
        "io_serviced_recursive": [
          {"major": 8, "minor": 0, "op": "Read", "value": 120},
          {"major": 8, "minor": 0, "op": "Write", "value": 44}
        ],
        "io_queue_recursive": [],
        "io_service_time_recursive": [],
        "io_wait_time_recursive": [],
        "io_merged_recursive": [],
        "io_time_recursive": [],
        "sectors_recursive": []
      },
      "num_procs": 0,
      "storage_stats": {},
      "cpu_stats": {
        "cpu_usage": {
          "total_usage": 2500000000,
          "percpu_usage": [700000000, 600000000, 600000000, 600000000],
          "usage_in_kernelmode": 400000000,
          "usage_in_usermode": 2000000000
        },
        "system_cpu_usage": 104000000000,
        "online_cpus": 4,
        "throttling_data": {"periods": 0, "throttled_periods": 0, "throttled_time": 0}
      },
      "precpu_stats": {
        "cpu_usage": {
          "total_usage": 2000000000,
          "percpu_usage": [600000000, 500000000, 450000000, 450000000],
          "usage_in_kernelmode": 300000000,
          "usage_in_usermode": 1600000000
        },
        "system_cpu_usage": 100000000000,
        "online_cpus": 4,
        "throttling_data": {"periods": 0, "throttled_periods": 0, "throttled_time": 0}
      },
      "memory_stats": {
        "usage": 157286400,
        "max_usage": 209715200,
        "stats": {
          "active_anon": 62914560,
          "active_file": 20971520,
          "cache": 73400320,
          "dirty": 0,
          "hierarchical_memory_limit": 2147483648,
          "hierarchical_memsw_limit": 4294967296,
          "inactive_anon": 0,
          "inactive_file": 52428800,
          "mapped_file": 8388608,
          "pgfault": 51234,
          "pgmajfault": 12,
          "pgpgin": 60000,
          "pgpgout": 40000,
          "rss": 62914560,
          "rss_huge": 0,
          "total_active_anon": 62914560,
          "total_active_file": 20971520,
          "total_cache": 73400320,
          "total_dirty": 0,
          "total_inactive_anon": 0,
          "total_inactive_file": 52428800,
          "total_mapped_file": 8388608,
          "total_pgfault": 51234,
          "total_pgmajfault": 12,
          "total_pgpgin": 60000,
          "total_pgpgout": 40000,
          "total_rss": 62914560,
          "total_rss_huge": 0,
          "total_unevictable": 0,
          "total_writeback": 0,
          "unevictable": 0,
          "writeback": 0
        },
        "failcnt": 0,
        "limit": 2147483648
      },
      "name": "/web",
      "id": "b3c2f1e0a9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2",
      "networks": {
        "eth0": {"rx_bytes": 1000000, "rx_packets": 800, "rx_errors": 0, "rx_dropped": 0,
                 "tx_bytes": 200000, "tx_packets": 500, "tx_errors": 0, "tx_dropped": 0},
        "eth1": {"rx_bytes": 234567, "rx_packets": 120, "rx_errors": 0, "rx_dropped": 0,
                 "tx_bytes": 45678, "tx_packets": 60, "tx_errors": 0, "tx_dropped": 0}
      }
    }"#;

    /// Docker on a cgroup v2 host (2 CPUs, both fully busy for the interval).
    const V2_JSON: &str = r#"{
      "name": "/db",
      "id": "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
      "os_type": "linux",
      "read": "2024-05-01T12:00:03.25Z",
      "preread": "2024-05-01T12:00:02.25Z",
      "pids_stats": {"current": 7, "limit": 18446744073709551615},
      "blkio_stats": {
        "io_service_bytes_recursive": [
          {"major": 8, "minor": 0, "op": "read", "value": 3000000},
          {"major": 8, "minor": 0, "op": "write", "value": 700000},
          {"major": 253, "minor": 0, "op": "read", "value": 500000},
          {"major": 253, "minor": 0, "op": "write", "value": 300000}
        ],
        "io_serviced_recursive": null,
        "io_queue_recursive": null,
        "io_service_time_recursive": null,
        "io_wait_time_recursive": null,
        "io_merged_recursive": null,
        "io_time_recursive": null,
        "sectors_recursive": null
      },
      "num_procs": 0,
      "storage_stats": {},
      "cpu_stats": {
        "cpu_usage": {
          "total_usage": 12000000000,
          "usage_in_kernelmode": 1000000000,
          "usage_in_usermode": 11000000000
        },
        "system_cpu_usage": 502000000000,
        "online_cpus": 2,
        "throttling_data": {"periods": 10, "throttled_periods": 0, "throttled_time": 0}
      },
      "precpu_stats": {
        "cpu_usage": {
          "total_usage": 10000000000,
          "usage_in_kernelmode": 800000000,
          "usage_in_usermode": 9200000000
        },
        "system_cpu_usage": 500000000000,
        "online_cpus": 2,
        "throttling_data": {"periods": 9, "throttled_periods": 0, "throttled_time": 0}
      },
      "memory_stats": {
        "usage": 268435456,
        "stats": {
          "active_anon": 0,
          "active_file": 16777216,
          "anon": 218103808,
          "anon_thp": 0,
          "file": 33554432,
          "file_dirty": 0,
          "file_mapped": 4194304,
          "file_writeback": 0,
          "inactive_anon": 218103808,
          "inactive_file": 16777216,
          "kernel_stack": 98304,
          "pgactivate": 100,
          "pgdeactivate": 0,
          "pgfault": 70000,
          "pglazyfree": 0,
          "pglazyfreed": 0,
          "pgmajfault": 3,
          "pgrefill": 0,
          "pgscan": 0,
          "pgsteal": 0,
          "shmem": 0,
          "slab": 1048576,
          "slab_reclaimable": 524288,
          "slab_unreclaimable": 524288,
          "sock": 0,
          "thp_collapse_alloc": 0,
          "thp_fault_alloc": 0,
          "unevictable": 0,
          "workingset_activate": 0,
          "workingset_nodereclaim": 0,
          "workingset_refault": 0
        },
        "limit": 1073741824
      },
      "networks": {
        "eth0": {"rx_bytes": 5000, "rx_packets": 40, "rx_errors": 0, "rx_dropped": 0,
                 "tx_bytes": 3000, "tx_packets": 30, "tx_errors": 0, "tx_dropped": 0}
      }
    }"#;

    /// `stream=false, one_shot=true` on cgroup v2: `precpu_stats` is zeroed
    /// and `preread` is the zero time.
    fn one_shot_json(read: &str, total: u64, system: u64, rx: u64) -> String {
        format!(
            r#"{{
          "name": "/api", "id": "abc", "os_type": "linux",
          "read": "{read}",
          "preread": "0001-01-01T00:00:00Z",
          "pids_stats": {{"current": 3}},
          "blkio_stats": {{"io_service_bytes_recursive": null}},
          "num_procs": 0,
          "storage_stats": {{}},
          "cpu_stats": {{
            "cpu_usage": {{"total_usage": {total}, "usage_in_kernelmode": 0, "usage_in_usermode": {total}}},
            "system_cpu_usage": {system},
            "online_cpus": 4,
            "throttling_data": {{"periods": 0, "throttled_periods": 0, "throttled_time": 0}}
          }},
          "precpu_stats": {{
            "cpu_usage": {{"total_usage": 0, "usage_in_kernelmode": 0, "usage_in_usermode": 0}},
            "throttling_data": {{"periods": 0, "throttled_periods": 0, "throttled_time": 0}}
          }},
          "memory_stats": {{"usage": 1048576, "stats": {{"inactive_file": 0}}, "limit": 8589934592}},
          "networks": {{"eth0": {{"rx_bytes": {rx}, "tx_bytes": 0}}}}
        }}"#
        )
    }

    #[test]
    fn cgroup_v1_sample_matches_docker_cli() {
        let s = StatsSample::from_response(&parse(V1_JSON));
        // 2024-05-01T00:00:00Z = 1714521600 s; + 12 h = 1714564800; + 1.5 s.
        assert_eq!(s.read_nanos, 1_714_564_801_500_000_000);
        // cpu_delta = 2.5e9 - 2.0e9 = 0.5e9; system_delta = 104e9 - 100e9 = 4e9
        // (0.5e9 / 4e9) * 4 cpus * 100 = 50.0
        assert!(s.cpu_from_precpu);
        assert_eq!(s.online_cpus, 4);
        assert_close(s.cpu_percent, 50.0);
        // usage 157286400 (150 MiB) - total_inactive_file 52428800 (50 MiB)
        // = 104857600 (100 MiB); 100 MiB / 2048 MiB * 100 = 4.8828125 %
        assert_eq!(s.mem_used, 104_857_600);
        assert_eq!(s.mem_limit, 2_147_483_648);
        assert_close(s.mem_percent, 4.8828125);
        // eth0 + eth1
        assert_eq!(s.net_rx, 1_000_000 + 234_567);
        assert_eq!(s.net_tx, 200_000 + 45_678);
        // Read: 10485760 + 1048576; Write: 4096000 + 512000 (Sync/Async/Total ignored)
        assert_eq!(s.blk_read, 11_534_336);
        assert_eq!(s.blk_write, 4_608_000);
        assert_eq!(s.pids, 12);
        assert_eq!(
            s.cpu,
            CpuCounters {
                total_usage: 2_500_000_000,
                system_usage: 104_000_000_000
            }
        );
        // What `docker stats` prints for this sample.
        assert_eq!(fmt_percent(s.cpu_percent), "50.00%");
        assert_eq!(
            format!(
                "{} / {}",
                fmt_bytes_binary(s.mem_used),
                fmt_bytes_binary(s.mem_limit)
            ),
            "100MiB / 2GiB"
        );
        assert_eq!(fmt_percent(s.mem_percent), "4.88%");
        assert_eq!(
            format!(
                "{} / {}",
                fmt_bytes_decimal(s.net_rx as f64),
                fmt_bytes_decimal(s.net_tx as f64)
            ),
            "1.23MB / 246kB"
        );
        assert_eq!(
            format!(
                "{} / {}",
                fmt_bytes_decimal(s.blk_read as f64),
                fmt_bytes_decimal(s.blk_write as f64)
            ),
            "11.5MB / 4.61MB"
        );
    }

    #[test]
    fn cgroup_v2_two_busy_cores_is_200_percent() {
        let s = StatsSample::from_response(&parse(V2_JSON));
        // 2024-05-01T12:00:03.25Z
        assert_eq!(s.read_nanos, 1_714_564_803_250_000_000);
        // cpu_delta = 12e9 - 10e9 = 2e9; system_delta = 502e9 - 500e9 = 2e9
        // (2e9 / 2e9) * 2 cpus * 100 = 200.0
        assert_eq!(s.online_cpus, 2);
        assert_close(s.cpu_percent, 200.0);
        // no total_inactive_file: usage 268435456 (256 MiB) - inactive_file
        // 16777216 (16 MiB) = 251658240 (240 MiB); 240 / 1024 * 100 = 23.4375 %
        assert_eq!(s.mem_used, 251_658_240);
        assert_close(s.mem_percent, 23.4375);
        assert_eq!(fmt_bytes_binary(s.mem_used), "240MiB");
        assert_eq!(fmt_bytes_binary(s.mem_limit), "1GiB");
        assert_eq!(fmt_percent(s.mem_percent), "23.44%");
        // lower-case cgroup v2 ops, two devices
        assert_eq!(s.blk_read, 3_000_000 + 500_000);
        assert_eq!(s.blk_write, 700_000 + 300_000);
        assert_eq!((s.net_rx, s.net_tx), (5000, 3000));
        assert_eq!(s.pids, 7);
    }

    #[test]
    fn online_cpus_falls_back_to_percpu_len() {
        let mut r = parse(V1_JSON);
        if let Some(c) = r.cpu_stats.as_mut() {
            c.online_cpus = None;
        }
        let s = StatsSample::from_response(&r);
        assert_eq!(s.online_cpus, 4); // len(percpu_usage)
        assert_close(s.cpu_percent, 50.0);

        if let Some(c) = r.cpu_stats.as_mut() {
            c.online_cpus = Some(0);
            if let Some(u) = c.cpu_usage.as_mut() {
                u.percpu_usage = Some(vec![1, 2]);
            }
        }
        let s = StatsSample::from_response(&r);
        assert_eq!(s.online_cpus, 2);
        // (0.5e9 / 4e9) * 2 * 100 = 25.0
        assert_close(s.cpu_percent, 25.0);

        // v2 without online_cpus and without percpu_usage: 0 CPUs → 0 %, as the CLI.
        let mut r = parse(V2_JSON);
        if let Some(c) = r.cpu_stats.as_mut() {
            c.online_cpus = None;
        }
        let s = StatsSample::from_response(&r);
        assert_eq!(s.online_cpus, 0);
        assert_close(s.cpu_percent, 0.0);
    }

    #[test]
    fn cpu_zero_or_negative_deltas_give_zero() {
        let pre = CpuCounters {
            total_usage: 1_000,
            system_usage: 5_000,
        };
        // zero system delta
        let cur = CpuCounters {
            total_usage: 2_000,
            system_usage: 5_000,
        };
        assert_eq!(cpu_percent_unix(pre, cur, 4), 0.0);
        // zero cpu delta
        let cur = CpuCounters {
            total_usage: 1_000,
            system_usage: 9_000,
        };
        assert_eq!(cpu_percent_unix(pre, cur, 4), 0.0);
        // counters went backwards (container restarted)
        let cur = CpuCounters {
            total_usage: 500,
            system_usage: 9_000,
        };
        assert_eq!(cpu_percent_unix(pre, cur, 4), 0.0);

        // Same through a full response: precpu system == cpu system.
        let mut r = parse(V1_JSON);
        if let Some(p) = r.precpu_stats.as_mut() {
            p.system_cpu_usage = Some(104_000_000_000);
        }
        let s = StatsSample::from_response(&r);
        assert!(s.cpu_from_precpu);
        assert_eq!(s.cpu_percent, 0.0);
    }

    fn mem(usage: u64, stats: &[(&str, u64)]) -> ContainerMemoryStats {
        ContainerMemoryStats {
            usage: Some(usage),
            stats: Some(stats.iter().map(|(k, v)| (k.to_string(), *v)).collect()),
            limit: Some(1 << 30),
            ..Default::default()
        }
    }

    #[test]
    fn memory_v1_total_inactive_file_and_fallbacks() {
        const MIB: u64 = 1 << 20;
        // v1: usage - total_inactive_file (cache is not used by the current CLI)
        let m = mem(
            150 * MIB,
            &[
                ("total_inactive_file", 50 * MIB),
                ("inactive_file", 30 * MIB),
                ("cache", 70 * MIB),
            ],
        );
        assert_eq!(mem_usage_no_cache(&m), 100 * MIB);
        // total_inactive_file >= usage: falls through to inactive_file
        let m = mem(
            150 * MIB,
            &[
                ("total_inactive_file", 200 * MIB),
                ("inactive_file", 30 * MIB),
                ("cache", 70 * MIB),
            ],
        );
        assert_eq!(mem_usage_no_cache(&m), 120 * MIB);
        // ... and both >= usage: raw usage
        let m = mem(
            150 * MIB,
            &[
                ("total_inactive_file", 150 * MIB),
                ("inactive_file", 160 * MIB),
                ("cache", 70 * MIB),
            ],
        );
        assert_eq!(mem_usage_no_cache(&m), 150 * MIB);
        // neither key (e.g. stats missing): raw usage
        let m = mem(150 * MIB, &[("cache", 70 * MIB)]);
        assert_eq!(mem_usage_no_cache(&m), 150 * MIB);
        let m = ContainerMemoryStats {
            usage: Some(150 * MIB),
            ..Default::default()
        };
        assert_eq!(mem_usage_no_cache(&m), 150 * MIB);
    }

    #[test]
    fn memory_v2_inactive_file() {
        const MIB: u64 = 1 << 20;
        let m = mem(
            256 * MIB,
            &[("inactive_file", 16 * MIB), ("file", 32 * MIB)],
        );
        assert_eq!(mem_usage_no_cache(&m), 240 * MIB);
        assert_close(mem_percent(1 << 30, 240 * MIB), 23.4375);
        assert_eq!(mem_percent(0, 240 * MIB), 0.0);
        // empty memory_stats (stopped container)
        assert_eq!(mem_usage_no_cache(&ContainerMemoryStats::default()), 0);
    }

    #[test]
    fn network_sums_all_interfaces() {
        let mut nets = HashMap::new();
        nets.insert(
            "eth0".to_string(),
            ContainerNetworkStats {
                rx_bytes: Some(100),
                tx_bytes: Some(10),
                ..Default::default()
            },
        );
        nets.insert(
            "eth1".to_string(),
            ContainerNetworkStats {
                rx_bytes: Some(250),
                tx_bytes: Some(25),
                ..Default::default()
            },
        );
        assert_eq!(network_totals(Some(&nets)), (350, 35));
        assert_eq!(network_totals(None), (0, 0));
    }

    #[test]
    fn blkio_sums_read_write_across_devices_case_insensitive() {
        let r = parse(
            r#"{"blkio_stats": {"io_service_bytes_recursive": [
                {"major": 8, "minor": 0, "op": "Read", "value": 100},
                {"major": 8, "minor": 0, "op": "Write", "value": 10},
                {"major": 8, "minor": 0, "op": "Total", "value": 110},
                {"major": 8, "minor": 16, "op": "read", "value": 200},
                {"major": 8, "minor": 16, "op": "write", "value": 20},
                {"major": 8, "minor": 32, "op": "READ", "value": 300},
                {"major": 8, "minor": 32, "op": "", "value": 999},
                {"major": 8, "minor": 32, "value": 999}
            ]}}"#,
        );
        let s = StatsSample::from_response(&r);
        assert_eq!((s.blk_read, s.blk_write), (600, 30));
        // empty response: everything zero, no panic
        let s = StatsSample::from_response(&ContainerStatsResponse::default());
        assert_eq!(s, StatsSample::default());
    }

    #[test]
    fn one_shot_cpu_from_previous_sample() {
        let r1 = parse(&one_shot_json(
            "2024-05-01T12:00:00Z",
            1_000_000_000,
            100_000_000_000,
            1000,
        ));
        let r2 = parse(&one_shot_json(
            "2024-05-01T12:00:02Z",
            1_500_000_000,
            104_000_000_000,
            5000,
        ));
        let s1 = StatsSample::from_response(&r1);
        assert!(!s1.cpu_from_precpu);
        assert_eq!(s1.cpu_percent, 0.0);
        // preread "0001-01-01T00:00:00Z" does not matter; read parses
        assert_eq!(s1.read_nanos, 1_714_564_800_000_000_000);

        // cpu_delta = 0.5e9, system_delta = 4e9, 4 cpus: 0.125 * 4 * 100 = 50 %
        let s2 = StatsSample::from_response_after(&r2, Some(&s1));
        assert_close(s2.cpu_percent, 50.0);
        assert_close(StatsSample::from_response_after(&r2, None).cpu_percent, 0.0);

        let mut h = StatsHistory::new(10);
        h.push(StatsSample::from_response(&r1));
        h.push(StatsSample::from_response(&r2));
        assert_close(h.latest().map(|s| s.cpu_percent).unwrap_or(-1.0), 50.0);
        assert_eq!(h.cpu_series(), vec![0, 500]);
        // (5000 - 1000) bytes / 2 s
        assert_eq!(h.net_rates(), Some((2000.0, 0.0)));

        // Samples with engine precpu_stats are not recomputed.
        let mut h = StatsHistory::new(10);
        h.push(s1);
        h.push(StatsSample::from_response(&parse(V2_JSON)));
        assert_close(h.latest().map(|s| s.cpu_percent).unwrap_or(-1.0), 200.0);
    }

    fn sample(read_secs: f64, rx: u64, tx: u64, rd: u64, wr: u64) -> StatsSample {
        StatsSample {
            read_nanos: (read_secs * 1e9) as i64,
            net_rx: rx,
            net_tx: tx,
            blk_read: rd,
            blk_write: wr,
            cpu_from_precpu: true,
            ..Default::default()
        }
    }

    #[test]
    fn history_is_bounded() {
        let mut h = StatsHistory::new(3);
        assert!(h.is_empty());
        assert!(h.latest().is_none());
        for i in 0..5u64 {
            h.push(StatsSample {
                cpu_percent: i as f64 * 1.5,
                mem_used: i * 100,
                mem_percent: i as f64,
                cpu_from_precpu: true,
                ..Default::default()
            });
        }
        assert_eq!(h.len(), 3);
        assert_eq!(h.capacity(), 3);
        assert_eq!(h.cpu_series(), vec![30, 45, 60]); // tenths of a percent
        assert_eq!(h.mem_series(), vec![200, 300, 400]);
        assert_eq!(h.mem_percent_series(), vec![20, 30, 40]);
        assert_eq!(h.latest().map(|s| s.mem_used), Some(400));
        assert_eq!(h.iter().count(), 3);

        let mut h = StatsHistory::new(0);
        h.push(StatsSample::default());
        h.push(StatsSample::default());
        assert_eq!(h.len(), 1);
        h.clear();
        assert!(h.is_empty());
    }

    #[test]
    fn rates_between_last_two_samples() {
        let mut h = StatsHistory::new(5);
        h.push(sample(100.0, 1_000, 500, 0, 0));
        assert_eq!(h.net_rates(), None);
        h.push(sample(101.0, 9_000, 900, 100, 100));
        h.push(sample(103.0, 11_000, 1_900, 4_196, 100));
        // last two: 2 s apart; rx +2000, tx +1000; read +4096, write +0
        assert_eq!(h.net_rates(), Some((1000.0, 500.0)));
        assert_eq!(h.blk_rates(), Some((2048.0, 0.0)));
        assert_eq!(fmt_rate(1000.0), "1kB/s");
        // half-second interval
        h.push(sample(103.5, 11_600, 1_900, 4_196, 100));
        assert_eq!(h.net_rates(), Some((1200.0, 0.0)));
        assert_eq!(
            h.net_rates().map(|(rx, _)| fmt_rate(rx)),
            Some("1.2kB/s".into())
        );
        // counter reset (container restarted) → 0, not a huge number
        h.push(sample(104.5, 100, 0, 0, 0));
        assert_eq!(h.net_rates(), Some((0.0, 0.0)));
        // unknown or non-increasing times → None
        h.push(sample(104.5, 200, 0, 0, 0));
        assert_eq!(h.net_rates(), None);
        let mut h = StatsHistory::new(5);
        h.push(sample(0.0, 0, 0, 0, 0));
        h.push(sample(1.0, 10, 0, 0, 0));
        assert_eq!(h.net_rates(), None);
    }

    #[test]
    fn formatting_like_docker_cli() {
        // go-units BytesSize: %.4g, binary units
        assert_eq!(fmt_bytes_binary(0), "0B");
        assert_eq!(fmt_bytes_binary(512), "512B");
        assert_eq!(fmt_bytes_binary(1023), "1023B");
        assert_eq!(fmt_bytes_binary(1024), "1KiB");
        assert_eq!(fmt_bytes_binary(1536 * 1024), "1.5MiB");
        assert_eq!(fmt_bytes_binary(64 << 20), "64MiB");
        assert_eq!(fmt_bytes_binary(2 << 30), "2GiB");
        assert_eq!(fmt_bytes_binary(1_234_567), "1.177MiB"); // 1.17737...
        assert_eq!(fmt_bytes_binary(1_048_575), "1024KiB"); // 1023.999 rounds to 4 digits
        assert_eq!(fmt_bytes_binary(15_000_000_000), "13.97GiB");
        assert_eq!(fmt_bytes_binary(u64::MAX), "16EiB");
        // go-units HumanSizeWithPrecision(n, 3): %.3g, decimal units
        assert_eq!(fmt_bytes_decimal(0.0), "0B");
        assert_eq!(fmt_bytes_decimal(999.0), "999B");
        assert_eq!(fmt_bytes_decimal(1200.0), "1.2kB");
        assert_eq!(fmt_bytes_decimal(1_234_567.0), "1.23MB");
        assert_eq!(fmt_bytes_decimal(245_678.0), "246kB");
        assert_eq!(fmt_bytes_decimal(12.5), "12.5B");
        assert_eq!(fmt_bytes_decimal(0.5), "0.5B");
        // Go switches %g to exponent form when rounding reaches 1000
        assert_eq!(fmt_bytes_decimal(999_700.0), "1e+03kB");
        assert_eq!(fmt_bytes_decimal(0.00001), "1e-05B");
        assert_eq!(fmt_rate(1234.0), "1.23kB/s");
        // %.2f%%
        assert_eq!(fmt_percent(12.3412), "12.34%");
        assert_eq!(fmt_percent(0.0), "0.00%");
        assert_eq!(fmt_percent(200.0), "200.00%");
        assert_eq!(fmt_percent(4.8828125), "4.88%");
        assert_eq!(fmt_percent(99.999), "100.00%");
    }
}
