//! A deploy on one engine: pull the image (its progress on the job), then create and start
//! the container; the last line says what runs, or why not.

use bollard::Docker;
use tokio::sync::mpsc;

use super::task::OpTask;
use crate::app::images::Progress;
use crate::app::runform::RunSpec;

/// Pull `spec.image` on this engine, then run it with `labels`. A pull that fails is not
/// the end when the engine has the image already (an air-gapped host, a registry down): the
/// local one runs, and the job says so.
pub fn deploy(
    docker: &Docker,
    spec: RunSpec,
    labels: Vec<(String, String)>,
    tx: &mpsc::Sender<Progress>,
) -> OpTask {
    let docker = docker.clone();
    let tx = tx.clone();
    OpTask::spawn(async move {
        let (ptx, mut prx) = mpsc::channel::<Progress>(64);
        // Held while it runs: dropping it would cancel the pull.
        let pull = super::images::pull(&docker, &spec.image, &ptx, |p| p);
        drop(ptx);
        let mut pulled: Result<(), String> = Err("the pull ended without a word".into());
        while let Some(p) = prx.recv().await {
            match p {
                Progress::Done { .. } => pulled = Ok(()),
                Progress::Error(e) => pulled = Err(e),
                other => {
                    if tx.send(other).await.is_err() {
                        return;
                    }
                }
            }
        }
        drop(pull);
        if let Err(e) = pulled {
            if docker.inspect_image(&spec.image).await.is_err() {
                let _ = tx.send(Progress::Error(format!("pull: {e}"))).await;
                return;
            }
            let line = format!("pull failed ({e}); running the image this engine has");
            let _ = tx.send(Progress::Line(line)).await;
        }
        match super::containers::run_labelled(&docker, &spec, &labels).await {
            Ok(id) => {
                let name = spec.name.as_deref().unwrap_or("the container");
                let short: String = id.chars().take(12).collect();
                let _ = tx
                    .send(Progress::Line(format!("{name} runs ({short})")))
                    .await;
                let _ = tx.send(Progress::Done { image_id: None }).await;
            }
            Err(e) => {
                let _ = tx.send(Progress::Error(format!("run: {e}"))).await;
            }
        }
    })
}
