//! The shape of the code, checked: no file of `src/` imports one that imports it back.

#[test]
fn no_import_cycles_between_files() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/import-cycles.py");
    let out = std::process::Command::new("python3")
        .arg(script)
        .output()
        .expect("python3 runs scripts/import-cycles.py");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "import cycles:\n{text}");
    assert!(text.trim().is_empty(), "{text}");
}

#[test]
fn every_view_is_one_folder_with_the_shared_shape() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src/views");
    let mut views = 0;
    for entry in std::fs::read_dir(root).expect("src/views") {
        let path = entry.expect("entry").path();
        if !path.is_dir() {
            continue;
        }
        views += 1;
        let text = std::fs::read_to_string(path.join("mod.rs")).expect("a view has mod.rs");
        assert!(
            text.contains("impl Shape for"),
            "{} does not implement the shared Shape",
            path.display()
        );
    }
    assert!(views >= 5, "only {views} view folders");
}
