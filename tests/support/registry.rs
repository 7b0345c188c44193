//! A private `docker-registry` (Debian's distribution registry) on a free loopback port, for
//! the tests that push and pull: plain HTTP, or TLS from a CA the test makes with openssl and
//! htpasswd Basic auth. The engine treats loopback registries as insecure, so it pushes to a
//! plain one without any setup. Killed, its storage removed, when dropped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A registry this test started, killed (and its files removed) when dropped.
pub struct Reg {
    child: Child,
    pub dir: PathBuf,
    pub port: u16,
}

impl Drop for Reg {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

pub fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("running {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn openssl(dir: &Path, args: &[&str]) {
    run(Command::new("openssl").current_dir(dir).args(args));
}

/// A CA (`<name>.crt`, `<name>.key`) in `dir`.
pub fn make_ca(dir: &Path, name: &str) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.crt"),
            "-subj",
            &format!("/CN=dockside test {name}"),
        ],
    );
}

/// Start `docker-registry` on a free loopback port; `tls_auth`: TLS from `ca` and htpasswd
/// with `user:password`.
pub fn start(name: &str, tls_auth: Option<(&str, &str)>) -> Option<Reg> {
    if Command::new("docker-registry")
        .arg("--version")
        .output()
        .is_err()
    {
        return None;
    }
    let dir = std::env::temp_dir().join(format!("dockside-reg-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("data")).unwrap_or_else(|e| panic!("mkdir: {e}"));
    let port = free_port();
    let mut yml = format!(
        "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n",
        dir.join("data").display()
    );
    if let Some((user, password)) = tls_auth {
        make_ca(&dir, "ca");
        openssl(
            &dir,
            &[
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "srv.key",
                "-out",
                "srv.csr",
                "-subj",
                "/CN=127.0.0.1",
            ],
        );
        std::fs::write(dir.join("ext"), "subjectAltName=IP:127.0.0.1\n")
            .unwrap_or_else(|e| panic!("ext: {e}"));
        openssl(
            &dir,
            &[
                "x509",
                "-req",
                "-in",
                "srv.csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "srv.crt",
                "-days",
                "2",
                "-extfile",
                "ext",
            ],
        );
        // bcrypt, as the registry wants it, from the C library's crypt.
        let hash = run(Command::new("perl").args([
            "-e",
            "print crypt($ARGV[0], q{$2b$05$abcdefghijklmnopqrstuu})",
            password,
        ]));
        assert!(hash.starts_with("$2b$"), "no bcrypt here: {hash}");
        std::fs::write(dir.join("htpasswd"), format!("{user}:{hash}\n"))
            .unwrap_or_else(|e| panic!("htpasswd: {e}"));
        yml.push_str(&format!(
            "  tls:\n    certificate: {}\n    key: {}\nauth:\n  htpasswd:\n    realm: dockside-test\n    path: {}\n",
            dir.join("srv.crt").display(),
            dir.join("srv.key").display(),
            dir.join("htpasswd").display()
        ));
    }
    std::fs::write(dir.join("config.yml"), yml).unwrap_or_else(|e| panic!("config: {e}"));
    let child = Command::new("docker-registry")
        .arg("serve")
        .arg(dir.join("config.yml"))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("log")).map_or(Stdio::null(), Stdio::from))
        .spawn()
        .unwrap_or_else(|e| panic!("docker-registry: {e}"));
    let reg = Reg { child, dir, port };
    let up = super::engine::wait_until(Duration::from_secs(20), || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    assert!(
        up,
        "registry {name} did not start: {:?}",
        std::fs::read_to_string(reg.dir.join("log"))
    );
    Some(reg)
}

impl Reg {
    /// `127.0.0.1:<port>`.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Reg {
    /// Push a local image of the main engine as `<this registry>/<repo>:<tag>` (the local
    /// tag is removed again); the reference.
    pub fn push(&self, image: &str, repo: &str, tag: &str) -> String {
        let reference = format!("{}/{repo}:{tag}", self.host());
        super::engine::docker_ok(&["tag", image, &reference]);
        super::engine::docker_ok(&["push", &reference]);
        let _ = super::engine::docker(&["rmi", &reference]);
        reference
    }
}
