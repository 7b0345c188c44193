//! The build context: the directory checked, its `.dockerignore` read, and the tar the
//! engine gets, written by the `tar` crate while the directory is read. Entries come in
//! name order, symlinks are not followed, excluded paths are left out (the Dockerfile and
//! the `.dockerignore` always in, as the docker CLI sends them), owner root.

use std::fs;
use std::io::{self, Read, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Component, Path};

use super::dockerignore::DockerIgnore;

/// Checks the context, reads its `.dockerignore`, and gives the Dockerfile's path inside it
/// (`/`-separated, relative).
pub fn prepare_context(
    context_dir: &Path,
    dockerfile: Option<&str>,
) -> Result<(DockerIgnore, String), String> {
    let meta = fs::metadata(context_dir)
        .map_err(|e| format!("build context {}: {e}", context_dir.display()))?;
    if !meta.is_dir() {
        return Err(format!(
            "build context {} is not a directory",
            context_dir.display()
        ));
    }
    let ignore = match fs::read_to_string(context_dir.join(".dockerignore")) {
        Ok(t) => DockerIgnore::parse(&t),
        Err(e) if e.kind() == io::ErrorKind::NotFound => DockerIgnore::default(),
        Err(e) => return Err(format!(".dockerignore: {e}")),
    };
    let df = dockerfile.filter(|d| !d.is_empty()).unwrap_or("Dockerfile");
    let df_path = Path::new(df);
    let rel = if df_path.is_absolute() {
        let root = context_dir
            .canonicalize()
            .unwrap_or_else(|_| context_dir.to_path_buf());
        let abs = df_path
            .canonicalize()
            .unwrap_or_else(|_| df_path.to_path_buf());
        abs.strip_prefix(&root)
            .map(Path::to_path_buf)
            .map_err(|_| format!("the Dockerfile {df} is not inside the build context"))?
    } else {
        df_path.to_path_buf()
    };
    let mut parts: Vec<String> = Vec::new();
    for comp in rel.components() {
        match comp {
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            Component::CurDir => {}
            _ => {
                return Err(format!(
                    "the Dockerfile {df} is not inside the build context"
                ));
            }
        }
    }
    if parts.is_empty() {
        return Err(format!("no Dockerfile in {df}"));
    }
    Ok((ignore, parts.join("/")))
}

/// The paths always sent, whatever the `.dockerignore` says: the Dockerfile and the
/// `.dockerignore` itself.
pub fn always_sent(dockerfile: &str) -> Vec<String> {
    vec![dockerfile.to_string(), ".dockerignore".to_string()]
}

/// Writes the context as a tar into `w`: entries in name order, symlinks not followed,
/// excluded paths left out (`keep` always in), owner root.
pub fn write_context<W: Write>(
    root: &Path,
    ignore: &DockerIgnore,
    keep: &[String],
    w: W,
) -> io::Result<W> {
    let mut tar = tar::Builder::new(w);
    tar.follow_symlinks(false);
    walk(root, "", ignore, keep, &mut tar)?;
    tar.into_inner()
}

/// A header owned by root, with the file's mode and time.
fn header(kind: tar::EntryType, meta: &fs::Metadata, size: u64) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(kind);
    h.set_mode(meta.permissions().mode() & 0o7777);
    h.set_uid(0);
    h.set_gid(0);
    // Names of 4 characters always fit.
    let _ = h.set_username("root");
    let _ = h.set_groupname("root");
    h.set_mtime(meta.mtime().max(0) as u64);
    h.set_size(size);
    h
}

fn walk<W: Write>(
    root: &Path,
    rel: &str,
    ignore: &DockerIgnore,
    keep: &[String],
    tar: &mut tar::Builder<W>,
) -> io::Result<()> {
    let dir = if rel.is_empty() {
        root.to_path_buf()
    } else {
        root.join(rel)
    };
    let mut entries = fs::read_dir(&dir)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", dir.display())))?
        .collect::<io::Result<Vec<_>>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        let full = e.path();
        let meta = fs::symlink_metadata(&full)
            .map_err(|err| io::Error::new(err.kind(), format!("{path}: {err}")))?;
        let excluded = ignore.is_excluded(&path) && !keep.contains(&path);
        let ft = meta.file_type();
        if ft.is_dir() {
            if !excluded {
                let mut h = header(tar::EntryType::Directory, &meta, 0);
                tar.append_data(&mut h, format!("{path}/"), io::empty())?;
                walk(root, &path, ignore, keep, tar)?;
            } else if ignore.has_exceptions()
                || keep.iter().any(|k| k.starts_with(&format!("{path}/")))
            {
                // Files inside may be re-included; their directory comes with them.
                walk(root, &path, ignore, keep, tar)?;
            }
        } else if excluded {
            continue;
        } else if ft.is_symlink() {
            let target = fs::read_link(&full)?;
            let mut h = header(tar::EntryType::Symlink, &meta, 0);
            tar.append_link(&mut h, &path, target)?;
        } else if ft.is_file() {
            let size = meta.len();
            let file = fs::File::open(&full)
                .map_err(|err| io::Error::new(err.kind(), format!("{path}: {err}")))?;
            let mut h = header(tar::EntryType::Regular, &meta, size);
            // Exactly `size` bytes, whatever happens to the file meanwhile (a file that
            // shrank is padded with zeros, one that grew is cut).
            let body = file.take(size).chain(io::repeat(0)).take(size);
            tar.append_data(&mut h, &path, body)?;
        }
        // Sockets, fifos and devices are left out, like the docker CLI.
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Path, kind and contents of each entry, read back by the `tar` crate.
    fn tar_entries(data: &[u8]) -> Vec<(String, tar::EntryType, Vec<u8>, tar::Header)> {
        let mut archive = tar::Archive::new(data);
        let mut out = Vec::new();
        for entry in archive.entries().expect("entries") {
            let mut entry = entry.expect("entry");
            let path = entry.path().expect("path").to_string_lossy().into_owned();
            let kind = entry.header().entry_type();
            let header = entry.header().clone();
            let mut content = Vec::new();
            entry.read_to_end(&mut content).expect("read");
            // Directories keep their `/`, as they are written.
            let path = if kind.is_dir() && !path.ends_with('/') {
                format!("{path}/")
            } else {
                path
            };
            out.push((path, kind, content, header));
        }
        out
    }

    #[test]
    fn context_tar_honours_dockerignore() {
        let dir = std::env::temp_dir().join(format!("dockside-tar-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let long_dir = "d".repeat(120);
        let long_name = format!("{}/{}", "e".repeat(90), "f".repeat(120));
        fs::create_dir_all(dir.join("logs")).expect("mkdir");
        fs::create_dir_all(dir.join("src")).expect("mkdir");
        fs::create_dir_all(dir.join(&long_dir)).expect("mkdir");
        fs::create_dir_all(dir.join(&long_name)).expect("mkdir");
        fs::write(dir.join("Dockerfile"), "FROM scratch\n").expect("write");
        fs::write(
            dir.join(".dockerignore"),
            "secret.txt\nlogs/\n.dockerignore\nDockerfile\n",
        )
        .expect("write");
        fs::write(dir.join("secret.txt"), "s").expect("write");
        fs::write(dir.join("logs/a.log"), "l").expect("write");
        fs::write(dir.join("src/main.rs"), "fn main() {}\n").expect("write");
        fs::write(dir.join(&long_dir).join("x"), vec![7u8; 1000]).expect("write");
        fs::write(dir.join(&long_name).join("y"), "y").expect("write");
        std::os::unix::fs::symlink("src/main.rs", dir.join("link")).expect("symlink");

        let (ignore, df) = prepare_context(&dir, None).expect("prepare");
        assert_eq!(df, "Dockerfile");
        let keep = always_sent(&df);
        let buf = write_context(&dir, &ignore, &keep, Vec::new()).expect("tar");
        assert_eq!(buf.len() % 512, 0);
        let entries = tar_entries(&buf);
        let names: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
        assert!(names.contains(&"Dockerfile"), "{names:?}");
        assert!(names.contains(&".dockerignore"), "{names:?}");
        assert!(names.contains(&"src/"), "{names:?}");
        assert!(names.contains(&"src/main.rs"), "{names:?}");
        assert!(!names.iter().any(|n| n.contains("secret")), "{names:?}");
        assert!(!names.iter().any(|n| n.starts_with("logs")), "{names:?}");
        let x = format!("{long_dir}/x");
        let e = entries.iter().find(|e| e.0 == x).expect("long dir entry");
        assert_eq!(e.2, vec![7u8; 1000]);
        let y = format!("{long_name}/y");
        assert!(names.contains(&y.as_str()), "{names:?}");
        let link = entries.iter().find(|e| e.0 == "link").expect("link");
        assert_eq!(link.1, tar::EntryType::Symlink);
        assert_eq!(
            link.3
                .link_name()
                .ok()
                .flatten()
                .map(|p| p.to_string_lossy().into_owned()),
            Some("src/main.rs".to_string())
        );
        let main = entries.iter().find(|e| e.0 == "src/main.rs").expect("main");
        assert_eq!(main.2, b"fn main() {}\n");
        assert_eq!(main.3.uid().ok(), Some(0));
        assert_eq!(main.3.username().ok().flatten(), Some("root"));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn dockerfile_must_be_inside() {
        let dir = std::env::temp_dir().join(format!("dockside-df-{}", std::process::id()));
        fs::create_dir_all(dir.join("sub")).expect("mkdir");
        assert_eq!(
            prepare_context(&dir, Some("./sub/Dockerfile.dev")).map(|p| p.1),
            Ok("sub/Dockerfile.dev".to_string())
        );
        assert!(prepare_context(&dir, Some("../Dockerfile")).is_err());
        assert!(prepare_context(&dir.join("nope"), None).is_err());
        let _ = fs::remove_dir_all(&dir);
    }
}
