//! A container's file for `$EDITOR`: fetched through the archive endpoint (GET) into a
//! private scratch file, and written back (PUT) with the mode and owner it had. What could
//! not be written back (a read-only mount or root filesystem, a single file bind-mounted
//! from the host) is refused before the editor opens, as are files too large or not text.

use std::io::Read;

use bollard::Docker;
use bollard::query_parameters::UploadToContainerOptionsBuilder;

use super::archive::{mounts_of, with_archive};
use super::client::{friendly, friendly_error};
use crate::app::files::{Content, EditFile, MAX_EDIT, MAX_EDIT_LABEL, edit_refusal, parent};
use crate::app::resources::human_size;
use crate::scratch::Scratch;

/// What the archive says of the file, and its bytes.
struct Fetched {
    bytes: Vec<u8>,
    mode: u32,
    uid: u64,
    gid: u64,
    user: String,
    group: String,
}

/// The file's last part (`/etc/nginx/nginx.conf` → `nginx.conf`): the scratch copy keeps it,
/// so that the editor knows the kind of file.
fn base_name(path: &str) -> Result<&str, String> {
    match path.trim_end_matches('/').rsplit('/').next() {
        Some(b) if !b.is_empty() && b != "." && b != ".." => Ok(b),
        _ => Err(format!("{path}: not a file")),
    }
}

/// Fetch `path` of container `id` (`name`) into a private scratch file.
pub async fn fetch(docker: &Docker, id: &str, name: &str, path: &str) -> Result<EditFile, String> {
    let base = base_name(path)?.to_string();
    let info = docker.inspect_container(id, None).await.map_err(friendly)?;
    let readonly = info
        .host_config
        .as_ref()
        .and_then(|h| h.readonly_rootfs)
        .unwrap_or(false);
    let managed: Vec<&str> = [
        ("/etc/hosts", &info.hosts_path),
        ("/etc/hostname", &info.hostname_path),
        ("/etc/resolv.conf", &info.resolv_conf_path),
    ]
    .into_iter()
    .filter(|(_, p)| p.as_deref().is_some_and(|p| !p.is_empty()))
    .map(|(f, _)| f)
    .collect();
    let mounts = mounts_of(info.mounts.clone().unwrap_or_default());
    if let Some(why) = edit_refusal(path, name, readonly, &mounts, &managed) {
        return Err(why);
    }
    let shown = path.to_string();
    let got = with_archive(
        docker,
        id,
        path,
        |_| {},
        move |mut archive| {
            let mut entries = archive.entries().map_err(|e| e.to_string())?;
            let Some(e) = entries.next() else {
                return Err(format!("{shown}: empty archive"));
            };
            let e = e.map_err(|e| e.to_string())?;
            let h = e.header();
            match h.entry_type() {
                tar::EntryType::Regular | tar::EntryType::Continuous => {}
                tar::EntryType::Directory => {
                    return Err(format!("{shown} is a directory: choose a file to edit"));
                }
                tar::EntryType::Symlink => {
                    let to = e
                        .link_name()
                        .ok()
                        .flatten()
                        .map(|l| l.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    return Err(format!("{shown} is a link to {to}: edit that file"));
                }
                _ => return Err(format!("{shown} is not a regular file")),
            }
            let size = h.size().unwrap_or(0);
            if size > MAX_EDIT {
                return Err(format!(
                    "{shown} is {}: too large to edit here (at most {MAX_EDIT_LABEL})",
                    human_size(size),
                ));
            }
            let name_of = |n: Option<&str>| n.map(crate::app::sanitize::plain).unwrap_or_default();
            let meta = Fetched {
                bytes: Vec::new(),
                mode: h.mode().unwrap_or(0o644) & 0o7777,
                uid: h.uid().unwrap_or(0),
                gid: h.gid().unwrap_or(0),
                user: name_of(h.username().ok().flatten()),
                group: name_of(h.groupname().ok().flatten()),
            };
            let mut bytes = Vec::new();
            e.take(MAX_EDIT)
                .read_to_end(&mut bytes)
                .map_err(|e| e.to_string())?;
            let content = Content {
                path: shown.clone(),
                bytes,
                size,
            };
            if !content.is_text() {
                return Err(format!(
                    "{shown} is binary (not UTF-8 text): not opened in an editor (d downloads it)"
                ));
            }
            Ok(Fetched {
                bytes: content.bytes,
                ..meta
            })
        },
    )
    .await?;
    let scratch = Scratch::new("dockside-edit")
        .map_err(|e| format!("cannot make a private temporary directory: {e}"))?;
    let local = scratch
        .write_new(&base, &got.bytes)
        .map_err(|e| format!("cannot write the temporary copy of {path}: {e}"))?;
    Ok(EditFile {
        id: id.to_string(),
        name: name.to_string(),
        path: path.to_string(),
        local,
        scratch,
        size: got.bytes.len() as u64,
        mode: got.mode,
        uid: got.uid,
        gid: got.gid,
        user: got.user,
        group: got.group,
    })
}

/// The edited copy as a one-file tar: the file's name, mode, owner and the time now.
fn pack(file: &EditFile, bytes: &[u8]) -> Result<Vec<u8>, String> {
    let base = base_name(&file.path)?;
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Regular);
    h.set_size(bytes.len() as u64);
    h.set_mode(file.mode);
    h.set_uid(file.uid);
    h.set_gid(file.gid);
    // Names too long for the header are left out: the ids say who owns it.
    let _ = h.set_username(&file.user);
    let _ = h.set_groupname(&file.group);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    h.set_mtime(now);
    let mut b = tar::Builder::new(Vec::new());
    b.append_data(&mut h, base, bytes)
        .map_err(|e| e.to_string())?;
    b.into_inner().map_err(|e| e.to_string())
}

/// Write the edited copy back over the container's file (PUT into its directory).
pub async fn put_back(docker: &Docker, file: &EditFile) -> Result<String, String> {
    let bytes = tokio::fs::read(&file.local)
        .await
        .map_err(|e| format!("cannot read the edited copy {}: {e}", file.local.display()))?;
    let tarball = pack(file, &bytes)?;
    let dir = parent(&file.path);
    let opts = UploadToContainerOptionsBuilder::new()
        .path(&dir)
        .no_overwrite_dir_non_dir("true")
        .build();
    docker
        .upload_to_container(&file.id, Some(opts), bollard::body_full(tarball.into()))
        .await
        .map_err(|e| {
            format!(
                "{}:{} not written: {}",
                file.name,
                file.path,
                friendly_error(&e.to_string())
            )
        })?;
    Ok(format!(
        "wrote {}:{} ({}, mode {:04o}, owner {})",
        file.name,
        file.path,
        human_size(bytes.len() as u64),
        file.mode,
        file.owner()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_packed_file_keeps_name_mode_and_owner() {
        let s = Scratch::new("dockside-test-pack").expect("scratch");
        let file = EditFile {
            id: "c".into(),
            name: "web".into(),
            path: "/etc/nginx/nginx.conf".into(),
            local: s.path().join("nginx.conf"),
            scratch: s,
            size: 3,
            mode: 0o640,
            uid: 0,
            gid: 101,
            user: "root".into(),
            group: "nginx".into(),
        };
        let tarball = pack(&file, b"worker_processes 2;\n").expect("tar");
        let mut a = tar::Archive::new(tarball.as_slice());
        let mut entries = a.entries().expect("entries");
        let mut e = entries.next().expect("one").expect("entry");
        let h = e.header().clone();
        assert_eq!(e.path().expect("path").to_string_lossy(), "nginx.conf");
        assert_eq!(h.mode().expect("mode"), 0o640);
        assert_eq!((h.uid().ok(), h.gid().ok()), (Some(0), Some(101)));
        assert_eq!(h.groupname().ok().flatten(), Some("nginx"));
        let mut text = String::new();
        e.read_to_string(&mut text).expect("text");
        assert_eq!(text, "worker_processes 2;\n");
        assert!(entries.next().is_none());
        assert!(base_name("/").is_err() && base_name("/etc/..").is_err());
    }
}
