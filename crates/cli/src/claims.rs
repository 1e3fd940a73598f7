//! The sample users of `simulate` and `lint --claims`, streamed in bounded
//! batches: JSON Lines files (`.jsonl`, `.ndjson`) and stdin are read a
//! line at a time, a folder a file at a time; other files are loaded whole.
//!
//! Stdin is told apart by its first non-blank line, so that the first
//! login is answered before the second line arrives: a whole JSON object
//! starts JSON Lines (`<stdin>:LINE`), a line that looks like a JWT starts
//! one token a line (`<stdin>:LINE`); anything else (a JSON object over
//! several lines) is one document (`<stdin>`).

use std::collections::VecDeque;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rolemap_simulate::same_user::same_user_hint;
use rolemap_simulate::samples::{parse_jsonl_line, parse_samples};
use rolemap_simulate::{Outcome, SameUsers, Sample, SampleError};

use crate::input::looks_like_jwt;
use crate::stream::{is_blank, Line, Lines, BATCH};
use crate::Failure;

/// How the lines of a streamed input are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// One JSON object a line.
    Jsonl,
    /// One JWT a line.
    Jwt,
}

/// Where a streamed line comes from: what errors call it and how samples
/// are labelled.
#[derive(Debug)]
pub struct Origin {
    path: PathBuf,
    label: String,
    kind: Kind,
}

/// A sample, or a line still to be parsed into one (parsed on the worker
/// threads, in [`Item::sample`]).
#[derive(Debug)]
pub enum Item {
    /// A sample already read.
    Ready(Sample),
    /// A non-blank line of a streamed input.
    Line(Line, Arc<Origin>),
}

impl Item {
    /// The sample of this item, and where it is (for [`FirstLogins`]).
    pub fn sample(self) -> (Place, Result<Sample, Failure>) {
        match self {
            Item::Ready(s) => (Place::Loaded, Ok(s)),
            Item::Line(line, origin) => {
                let place = Place::Line(Arc::clone(&origin), line.number);
                (place, line_sample(line, &origin))
            }
        }
    }
}

/// Where a sample is: a line of a streamed input (labelled
/// `{origin}:{line}`), or a sample loaded whole (its label kept with it).
#[derive(Debug)]
pub enum Place {
    /// Loaded whole.
    Loaded,
    /// A line of a streamed input.
    Line(Arc<Origin>, usize),
}

/// The `same-user` hint over a stream of logins: per distinct identifier,
/// its hash and 8 bytes naming its first login (a line of a streamed input
/// as its origin and line number); the labels of loaded samples (in memory
/// whole anyway) and the streamed inputs' origins are kept aside.
#[derive(Debug, Default)]
pub struct FirstLogins {
    users: SameUsers<u64>,
    origins: Vec<Arc<Origin>>,
    labels: Vec<String>,
}

/// The bit of a [`FirstLogins`] reference that says it is an index of
/// `labels` (else: origin in bits 48..63, line in bits 0..48).
const LABEL_BIT: u64 = 1 << 63;

impl FirstLogins {
    /// Adds the `same-user` hint to `outcome` (the login of the sample at
    /// `place`) when an earlier login had its identifier.
    pub fn mark(&mut self, place: Place, outcome: &mut Outcome) {
        let Some(id) = outcome.identifier.as_deref() else {
            return;
        };
        let this = self.reference(place, &outcome.sample);
        if let Some(first) = self.users.first(id, this) {
            let hint = same_user_hint(&outcome.sample, &self.label(first), id);
            outcome.hints.push(hint);
        }
    }

    /// What names the login as `sample` at `place`.
    fn reference(&mut self, place: Place, sample: &str) -> u64 {
        if let Place::Line(origin, line) = place {
            if !self.origins.last().is_some_and(|o| Arc::ptr_eq(o, &origin)) {
                self.origins.push(origin);
            }
            let at = self.origins.len() as u64 - 1;
            if at < 1 << 15 && (line as u64) < 1 << 48 {
                return at << 48 | line as u64;
            }
        }
        self.labels.push(sample.to_string());
        LABEL_BIT | (self.labels.len() as u64 - 1)
    }

    /// The label of the login `reference` names.
    fn label(&self, reference: u64) -> String {
        if reference & LABEL_BIT != 0 {
            let at = (reference & !LABEL_BIT) as usize;
            return self.labels.get(at).cloned().unwrap_or_default();
        }
        let origin = self.origins.get((reference >> 48) as usize);
        let line = reference & ((1 << 48) - 1);
        origin.map_or(String::new(), |o| format!("{}:{line}", o.label))
    }
}

fn line_sample(line: Line, origin: &Origin) -> Result<Sample, Failure> {
    let fail = |e: SampleError| Failure::input(e.to_string());
    let text = line.text().map_err(|column| {
        fail(SampleError::NotText {
            path: origin.path.clone(),
            line: Some(line.number),
            column: Some(column),
        })
    })?;
    match origin.kind {
        Kind::Jsonl => parse_jsonl_line(text, line.number, &origin.path, &origin.label)
            .map_err(fail)?
            .ok_or_else(|| {
                fail(SampleError::Empty {
                    path: origin.path.clone(),
                })
            }),
        Kind::Jwt => {
            let label = format!("{}:{}", origin.label, line.number);
            let mut samples =
                parse_samples(text.as_bytes(), "jwt", Path::new(&label), &label).map_err(fail)?;
            samples.pop().ok_or_else(|| {
                fail(SampleError::Empty {
                    path: PathBuf::from(label),
                })
            })
        }
    }
}

/// What is being read now.
enum Current {
    Loaded(std::vec::IntoIter<Sample>),
    /// A folder: its files still to read, and the samples of the last read.
    Folder {
        files: VecDeque<PathBuf>,
        loaded: std::vec::IntoIter<Sample>,
    },
    Streamed {
        lines: Lines,
        origin: Arc<Origin>,
        /// Lines read to tell the input's kind, not handed out yet.
        pending: VecDeque<Line>,
    },
}

/// The samples of every claims argument, in order.
pub struct Samples {
    paths: VecDeque<PathBuf>,
    current: Option<Current>,
    /// A copy of stdin to read in its place (`-`), read as stdin is.
    stdin_copy: Option<PathBuf>,
}

impl Samples {
    /// The samples of `paths` (`-` is stdin).
    pub fn from_paths(paths: &[PathBuf]) -> Samples {
        Samples {
            paths: paths.iter().cloned().collect(),
            current: None,
            stdin_copy: None,
        }
    }

    /// Samples already loaded (the config's).
    pub fn loaded(samples: Vec<Sample>) -> Samples {
        Samples {
            paths: VecDeque::new(),
            current: Some(Current::Loaded(samples.into_iter())),
            stdin_copy: None,
        }
    }

    /// The same samples with `-` read from `copy`, a file holding what
    /// stdin gave (its samples are named `<stdin>:LINE` all the same).
    pub fn with_stdin_copy(mut self, copy: &Path) -> Samples {
        self.stdin_copy = Some(copy.to_path_buf());
        self
    }

    /// The next batch (at most [`BATCH`] items); empty at the end.
    pub fn next_batch(&mut self) -> Result<Vec<Item>, Failure> {
        loop {
            let Some(current) = &mut self.current else {
                let Some(path) = self.paths.pop_front() else {
                    return Ok(Vec::new());
                };
                self.current = Some(open(&path, self.stdin_copy.as_deref())?);
                continue;
            };
            let batch: Vec<Item> = match current {
                Current::Loaded(samples) => samples.by_ref().take(BATCH).map(Item::Ready).collect(),
                Current::Folder { files, loaded } => {
                    let mut batch = Vec::new();
                    while batch.len() < BATCH {
                        if let Some(s) = loaded.next() {
                            batch.push(Item::Ready(s));
                            continue;
                        }
                        let Some(file) = files.pop_front() else {
                            break;
                        };
                        *loaded = rolemap_simulate::samples::load_file(&file)
                            .map_err(|e| Failure::input(e.to_string()))?
                            .into_iter();
                    }
                    batch
                }
                Current::Streamed {
                    lines,
                    origin,
                    pending,
                } => {
                    let mut batch: Vec<Item> = pending
                        .drain(..)
                        .map(|l| Item::Line(l, Arc::clone(origin)))
                        .collect();
                    if batch.is_empty() {
                        batch = lines
                            .next_batch()?
                            .into_iter()
                            .map(|l| Item::Line(l, Arc::clone(origin)))
                            .collect();
                    }
                    batch
                }
            };
            if batch.is_empty() {
                self.current = None;
                continue;
            }
            return Ok(batch);
        }
    }
}

fn is_jsonl(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("jsonl") || e.eq_ignore_ascii_case("ndjson"))
}

/// Starts reading one claims argument (`-` from `stdin_copy` when given).
fn open(path: &Path, stdin_copy: Option<&Path>) -> Result<Current, Failure> {
    let fail = |e: SampleError| Failure::input(e.to_string());
    if path.as_os_str() == "-" {
        let lines = match stdin_copy {
            Some(copy) => {
                let file = std::fs::File::open(copy)
                    .map_err(|e| crate::input::read_failure("<stdin>", &e))?;
                Lines::from_reader("<stdin>".to_string(), Box::new(file))
            }
            None => Lines::open(path)?,
        };
        return open_stdin(lines);
    }
    if path.is_dir() {
        let files = rolemap_simulate::samples::sample_files(path).map_err(fail)?;
        return Ok(Current::Folder {
            files: files.into(),
            loaded: Vec::new().into_iter(),
        });
    }
    if !is_jsonl(path) {
        let samples = rolemap_simulate::load_samples(path).map_err(fail)?;
        return Ok(Current::Loaded(samples.into_iter()));
    }
    let file = std::fs::File::open(path).map_err(|source| {
        fail(SampleError::Io {
            path: path.to_path_buf(),
            source,
        })
    })?;
    drop(file);
    let mut lines = Lines::open(path)?;
    let first = lines.next_batch()?;
    if first.is_empty() {
        return Err(fail(SampleError::Empty {
            path: path.to_path_buf(),
        }));
    }
    let label = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    Ok(Current::Streamed {
        lines,
        origin: Arc::new(Origin {
            path: path.to_path_buf(),
            label,
            kind: Kind::Jsonl,
        }),
        pending: first.into(),
    })
}

/// Starts reading stdin (`lines`): its first non-blank line tells its kind.
fn open_stdin(mut lines: Lines) -> Result<Current, Failure> {
    let name = Path::new("<stdin>");
    let fail = |e: SampleError| Failure::input(e.to_string());
    // Every line up to the first non-blank one, blank ones included (to
    // give the text back whole when it is one document).
    let mut head: Vec<Line> = Vec::new();
    while head.last().is_none_or(is_blank) {
        match lines.next_line()? {
            Some(line) => head.push(line),
            None => break,
        }
    }
    let first = head
        .last()
        .filter(|l| !is_blank(l))
        .and_then(|l| l.text().ok())
        .map(str::trim);
    let kind = match first {
        Some(first)
            if first.starts_with('{')
                && serde_json::from_str::<serde_json::Value>(first).is_ok() =>
        {
            Some(Kind::Jsonl)
        }
        Some(first) if looks_like_jwt(first) => Some(Kind::Jwt),
        _ => None,
    };
    let Some(kind) = kind else {
        // One document: read whole (it is one sample).
        let mut bytes = Vec::new();
        for line in head {
            bytes.extend_from_slice(line.bytes());
            bytes.push(b'\n');
        }
        lines.read_rest(&mut bytes)?;
        let text = String::from_utf8_lossy(&bytes);
        let samples = parse_samples(text.as_bytes(), "", name, "<stdin>").map_err(fail)?;
        return Ok(Current::Loaded(samples.into_iter()));
    };
    let pending = head.into_iter().filter(|l| !is_blank(l)).collect();
    Ok(Current::Streamed {
        lines,
        origin: Arc::new(Origin {
            path: name.to_path_buf(),
            label: "<stdin>".to_string(),
            kind,
        }),
        pending,
    })
}

/// The samples of `lint --claims`, for the rules to visit as many times
/// as they need: each visit reads them again, a batch at a time, so memory
/// does not grow with their number. Stdin, which cannot be read twice, is
/// copied once into a temporary file (readable by this user only, deleted
/// when the lint ends) and read from there as stdin is.
pub struct ClaimFiles {
    paths: Vec<PathBuf>,
    stdin_copy: Option<tempfile::NamedTempFile>,
    empty: bool,
}

impl ClaimFiles {
    /// Reads every sample of `paths` once: the first that cannot be read
    /// fails here, so that the visits of the rules meet none.
    pub fn open(paths: &[PathBuf]) -> Result<ClaimFiles, Failure> {
        let mut stdin_copy = None;
        if paths.iter().any(|p| p.as_os_str() == "-") {
            stdin_copy = Some(copy_stdin()?);
        }
        let mut files = ClaimFiles {
            paths: paths.to_vec(),
            stdin_copy,
            empty: true,
        };
        let mut count = 0usize;
        files.each(&mut |_, _| {
            count += 1;
            ControlFlow::Continue(())
        })?;
        files.empty = count == 0;
        Ok(files)
    }

    /// Calls `f` with each sample in order until it breaks.
    fn each(
        &self,
        f: &mut dyn FnMut(usize, &serde_json::Value) -> ControlFlow<()>,
    ) -> Result<(), Failure> {
        let mut samples = Samples::from_paths(&self.paths);
        if let Some(copy) = &self.stdin_copy {
            samples = samples.with_stdin_copy(copy.path());
        }
        let mut i = 0;
        loop {
            let batch = samples.next_batch()?;
            if batch.is_empty() {
                return Ok(());
            }
            for item in batch {
                let sample = item.sample().1?;
                if f(i, sample.claims.as_json()).is_break() {
                    return Ok(());
                }
                i += 1;
            }
        }
    }
}

/// What stdin gives, copied into a new temporary file.
fn copy_stdin() -> Result<tempfile::NamedTempFile, Failure> {
    let mut copy = tempfile::Builder::new()
        .prefix("rolemap-stdin-")
        .tempfile()
        .map_err(|e| Failure::input(format!("<stdin>: cannot make a temporary copy: {e}")))?;
    std::io::copy(&mut std::io::stdin().lock(), copy.as_file_mut())
        .map_err(|e| Failure::input(format!("<stdin>: cannot read: {e}")))?;
    Ok(copy)
}

impl rolemap_lint::ClaimSource for ClaimFiles {
    fn is_empty(&self) -> bool {
        self.empty
    }

    fn visit(&self, f: &mut dyn FnMut(usize, &serde_json::Value) -> ControlFlow<()>) {
        // Every sample was read once by `open`: a visit meets no error
        // unless a file changes meanwhile, and then stops there.
        let _ = self.each(f);
    }
}
