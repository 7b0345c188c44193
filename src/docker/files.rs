//! A container's files through the engine's archive endpoints (`GET/PUT
//! /containers/{id}/archive`), read as tar streams: no shell needed in the image. Directory
//! listings, a bounded read of a file, `docker cp` both ways, `docker diff`. The tar is read
//! on a blocking thread as the bytes come, so a large directory is never held in memory.

use std::io::Read;
use std::path::PathBuf;

use bollard::Docker;
use bollard::query_parameters::UploadToContainerOptions;
use futures::StreamExt;
use tokio::sync::mpsc;

pub use super::archive::mounts_of;
use super::archive::with_archive;
use super::client::{friendly, friendly_error};
use crate::app::files::{
    Change, Content, Entry, EntryKind, FilesMsg, FilesReq, Listing, MAX_ENTRIES, MAX_VIEW, Mount,
};
use crate::app::sanitize::plain;

/// The parts of a tar entry's path (`/`, `./x/`, `etc/hosts`).
fn parts(p: &str) -> Vec<&str> {
    p.split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect()
}

fn entry_of<R: Read>(e: &tar::Entry<R>, name: String) -> Entry {
    let h = e.header();
    let kind = match h.entry_type() {
        tar::EntryType::Directory => EntryKind::Dir,
        tar::EntryType::Symlink => EntryKind::Symlink,
        tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::Link => {
            EntryKind::File
        }
        _ => EntryKind::Other,
    };
    let name_or = |n: Option<&str>, id: u64| match n {
        Some(n) if !n.is_empty() => plain(n),
        _ => id.to_string(),
    };
    let owner = format!(
        "{}:{}",
        name_or(h.username().ok().flatten(), h.uid().unwrap_or(0)),
        name_or(h.groupname().ok().flatten(), h.gid().unwrap_or(0))
    );
    Entry {
        name: plain(&name),
        kind,
        size: h.size().unwrap_or(0),
        mode: h.mode().unwrap_or(0) & 0o7777,
        owner,
        mtime: h.mtime().unwrap_or(0) as i64,
        link: e
            .link_name()
            .ok()
            .flatten()
            .map(|l| plain(&l.to_string_lossy())),
    }
}

/// The entries of directory `path`, and the container's mounts.
pub async fn list(docker: &Docker, id: &str, path: &str) -> Result<(Listing, Vec<Mount>), String> {
    let entries = with_archive(
        docker,
        id,
        path,
        |_| {},
        |mut archive| {
            let mut root: Option<usize> = None;
            let mut out = Vec::new();
            let mut extra = 0usize;
            for e in archive.entries().map_err(|e| e.to_string())? {
                let e = e.map_err(|e| e.to_string())?;
                let p = e.path_bytes();
                let p = String::from_utf8_lossy(&p).into_owned();
                let ps = parts(&p);
                let Some(depth) = root else {
                    // The first entry is the path itself.
                    if entry_of(&e, String::new()).kind != EntryKind::Dir {
                        return Err(format!("{} is not a directory", p.trim_end_matches('/')));
                    }
                    root = Some(ps.len());
                    continue;
                };
                if ps.len() == depth + 1
                    && let Some(name) = ps.last()
                {
                    // Past the bound only counted: memory stays bounded.
                    if out.len() < MAX_ENTRIES {
                        out.push(entry_of(&e, (*name).to_string()));
                    } else {
                        extra += 1;
                    }
                }
            }
            Ok((out, extra))
        },
    )
    .await?;
    let (entries, extra) = entries;
    let mut listing = Listing::new(entries);
    listing.dropped += extra;
    let mounts = mounts(docker, id).await;
    Ok((listing, mounts))
}

/// The container's mounts (none when inspect fails: the listing still shows).
pub async fn mounts(docker: &Docker, id: &str) -> Vec<Mount> {
    let Ok(info) = docker.inspect_container(id, None).await else {
        return Vec::new();
    };
    mounts_of(info.mounts.unwrap_or_default())
}

/// The first [`MAX_VIEW`] bytes of file `path`.
pub async fn read(docker: &Docker, id: &str, path: &str) -> Result<Content, String> {
    let shown = path.to_string();
    with_archive(
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
            match e.header().entry_type() {
                tar::EntryType::Regular | tar::EntryType::Continuous => {}
                tar::EntryType::Directory => return Err(format!("{shown} is a directory")),
                tar::EntryType::Symlink => {
                    let to = e
                        .link_name()
                        .ok()
                        .flatten()
                        .map(|l| l.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    return Err(format!("{shown} is a link to {to}: open that"));
                }
                _ => return Err(format!("{shown} is not a regular file")),
            }
            let size = e.header().size().unwrap_or(0);
            let mut bytes = Vec::new();
            e.take(MAX_VIEW as u64)
                .read_to_end(&mut bytes)
                .map_err(|e| e.to_string())?;
            Ok(Content {
                path: shown,
                bytes,
                size,
            })
        },
    )
    .await
}

/// `~` and `~/x` as the home directory.
pub(super) fn expand(dir: &str) -> Result<PathBuf, String> {
    let home = || {
        directories::BaseDirs::new()
            .map(|b| b.home_dir().to_path_buf())
            .ok_or_else(|| "no home directory".to_string())
    };
    if dir == "~" {
        return home();
    }
    if let Some(rest) = dir.strip_prefix("~/") {
        return Ok(home()?.join(rest));
    }
    Ok(PathBuf::from(dir))
}

/// Where `docker cp` out would write: `dir` is created when missing, and `path`'s last part
/// lands in it.
pub async fn download(
    docker: &Docker,
    id: &str,
    name: &str,
    path: &str,
    dir: &str,
    tx: &mpsc::Sender<crate::app::Msg>,
) -> Result<String, String> {
    let dest = expand(dir)?;
    std::fs::create_dir_all(&dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    let base = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    let target = dest.join(if base.is_empty() { "." } else { base });
    if !base.is_empty() && std::fs::symlink_metadata(&target).is_ok() {
        return Err(format!(
            "{} already exists: nothing overwritten, choose another directory",
            target.display()
        ));
    }
    let what = format!("downloading {name}:{path}");
    let progress = tx.clone();
    let mut last = 0u64;
    let to = dest.clone();
    let total = with_archive(
        docker,
        id,
        path,
        |bytes| {
            // A line every MiB at most.
            if bytes - last >= 1 << 20 {
                last = bytes;
                let _ = progress.try_send(crate::app::Msg::Files(FilesMsg::Progress {
                    what: what.clone(),
                    bytes,
                }));
            }
        },
        move |mut archive| {
            archive.set_preserve_permissions(true);
            archive.set_overwrite(true);
            let mut n = 0u64;
            for e in archive.entries().map_err(|e| e.to_string())? {
                let mut e = e.map_err(|e| e.to_string())?;
                n += e.header().size().unwrap_or(0);
                // `unpack_in` refuses paths that would leave the directory.
                e.unpack_in(&to).map_err(|e| e.to_string())?;
            }
            Ok(n)
        },
    )
    .await?;
    Ok(format!(
        "downloaded {name}:{path} to {} ({})",
        target.display(),
        crate::app::resources::human_size(total)
    ))
}

/// `docker cp src id:dir`: `src` (a file or a directory on this host) is packed and put in
/// `dir`.
pub async fn upload(
    docker: &Docker,
    id: &str,
    name: &str,
    src: &str,
    dir: &str,
) -> Result<String, String> {
    let src = expand(src)?;
    let base = src
        .file_name()
        .map(|b| b.to_string_lossy().into_owned())
        .ok_or_else(|| format!("{}: no file name", src.display()))?;
    let from = src.clone();
    let packed = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, String> {
        let meta = std::fs::metadata(&from).map_err(|e| format!("{}: {e}", from.display()))?;
        let mut b = tar::Builder::new(Vec::new());
        b.follow_symlinks(false);
        let r = if meta.is_dir() {
            b.append_dir_all(&base, &from)
        } else {
            b.append_path_with_name(&from, &base)
        };
        r.map_err(|e| format!("{}: {e}", from.display()))?;
        b.into_inner().map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())??;
    let size = packed.len() as u64;
    let opts = UploadToContainerOptions {
        path: dir.to_string(),
        ..Default::default()
    };
    docker
        .upload_to_container(id, Some(opts), bollard::body_full(packed.into()))
        .await
        .map_err(|e| friendly_error(&e.to_string()))?;
    Ok(format!(
        "uploaded {} to {name}:{dir} ({})",
        src.display(),
        crate::app::resources::human_size(size)
    ))
}

/// `docker export -o dest`: the container's filesystem as a tar file. An existing file is
/// not overwritten; a failed export leaves no partial file.
pub async fn export(
    docker: &Docker,
    id: &str,
    name: &str,
    dest: &str,
    tx: &mpsc::Sender<crate::app::Msg>,
) -> Result<String, String> {
    use tokio::io::AsyncWriteExt;
    let dest = expand(dest)?;
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&dest)
        .await
        .map_err(|e| format!("{}: {e}", dest.display()))?;
    let what = format!("exporting {name}");
    let mut stream = docker.export_container(id);
    let (mut total, mut last) = (0u64, 0u64);
    let result: Result<(), String> = async {
        while let Some(chunk) = stream.next().await {
            let b = chunk.map_err(friendly)?;
            file.write_all(&b).await.map_err(|e| e.to_string())?;
            total += b.len() as u64;
            if total - last >= 1 << 20 {
                last = total;
                let _ = tx.try_send(crate::app::Msg::Files(FilesMsg::Progress {
                    what: what.clone(),
                    bytes: total,
                }));
            }
        }
        file.flush().await.map_err(|e| e.to_string())
    }
    .await;
    if let Err(e) = result {
        drop(file);
        let _ = std::fs::remove_file(&dest);
        return Err(format!("export {name}: {e}"));
    }
    Ok(format!(
        "exported {name} to {} ({})",
        dest.display(),
        crate::app::resources::human_size(total)
    ))
}

/// `docker rename`.
pub async fn rename(docker: &Docker, id: &str, to: &str) -> Result<(), String> {
    let opts = bollard::query_parameters::RenameContainerOptions {
        name: to.to_string(),
    };
    docker
        .rename_container(id, opts)
        .await
        .map_err(|e| friendly_error(&e.to_string()))
}

/// `docker diff`: A, C or D and the path.
pub async fn changes(docker: &Docker, id: &str) -> Result<Vec<Change>, String> {
    use bollard::models::ChangeType;
    let list = docker
        .container_changes(id)
        .await
        .map_err(friendly)?
        .unwrap_or_default();
    let mut out: Vec<Change> = list
        .into_iter()
        .map(|c| Change {
            kind: match c.kind {
                ChangeType::_0 => 'C',
                ChangeType::_1 => 'A',
                ChangeType::_2 => 'D',
            },
            path: plain(&c.path),
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Carries out a request of the files tab: each is answered once.
pub fn route(r: &mut super::task::Requests<Docker, crate::app::Msg>, req: FilesReq) {
    use crate::app::Msg;
    match req {
        FilesReq::List { id, path } => r.reply(|d| async move {
            let result = list(&d, &id, &path).await;
            Msg::Files(FilesMsg::Listed { id, path, result })
        }),
        FilesReq::Read { id, path } => r.reply(|d| async move {
            let result = read(&d, &id, &path).await;
            Msg::Files(FilesMsg::Read { id, result })
        }),
        FilesReq::Download {
            id,
            name,
            path,
            dir,
        } => r.spawn(|d, tx| async move {
            let result = download(&d, &id, &name, &path, &dir, &tx).await;
            let _ = tx.send(Msg::Files(FilesMsg::Done { id, result })).await;
        }),
        FilesReq::Upload { id, name, src, dir } => r.reply(|d| async move {
            let result = upload(&d, &id, &name, &src, &dir).await;
            Msg::Files(FilesMsg::Done { id, result })
        }),
        FilesReq::Export { id, name, dest } => r.spawn(|d, tx| async move {
            let result = export(&d, &id, &name, &dest, &tx).await;
            let _ = tx.send(Msg::Files(FilesMsg::Done { id, result })).await;
        }),
        FilesReq::Changes(id) => r.reply(|d| async move {
            let result = changes(&d, &id).await;
            Msg::Files(FilesMsg::Changes { id, result })
        }),
        FilesReq::Fetch { id, name, path } => r.reply(|d| async move {
            let result = super::edit::fetch(&d, &id, &name, &path)
                .await
                .map(Box::new);
            Msg::Files(FilesMsg::Fetched { id, path, result })
        }),
        FilesReq::PutBack(file) => r.reply(|d| async move {
            let result = super::edit::put_back(&d, &file).await;
            // The scratch copy goes with `file`, written or not.
            let (id, name, path) = (file.id.clone(), file.name.clone(), file.path.clone());
            drop(file);
            Msg::Files(FilesMsg::Written {
                id,
                name,
                path,
                result,
            })
        }),
    }
}

/// The answer to a refused request of the files tab.
pub fn refused(req: FilesReq, why: String) -> FilesMsg {
    crate::app::files::refused(req, why)
}
