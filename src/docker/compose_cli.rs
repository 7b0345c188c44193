//! The compose CLI for what needs the compose file (up, build, pull, scale, recreate):
//! `docker compose` when the plugin is installed, else `docker-compose`, run in the project's
//! working directory with its config files, its output streamed line by line. The engine is
//! the one the environment names (`DOCKER_HOST`, the current context), as for dockside.
//! `docker stack deploy` runs the same way (the docker CLI reads the compose file).

use std::path::{Path, PathBuf};
use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;
use tokio::sync::mpsc;

use super::task::OpTask;
use crate::app::images::Progress;
use crate::app::msg::{ComposeRun, Msg, ResMsg, StackDeploy};
use crate::app::sanitize::plain;

/// Where the docker CLI looks for its plugins.
const PLUGIN_DIRS: [&str; 4] = [
    "/usr/local/lib/docker/cli-plugins",
    "/usr/libexec/docker/cli-plugins",
    "/usr/lib/docker/cli-plugins",
    "/usr/local/libexec/docker/cli-plugins",
];

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// The compose CLI to run: program and its first arguments. None when neither is installed.
pub fn find() -> Option<(PathBuf, Vec<String>)> {
    let home_plugin =
        std::env::var_os("HOME").map(|h| Path::new(&h).join(".docker/cli-plugins/docker-compose"));
    let plugin = home_plugin
        .into_iter()
        .chain(
            PLUGIN_DIRS
                .iter()
                .map(|d| Path::new(d).join("docker-compose")),
        )
        .any(|p| p.is_file());
    if plugin && let Some(docker) = on_path("docker") {
        return Some((docker, vec!["compose".into()]));
    }
    on_path("docker-compose").map(|p| (p, Vec::new()))
}

/// A compose file given by path (`dockside -f FILE`, the projects view's prompt): its folder
/// becomes the working dir (relative to `cwd`, `~` the home), the file its name in it, and
/// the project is named after the folder as compose names it (lower case, `[a-z0-9_-]`)
/// unless a name was given.
pub fn resolve_file(run: &mut ComposeRun, cwd: &Path, home: Option<&Path>) {
    if !run.working_dir.is_empty() || run.files.len() != 1 {
        return;
    }
    let given = run.files[0].clone();
    let path = match (given.strip_prefix("~/"), home) {
        (Some(rest), Some(h)) => h.join(rest),
        _ => cwd.join(&given),
    };
    let dir = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| cwd.to_path_buf());
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or(given);
    if run.project.is_empty() {
        let folder = dir
            .file_name()
            .map(|f| f.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        run.project = folder
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
            .collect();
        if run.project.is_empty() {
            run.project = "default".into();
        }
    }
    run.working_dir = dir.display().to_string();
    run.files = vec![file];
}

/// Why `run` cannot run here: no CLI, or the project's files are not on this machine.
pub fn check(run: &ComposeRun) -> Result<(PathBuf, Vec<String>), String> {
    let cli = find().ok_or_else(|| {
        "no compose CLI on this machine (neither `docker compose` nor `docker-compose`); \
         the project's other actions work through the engine"
            .to_string()
    })?;
    if run.working_dir.is_empty() || run.files.is_empty() {
        return Err("the project's labels name no working dir or compose file".into());
    }
    let missing: Vec<&str> = run
        .files
        .iter()
        .map(String::as_str)
        .filter(|f| !Path::new(&run.working_dir).join(f).is_file())
        .collect();
    if !Path::new(&run.working_dir).is_dir() || !missing.is_empty() {
        return Err(format!(
            "the compose files are not on this machine: {}",
            if missing.is_empty() {
                run.working_dir.clone()
            } else {
                missing.join(", ")
            }
        ));
    }
    Ok(cli)
}

/// Run it; every line of its output (stdout and stderr) comes as a [`Progress::Line`], the
/// first being the command; then `Done` or the exit status as an error. Aborting the task
/// kills the process.
pub fn run(run: ComposeRun, tx: mpsc::Sender<Msg>) -> OpTask {
    OpTask::spawn(async move {
        let job = run.job;
        let send = move |progress| Msg::Res(ResMsg::Compose { job, progress });
        let mut run = run;
        if let Ok(cwd) = std::env::current_dir() {
            let home = directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf());
            resolve_file(&mut run, &cwd, home.as_deref());
        }
        let (program, mut args) = match check(&run) {
            Ok(cli) => cli,
            Err(e) => {
                let _ = tx.send(send(Progress::Error(e))).await;
                return;
            }
        };
        args.extend(["-p".to_string(), run.project.clone()]);
        for f in &run.files {
            args.extend(["-f".to_string(), f.clone()]);
        }
        args.extend(run.args.iter().cloned());
        let dir = PathBuf::from(&run.working_dir);
        stream(&program, &args, &dir, run.host.as_deref(), &tx, send).await;
    })
}

/// Where a compose file named by the user is: `~/` is the home directory, a relative path
/// is from dockside's working directory. Why not, when it is no file here.
pub fn compose_file(file: &str) -> Result<PathBuf, String> {
    let path = match file.strip_prefix("~/") {
        Some(rest) => std::env::var_os("HOME")
            .map(|h| Path::new(&h).join(rest))
            .ok_or_else(|| "no HOME to expand ~ in".to_string())?,
        None => PathBuf::from(file),
    };
    if !path.is_file() {
        return Err(format!("no compose file {file} on this machine"));
    }
    std::fs::canonicalize(&path).map_err(|e| format!("{file}: {e}"))
}

/// `docker stack deploy -c FILE NAME` with the docker CLI, in the file's directory, against
/// the engine dockside is on; its output streamed as [`ResMsg::Job`] of `deploy.job`.
/// Aborting the task kills the process.
pub fn deploy_stack(deploy: StackDeploy, tx: mpsc::Sender<Msg>) -> OpTask {
    OpTask::spawn(async move {
        let job = deploy.job;
        let send = move |progress| Msg::Res(ResMsg::Job { id: job, progress });
        let checked = compose_file(&deploy.file).and_then(|file| {
            let docker = on_path("docker").ok_or_else(|| {
                "no docker CLI on this machine: `docker stack deploy` needs it".to_string()
            })?;
            Ok((docker, file))
        });
        let (docker, file) = match checked {
            Ok(c) => c,
            Err(e) => {
                let _ = tx.send(send(Progress::Error(e))).await;
                return;
            }
        };
        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let args = [
            "stack".to_string(),
            "deploy".into(),
            "-c".into(),
            file.to_string_lossy().into_owned(),
            deploy.stack.clone(),
        ];
        stream(&docker, &args, &dir, deploy.host.as_deref(), &tx, send).await;
    })
}

/// Run `program args` in `dir` (against `host` when given): every line of its output
/// (stdout and stderr), the first being the command, then `Done` or the exit status as an
/// error, each wrapped by `wrap`.
async fn stream(
    program: &Path,
    args: &[String],
    dir: &Path,
    host: Option<&str>,
    tx: &mpsc::Sender<Msg>,
    wrap: impl Fn(Progress) -> Msg,
) {
    let send = |progress| {
        let msg = wrap(progress);
        async move { tx.send(msg).await.is_ok() }
    };
    let name = program
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !send(Progress::Line(format!("$ {name} {}", args.join(" ")))).await {
        return;
    }
    let mut cmd = Command::new(program);
    // The engine dockside is on, not the environment's default.
    if let Some(host) = host {
        cmd.env("DOCKER_HOST", host).env_remove("DOCKER_CONTEXT");
    }
    let child = cmd
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            let _ = send(Progress::Error(format!("cannot run {name}: {e}"))).await;
            return;
        }
    };
    let (Some(out), Some(err)) = (child.stdout.take(), child.stderr.take()) else {
        let _ = send(Progress::Error("no output pipes".into())).await;
        return;
    };
    let (mut out, mut err) = (BufReader::new(out).lines(), BufReader::new(err).lines());
    let (mut out_open, mut err_open) = (true, true);
    while out_open || err_open {
        let line = tokio::select! {
            l = out.next_line(), if out_open => l.ok().flatten().or_else(|| { out_open = false; None }),
            l = err.next_line(), if err_open => l.ok().flatten().or_else(|| { err_open = false; None }),
        };
        if let Some(l) = line {
            // Progress redraws (`\r`) keep their last state.
            let l = l.rsplit('\r').next().unwrap_or(&l).to_string();
            if !send(Progress::Line(plain(&l))).await {
                return;
            }
        }
    }
    let done = match child.wait().await {
        Ok(s) if s.success() => Progress::Done { image_id: None },
        Ok(s) => Progress::Error(match s.code() {
            Some(c) => format!("{name} exited with status {c}"),
            None => format!("{name} was killed"),
        }),
        Err(e) => Progress::Error(format!("{name}: {e}")),
    };
    let _ = send(done).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_compose_file_by_path_runs_in_its_folder_named_after_it() {
        let mut run = ComposeRun {
            job: 1,
            project: String::new(),
            working_dir: String::new(),
            files: vec!["stacks/My Shop/docker-compose.yml".into()],
            args: vec!["up".into(), "-d".into()],
            host: None,
        };
        resolve_file(&mut run, Path::new("/srv"), Some(Path::new("/home/me")));
        assert_eq!(run.working_dir, "/srv/stacks/My Shop");
        assert_eq!(run.files, ["docker-compose.yml"]);
        assert_eq!(run.project, "myshop");
        let mut named = ComposeRun {
            project: "prod".into(),
            working_dir: String::new(),
            files: vec!["~/app/compose.yaml".into()],
            ..run.clone()
        };
        resolve_file(&mut named, Path::new("/srv"), Some(Path::new("/home/me")));
        assert_eq!(
            (named.working_dir.as_str(), named.project.as_str()),
            ("/home/me/app", "prod")
        );
    }

    #[test]
    fn a_compose_file_must_be_on_this_machine() {
        let e = compose_file("/nonexistent/dockside/stack.yml").expect_err("no file");
        assert_eq!(
            e,
            "no compose file /nonexistent/dockside/stack.yml on this machine"
        );
        let here = compose_file("Cargo.toml").expect("a relative path from the working dir");
        assert!(
            here.is_absolute() && here.ends_with("Cargo.toml"),
            "{here:?}"
        );
    }

    #[test]
    fn files_not_on_this_machine_are_named() {
        let run = ComposeRun {
            job: 1,
            project: "shop".into(),
            working_dir: "/nonexistent/dockside/shop".into(),
            files: vec!["/nonexistent/dockside/shop/docker-compose.yml".into()],
            args: vec!["up".into(), "-d".into()],
            host: None,
        };
        let e = check(&run).expect_err("cannot run");
        // Without any compose CLI, that is what is said instead.
        assert!(
            e.contains("not on this machine: /nonexistent/dockside/shop/docker-compose.yml")
                || e.contains("no compose CLI"),
            "{e}"
        );
        let none = ComposeRun {
            files: Vec::new(),
            ..run
        };
        let e = check(&none).expect_err("cannot run");
        assert!(
            e.contains("no working dir") || e.contains("no compose CLI"),
            "{e}"
        );
    }
}
