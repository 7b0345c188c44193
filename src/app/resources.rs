//! Volumes, networks, disk usage and engine facts, as plain data: what the docker layer turns
//! engine answers into, and the pure filtering and sorting the views need. No I/O here.

use std::collections::BTreeMap;

/// One volume, as `docker volume ls` / `docker volume inspect` know it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Volume {
    /// The engine it is on when the lists of several engines are merged (None: one engine).
    pub host: Option<crate::app::model::EngineId>,
    pub name: String,
    pub driver: String,
    pub mountpoint: String,
    /// The engine's creation time text (RFC 3339), empty when unknown.
    pub created: String,
    pub labels: BTreeMap<String, String>,
    /// Names of the containers (running or not) that mount it, sorted.
    pub used_by: Vec<String>,
    /// Bytes on disk, from `system df`; `None` when the engine did not say.
    pub size: Option<i64>,
}

impl Volume {
    pub fn in_use(&self) -> bool {
        !self.used_by.is_empty()
    }

    /// Anonymous volumes are named by a 64-hex-digit id.
    pub fn is_anonymous(&self) -> bool {
        self.name.len() == 64 && self.name.bytes().all(|b| b.is_ascii_hexdigit())
    }

    /// The name as a list shows it: anonymous ids shortened to 12 digits.
    pub fn display_name(&self) -> &str {
        if self.is_anonymous() {
            self.name.get(..12).unwrap_or(&self.name)
        } else {
            &self.name
        }
    }

    /// Size for a column: `docker system df -v`'s units, `N/A` when unknown.
    pub fn size_text(&self) -> String {
        match self.size {
            Some(s) if s >= 0 => human_size(s as u64),
            _ => "N/A".into(),
        }
    }
}

/// One network, with the containers attached to it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Network {
    /// The engine it is on when the lists of several engines are merged (None: one engine).
    pub host: Option<crate::app::model::EngineId>,
    pub id: String,
    pub name: String,
    pub driver: String,
    pub scope: String,
    /// `(subnet, gateway)` pairs of its IPAM config; the gateway may be empty.
    pub subnets: Vec<(String, String)>,
    pub internal: bool,
    /// `(container name, IPv4 address without prefix length)`, sorted by name. The address is
    /// empty for an endpoint without one.
    pub containers: Vec<(String, String)>,
}

impl Network {
    pub fn short_id(&self) -> &str {
        self.id.get(..12).unwrap_or(&self.id)
    }

    /// The networks every engine has and that cannot be removed.
    pub fn is_builtin(&self) -> bool {
        matches!(self.name.as_str(), "bridge" | "host" | "none")
    }

    /// `10.0.0.0/24, 10.1.0.0/24` for a column.
    pub fn subnets_text(&self) -> String {
        self.subnets
            .iter()
            .map(|(s, _)| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The IPv4 address a container has here, by name.
    pub fn ip_of(&self, container: &str) -> Option<&str> {
        self.containers
            .iter()
            .find(|(n, _)| n == container)
            .map(|(_, ip)| ip.as_str())
    }
}

/// One row of `docker system df`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    /// TOTAL: how many there are.
    pub count: u64,
    /// ACTIVE: how many are in use.
    pub active: u64,
    /// SIZE in bytes.
    pub size: u64,
    /// RECLAIMABLE bytes.
    pub reclaimable: u64,
}

impl Usage {
    /// Whole percent of the size that is reclaimable (0 when the size is 0), as docker rounds.
    pub fn reclaimable_percent(&self) -> u64 {
        (self.reclaimable.min(self.size) * 100)
            .checked_div(self.size)
            .unwrap_or(0)
    }

    /// `1.2GB (45%)`, like `docker system df`'s RECLAIMABLE column.
    pub fn reclaimable_text(&self) -> String {
        let size = human_size(self.reclaimable);
        if self.size == 0 {
            size
        } else {
            format!("{size} ({}%)", self.reclaimable_percent())
        }
    }
}

/// `docker system df`: images, containers, local volumes and build cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DiskUsage {
    pub images: Usage,
    pub containers: Usage,
    pub volumes: Usage,
    pub build_cache: Usage,
    /// Bytes removing the dangling images would free (untagged, no image built on them, no
    /// container using them); None when the engine's answer does not list the images.
    pub dangling_images: Option<u64>,
}

impl DiskUsage {
    /// The rows with docker's TYPE names, in docker's order.
    pub fn rows(&self) -> [(&'static str, Usage); 4] {
        [
            ("Images", self.images),
            ("Containers", self.containers),
            ("Local Volumes", self.volumes),
            ("Build Cache", self.build_cache),
        ]
    }

    pub fn total_size(&self) -> u64 {
        self.rows().iter().map(|(_, u)| u.size).sum()
    }

    pub fn total_reclaimable(&self) -> u64 {
        self.rows().iter().map(|(_, u)| u.reclaimable).sum()
    }

    /// What `docker system prune` (no `--all`, no `--volumes`) frees, for its question:
    /// stopped containers, dangling images (not every unused one) and unused build cache.
    pub fn system_prune_text(&self) -> String {
        let images = self
            .dangling_images
            .map_or_else(|| "not known".to_string(), human_size);
        let total = self.containers.reclaimable
            + self.dangling_images.unwrap_or(0)
            + self.build_cache.reclaimable;
        format!(
            "Frees {} (stopped containers {}, dangling images {images}, build cache {})",
            human_size(total),
            human_size(self.containers.reclaimable),
            human_size(self.build_cache.reclaimable)
        )
    }
}

/// What `docker system prune` removed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PruneSummary {
    /// Ids of the removed containers.
    pub containers: Vec<String>,
    /// Names of the removed networks.
    pub networks: Vec<String>,
    /// Image ids deleted and references untagged.
    pub images: Vec<String>,
    /// Ids of the removed build cache records.
    pub build_cache: Vec<String>,
    /// Bytes freed, all kinds together.
    pub reclaimed: u64,
}

impl PruneSummary {
    pub fn is_empty(&self) -> bool {
        self.containers.is_empty()
            && self.networks.is_empty()
            && self.images.is_empty()
            && self.build_cache.is_empty()
    }

    /// `removed 2 containers, 1 network, 3 images: 12.5MB reclaimed` for a status line.
    pub fn text(&self) -> String {
        if self.is_empty() {
            return format!("nothing to prune: {} reclaimed", human_size(self.reclaimed));
        }
        let parts: Vec<String> = [
            (self.containers.len(), "container"),
            (self.networks.len(), "network"),
            (self.images.len(), "image"),
            (self.build_cache.len(), "build cache record"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}{}", if *n == 1 { "" } else { "s" }))
        .collect();
        format!(
            "removed {}: {} reclaimed",
            parts.join(", "),
            human_size(self.reclaimed)
        )
    }
}

/// The engine facts `docker info` / `docker version` show in a header or an about box.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EngineInfo {
    /// Engine version (`20.10.24`).
    pub version: String,
    /// API version in use (`1.41`).
    pub api: String,
    /// Operating system (`Debian GNU/Linux 12 (bookworm)`).
    pub os: String,
    pub kernel: String,
    pub arch: String,
    pub ncpu: u64,
    /// Bytes of memory.
    pub mem_total: u64,
    pub containers: u64,
    pub running: u64,
    pub paused: u64,
    pub stopped: u64,
    pub images: u64,
    pub storage_driver: String,
    /// The engine host's name.
    pub name: String,
}

/// Go's `units.HumanSize` (decimal units, four significant digits), which `docker system df`
/// uses: `0B`, `512B`, `1.5kB`, `64.05MB`, `1.234GB`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 7] = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    let mut v = bytes as f64;
    let mut unit = 0;
    while v >= 1000.0 && unit + 1 < UNITS.len() {
        v /= 1000.0;
        unit += 1;
    }
    // `%.4g` for 0 <= v < 1000: never in exponent form, trailing zeros dropped.
    let digits_before = if v < 10.0 {
        1
    } else if v < 100.0 {
        2
    } else {
        3
    };
    let mut s = format!("{v:.prec$}", prec = 4 - digits_before);
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    format!("{s}{}", UNITS[unit])
}

/// How to order the networks list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NetworkSort {
    /// Built-in networks first (as `docker network ls` users expect them on top), then by name.
    #[default]
    Name,
    Driver,
    /// Most containers first.
    Containers,
}

/// Sort in place; ties are broken by name.
pub fn sort_networks(networks: &mut [Network], by: NetworkSort) {
    networks.sort_by(|a, b| {
        let first = match by {
            NetworkSort::Name => b.is_builtin().cmp(&a.is_builtin()),
            NetworkSort::Driver => a.driver.cmp(&b.driver),
            NetworkSort::Containers => b.containers.len().cmp(&a.containers.len()),
        };
        first.then_with(|| a.name.cmp(&b.name))
    });
}

/// Whether `ip` (dotted IPv4) lies in `subnet` (`a.b.c.d/len`). False for anything unparsable.
pub fn ipv4_in_subnet(ip: &str, subnet: &str) -> bool {
    let Some((net, len)) = subnet.split_once('/') else {
        return false;
    };
    let (Ok(ip), Ok(net), Ok(len)) = (
        ip.parse::<std::net::Ipv4Addr>(),
        net.parse::<std::net::Ipv4Addr>(),
        len.parse::<u32>(),
    ) else {
        return false;
    };
    if len > 32 {
        return false;
    }
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    u32::from(ip) & mask == u32::from(net) & mask
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vol(name: &str, driver: &str, used: &[&str], size: Option<i64>, created: &str) -> Volume {
        Volume {
            host: None,
            name: name.into(),
            driver: driver.into(),
            mountpoint: format!("/var/lib/docker/volumes/{name}/_data"),
            created: created.into(),
            labels: BTreeMap::new(),
            used_by: used.iter().map(|s| s.to_string()).collect(),
            size,
        }
    }

    fn net(name: &str, driver: &str, containers: &[(&str, &str)]) -> Network {
        Network {
            host: None,
            id: format!("{name:0>64}"),
            name: name.into(),
            driver: driver.into(),
            scope: "local".into(),
            subnets: vec![("10.0.0.0/24".into(), "10.0.0.1".into())],
            internal: false,
            containers: containers
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        }
    }

    #[test]
    fn human_size_matches_go_units() {
        assert_eq!(human_size(0), "0B");
        assert_eq!(human_size(512), "512B");
        assert_eq!(human_size(999), "999B");
        assert_eq!(human_size(1000), "1kB");
        assert_eq!(human_size(1500), "1.5kB");
        assert_eq!(human_size(1_234_567), "1.235MB");
        assert_eq!(human_size(64_050_000), "64.05MB");
        assert_eq!(human_size(123_456_789), "123.5MB");
        assert_eq!(human_size(1_000_000_000), "1GB");
        assert_eq!(human_size(999_999), "1000kB");
        assert_eq!(human_size(9_999_600), "10MB");
        assert_eq!(human_size(u64::MAX), "18.45EB");
    }

    #[test]
    fn usage_reclaimable_text() {
        let u = Usage {
            count: 3,
            active: 1,
            size: 2_000_000,
            reclaimable: 500_000,
        };
        assert_eq!(u.reclaimable_percent(), 25);
        assert_eq!(u.reclaimable_text(), "500kB (25%)");
        let empty = Usage::default();
        assert_eq!(empty.reclaimable_percent(), 0);
        assert_eq!(empty.reclaimable_text(), "0B");
        // Never above 100 %, even if the engine over-reports.
        let over = Usage {
            size: 10,
            reclaimable: 20,
            ..Usage::default()
        };
        assert_eq!(over.reclaimable_percent(), 100);
    }

    #[test]
    fn disk_usage_rows_and_totals() {
        let du = DiskUsage {
            images: Usage {
                count: 2,
                active: 1,
                size: 100,
                reclaimable: 40,
            },
            containers: Usage {
                count: 1,
                active: 1,
                size: 10,
                reclaimable: 0,
            },
            volumes: Usage {
                count: 4,
                active: 0,
                size: 5,
                reclaimable: 5,
            },
            build_cache: Usage::default(),
            dangling_images: None,
        };
        let names: Vec<&str> = du.rows().iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            ["Images", "Containers", "Local Volumes", "Build Cache"]
        );
        assert_eq!(du.total_size(), 115);
        assert_eq!(du.total_reclaimable(), 45);
    }

    #[test]
    fn volume_helpers() {
        let anon = vol(&"ab".repeat(32), "local", &[], None, "");
        assert!(anon.is_anonymous());
        assert_eq!(anon.display_name(), "abababababab");
        assert_eq!(anon.size_text(), "N/A");
        let named = vol("data", "local", &["web"], Some(2048), "");
        assert!(!named.is_anonymous());
        assert_eq!(named.display_name(), "data");
        assert!(named.in_use());
        assert_eq!(named.size_text(), "2.048kB");
        assert_eq!(vol("x", "local", &[], Some(-1), "").size_text(), "N/A");
    }

    #[test]
    fn network_helpers() {
        let n = net(
            "backend",
            "bridge",
            &[("web", "10.0.0.2"), ("db", "10.0.0.3")],
        );
        assert_eq!(n.short_id().len(), 12);
        assert!(!n.is_builtin());
        assert!(net("host", "host", &[]).is_builtin());
        assert_eq!(n.subnets_text(), "10.0.0.0/24");
        assert_eq!(n.ip_of("db"), Some("10.0.0.3"));
        assert_eq!(n.ip_of("nope"), None);
    }

    #[test]
    fn ipv4_subnet_membership() {
        assert!(ipv4_in_subnet("10.231.5.2", "10.231.5.0/24"));
        assert!(!ipv4_in_subnet("10.231.6.2", "10.231.5.0/24"));
        assert!(ipv4_in_subnet("1.2.3.4", "0.0.0.0/0"));
        assert!(ipv4_in_subnet("10.0.0.1", "10.0.0.1/32"));
        assert!(!ipv4_in_subnet("10.0.0.2", "10.0.0.1/32"));
        assert!(!ipv4_in_subnet("x", "10.0.0.0/8"));
        assert!(!ipv4_in_subnet("10.0.0.1", "10.0.0.0"));
        assert!(!ipv4_in_subnet("10.0.0.1", "10.0.0.0/33"));
    }

    #[test]
    fn prune_summary_text() {
        assert_eq!(
            PruneSummary::default().text(),
            "nothing to prune: 0B reclaimed"
        );
        let s = PruneSummary {
            containers: vec!["a".into(), "b".into()],
            networks: vec!["n".into()],
            images: vec![],
            build_cache: vec![],
            reclaimed: 12_500_000,
        };
        assert!(!s.is_empty());
        assert_eq!(
            s.text(),
            "removed 2 containers, 1 network: 12.5MB reclaimed"
        );
    }
}
