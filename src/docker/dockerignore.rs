//! `.dockerignore`: which files of a build context are left out.
//!
//! Each pattern's glob is matched by `globset` (`*` and `?` stay inside a path segment,
//! `[a-z]`/`[^a-z]`/`[!a-z]` classes, `\` escapes, `**` as a whole segment for any number
//! of directories). What stays ours is where Docker's rules are not a glob's:
//! - patterns and paths are cleaned (`/a//b/./c/../d/` is `a/b/d`, a leading `/` dropped);
//! - a pattern matching a directory also matches everything in it;
//! - `!pattern` re-includes, and the last matching line wins;
//! - `{` and `}` are plain characters (Docker has no alternates; `globset` has);
//! - `**` glued to other characters (`a**b`, `**.log`) is "any number of whole directories"
//!   there too, where `globset` reads it as two `*`;
//! - an unclosed `[` is a plain `[`.
//!
//! The Dockerfile and the `.dockerignore` itself are sent even when a line excludes them:
//! that is the context writer's rule (`build_context.rs`).

use globset::{GlobBuilder, GlobMatcher};

#[derive(Debug, Clone)]
struct IgnoreRule {
    /// The cleaned pattern, as written (for equality and debugging).
    pattern: String,
    /// The globs it stands for (more than one when `**` is glued to other characters).
    globs: Vec<GlobMatcher>,
    exception: bool,
}

impl PartialEq for IgnoreRule {
    fn eq(&self, other: &Self) -> bool {
        self.pattern == other.pattern && self.exception == other.exception
    }
}

impl Eq for IgnoreRule {}

/// The rules of a `.dockerignore`: one pattern a line, `#` comments, blank lines skipped.
/// Patterns are relative to the context (a leading `/` is dropped, paths are cleaned):
/// `*` matches within a path segment, `?` one character, `[a-z]`/`[^a-z]` a class, `\`
/// escapes, `**` any number of directories. A pattern matching a directory excludes what
/// it holds. `!pattern` re-includes; the last matching rule wins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DockerIgnore {
    rules: Vec<IgnoreRule>,
}

/// `/a//b/./c/../d/` → `a/b/d`; empty when nothing is left.
pub fn clean_path(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// The `globset` globs a cleaned Docker pattern stands for. Braces are escaped; each `**`
/// that is not a whole segment becomes two alternatives, nothing (`ab`) or any text then
/// whole directories (`a*/**/b`), as Docker's `(.*/)?`.
fn globs_for(pattern: &str) -> Vec<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = vec![String::new()];
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                let next: String = chars
                    .get(i + 1)
                    .map(|n| format!("\\{n}"))
                    .unwrap_or_default();
                out.iter_mut().for_each(|g| g.push_str(&next));
                i += 2;
                continue;
            }
            '{' | '}' => out.iter_mut().for_each(|g| {
                g.push('\\');
                g.push(c);
            }),
            '[' => {
                // A class is copied as it is, up to its `]` (none: globset's unclosed-class
                // option makes the `[` plain).
                let end = class_end(&chars, i);
                let class: String = chars[i..end].iter().collect();
                out.iter_mut().for_each(|g| g.push_str(&class));
                i = end;
                continue;
            }
            '*' if chars.get(i + 1) == Some(&'*') => {
                let starts_segment = i == 0 || chars[i - 1] == '/';
                let ends_segment = matches!(chars.get(i + 2), None | Some('/'));
                if starts_segment && ends_segment {
                    out.iter_mut().for_each(|g| g.push_str("**"));
                } else {
                    // Docker eats a `/` right after `**`.
                    let skip = if chars.get(i + 2) == Some(&'/') { 3 } else { 2 };
                    let mut doubled = Vec::with_capacity(out.len() * 2);
                    for g in out {
                        let dirs = if g.is_empty() || g.ends_with('/') {
                            format!("{g}**/")
                        } else {
                            format!("{g}*/**/")
                        };
                        doubled.push(g);
                        doubled.push(dirs);
                    }
                    out = doubled;
                    i += skip;
                    continue;
                }
                i += 2;
                continue;
            }
            c => out.iter_mut().for_each(|g| g.push(c)),
        }
        i += 1;
    }
    out
}

/// Where the class opened at `chars[start] == '['` ends (after its `]`); just past the `[`
/// when it is not closed.
fn class_end(chars: &[char], start: usize) -> usize {
    let mut i = start + 1;
    if matches!(chars.get(i), Some('^') | Some('!')) {
        i += 1;
    }
    let mut first = true;
    while let Some(&c) = chars.get(i) {
        if c == ']' && !first {
            return i + 1;
        }
        first = false;
        i += if c == '\\' { 2 } else { 1 };
    }
    start + 1
}

fn matcher(glob: &str) -> Option<GlobMatcher> {
    GlobBuilder::new(glob)
        .literal_separator(true)
        .backslash_escape(true)
        .allow_unclosed_class(true)
        .build()
        .ok()
        .map(|g| g.compile_matcher())
}

impl IgnoreRule {
    fn new(pattern: String, exception: bool) -> IgnoreRule {
        let globs = globs_for(&pattern)
            .iter()
            .filter_map(|g| matcher(g))
            .collect();
        IgnoreRule {
            pattern,
            globs,
            exception,
        }
    }

    /// The pattern matches the path or one of its parent directories.
    fn matches(&self, path: &str) -> bool {
        let whole = |p: &str| self.globs.iter().any(|g| g.is_match(p));
        whole(path) || path.match_indices('/').any(|(i, _)| whole(&path[..i]))
    }
}

impl DockerIgnore {
    pub fn parse(text: &str) -> DockerIgnore {
        let mut rules = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (exception, pat) = match line.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, line),
            };
            let pat = clean_path(pat);
            if pat.is_empty() {
                continue;
            }
            rules.push(IgnoreRule::new(pat, exception));
        }
        DockerIgnore { rules }
    }

    /// Whether `path` (relative to the context, `/`-separated) is left out.
    pub fn is_excluded(&self, path: &str) -> bool {
        let path = clean_path(path);
        let mut excluded = false;
        for r in &self.rules {
            if r.exception != excluded {
                // Cannot change the outcome.
                continue;
            }
            if r.matches(&path) {
                excluded = !r.exception;
            }
        }
        excluded
    }

    /// Whether some `!` rule may re-include files inside an excluded directory.
    pub fn has_exceptions(&self) -> bool {
        self.rules.iter().any(|r| r.exception)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ig(text: &str) -> DockerIgnore {
        DockerIgnore::parse(text)
    }

    /// What `globset` alone says for one glob, for the tests that show where Docker differs.
    fn globset_alone(glob: &str, path: &str) -> bool {
        matcher(glob).is_some_and(|m| m.is_match(path))
    }

    #[test]
    fn dockerignore_exact_dirs_and_comments() {
        let i = ig("# comment\n\nsecret.txt\nlogs/\n/build\n  spaced  \n");
        assert!(i.is_excluded("secret.txt"));
        assert!(!i.is_excluded("a/secret.txt"));
        assert!(i.is_excluded("logs"));
        assert!(i.is_excluded("logs/a.log"));
        assert!(i.is_excluded("logs/deep/a.log"));
        assert!(!i.is_excluded("logsx"));
        assert!(i.is_excluded("build/out"));
        assert!(i.is_excluded("spaced"));
        assert!(!i.is_excluded("# comment"));
        assert!(!i.is_excluded("Dockerfile"));
    }

    #[test]
    fn dockerignore_globs() {
        let i = ig("*.md\n?.tmp\ndocs/*/draft\n[a-c]x\n[^0-9]y\n\\*lit\n");
        assert!(i.is_excluded("README.md"));
        assert!(!i.is_excluded("docs/README.md"), "* stays in one segment");
        assert!(i.is_excluded("a.tmp"));
        assert!(!i.is_excluded("ab.tmp"));
        assert!(i.is_excluded("docs/v1/draft"));
        assert!(i.is_excluded("docs/v1/draft/x"));
        assert!(!i.is_excluded("docs/v1/v2/draft"));
        assert!(i.is_excluded("bx"));
        assert!(!i.is_excluded("dx"));
        assert!(i.is_excluded("ay"));
        assert!(!i.is_excluded("1y"));
        assert!(i.is_excluded("*lit"));
        assert!(!i.is_excluded("xlit"));
    }

    #[test]
    fn dockerignore_double_star() {
        let i = ig("**/*.log\nnode_modules\na/**/z\n**/cache\n");
        assert!(i.is_excluded("x.log"));
        assert!(i.is_excluded("a/b/c/x.log"));
        assert!(i.is_excluded("a/z"));
        assert!(i.is_excluded("a/b/c/z"));
        assert!(!i.is_excluded("b/z"));
        assert!(i.is_excluded("cache"));
        assert!(i.is_excluded("p/q/cache/file"));
        assert!(i.is_excluded("node_modules/x/y"));
        assert!(!i.is_excluded("src/main.rs"));
        assert!(ig("**").is_excluded("any/thing"));
    }

    #[test]
    fn dockerignore_exceptions_last_wins() {
        let i = ig("*.md\n!README.md\nlogs\n!logs/keep.txt\n");
        assert!(i.is_excluded("CHANGES.md"));
        assert!(!i.is_excluded("README.md"));
        assert!(i.is_excluded("logs/x"));
        assert!(!i.is_excluded("logs/keep.txt"));
        assert!(i.has_exceptions());
        let i = ig("!README.md\n*.md\n");
        assert!(i.is_excluded("README.md"));
        assert!(!ig("a").has_exceptions());
        // A bad class is a literal.
        assert!(ig("[ab").is_excluded("[ab"));
    }

    #[test]
    fn a_directory_pattern_excludes_what_it_holds() {
        // globset matches whole paths only.
        assert!(!globset_alone("logs", "logs/a.log"));
        assert!(ig("logs").is_excluded("logs/a.log"));
        assert!(ig("logs/*.d").is_excluded("logs/x.d/y/z"));
    }

    #[test]
    fn star_stays_in_its_segment() {
        // globset's default lets `*` cross `/`; Docker's does not.
        assert!(globset::Glob::new("*.md").is_ok_and(|g| g.compile_matcher().is_match("a/b.md")));
        assert!(!ig("*.md").is_excluded("a/b.md"));
        assert!(!ig("a?b").is_excluded("a/b"));
        assert!(!ig("a[^x]b").is_excluded("a/b"));
    }

    #[test]
    fn exceptions_reinclude_and_the_last_line_wins() {
        let i = ig("logs\n!logs/keep\nlogs/keep/secret\n");
        assert!(i.is_excluded("logs/x"));
        assert!(!i.is_excluded("logs/keep"));
        assert!(!i.is_excluded("logs/keep/a"));
        assert!(i.is_excluded("logs/keep/secret"));
        // A `!` at the start is not globset's negated class or anything else: a whole line.
        assert!(!ig("*\n!*.rs\n").is_excluded("main.rs"));
    }

    #[test]
    fn paths_and_patterns_are_cleaned() {
        assert!(ig("/a//b/./c/../d/").is_excluded("a/b/d"));
        assert!(ig("a/b").is_excluded("./a//b/"));
        assert!(!ig("/").has_exceptions());
        assert_eq!(
            ig("/"),
            DockerIgnore::default(),
            "a pattern of nothing is dropped"
        );
    }

    #[test]
    fn braces_are_plain_characters() {
        // globset reads `{a,b}` as alternates; Docker has none.
        assert!(globset_alone("{a,b}.txt", "a.txt"));
        assert!(!ig("{a,b}.txt").is_excluded("a.txt"));
        assert!(ig("{a,b}.txt").is_excluded("{a,b}.txt"));
    }

    #[test]
    fn glued_double_star_is_any_number_of_directories() {
        // Docker: `**` is `(.*/)?` wherever it stands; globset: two `*` unless it is a
        // whole segment.
        assert!(globset_alone("**.log", "x.log"));
        let i = ig("**.log\n");
        assert!(!i.is_excluded("x.log"));
        assert!(i.is_excluded(".log"));
        assert!(i.is_excluded("a/b/.log"));
        let i = ig("a**b\n");
        assert!(i.is_excluded("ab"));
        assert!(i.is_excluded("ax/b"));
        assert!(i.is_excluded("ax/y/b"));
        assert!(!i.is_excluded("axb"));
        assert_eq!(globs_for("a**/b"), vec!["ab", "a*/**/b"]);
    }

    #[test]
    fn an_unclosed_class_is_plain() {
        assert!(ig("[ab").is_excluded("[ab"));
        assert!(!ig("[ab").is_excluded("a"));
        assert!(ig("x[").is_excluded("x["));
    }
}
