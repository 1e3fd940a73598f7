//! Streaming: JSON Lines read, processed and written in order, one bounded
//! batch at a time, so that memory does not grow with the number of lines.
//!
//! - [`Lines`] reads a file or stdin line by line. A batch ends at
//!   [`BATCH`] lines or when the next line would wait for more input (so an
//!   interactive or slow producer sees each answer as soon as it can).
//! - [`process`] maps a batch on every core (rayon) when it is large enough
//!   to pay, then hands the results over in input order; [`pipeline`] reads
//!   the next batch meanwhile.
//! - [`Sink`] is stdout behind one buffer; it writes only [`Shown`] text.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::fd::AsFd;
use std::path::Path;

use rayon::prelude::*;

use crate::terminal::Shown;
use crate::Failure;

/// The most lines in one batch.
pub const BATCH: usize = 512;

/// Below this many lines a batch is processed on the calling thread.
const PARALLEL_FROM: usize = 64;

/// The read buffer: a few hundred typical tokens.
const READ_BUFFER: usize = 256 * 1024;

/// One line of the input: its 1-based number and its bytes (without the
/// line break, nor a byte-order mark on line 1).
#[derive(Debug)]
pub struct Line {
    /// 1-based line number.
    pub number: usize,
    bytes: Vec<u8>,
    /// Bytes removed before `bytes` (a byte-order mark), for columns.
    skipped: usize,
}

impl Line {
    /// The text, or the 1-based byte column of the first byte that is not
    /// UTF-8 (checked here, on the thread that handles the line).
    pub fn text(&self) -> Result<&str, usize> {
        std::str::from_utf8(&self.bytes).map_err(|e| e.valid_up_to() + self.skipped + 1)
    }

    /// The bytes of the line.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// The lines of a file or of stdin.
pub struct Lines {
    /// How messages name the input (the path, or `<stdin>`).
    pub name: String,
    reader: BufReader<Box<dyn Read + Send>>,
    number: usize,
    bytes: Vec<u8>,
    done: bool,
}

impl Lines {
    /// Opens `path` (`-` is stdin) for reading line by line.
    pub fn open(path: &Path) -> Result<Lines, Failure> {
        let (name, source): (String, Box<dyn Read + Send>) = if path.as_os_str() == "-" {
            ("<stdin>".to_string(), Box::new(std::io::stdin()))
        } else {
            let name = path.display().to_string();
            if path.is_dir() {
                return Err(Failure::input(format!("{name}: is a folder, not a file")));
            }
            let file =
                std::fs::File::open(path).map_err(|e| crate::input::read_failure(&name, &e))?;
            (name, Box::new(file))
        };
        Ok(Lines::from_reader(name, source))
    }

    /// Reads `source`, which messages call `name`, line by line.
    pub fn from_reader(name: String, source: Box<dyn Read + Send>) -> Lines {
        Lines {
            name,
            reader: BufReader::with_capacity(READ_BUFFER, source),
            number: 0,
            bytes: Vec::new(),
            done: false,
        }
    }

    /// The next line, blank or not; `None` at the end of the input.
    pub fn next_line(&mut self) -> Result<Option<Line>, Failure> {
        if self.done {
            return Ok(None);
        }
        self.bytes.clear();
        let n = self
            .reader
            .read_until(b'\n', &mut self.bytes)
            .map_err(|e| crate::input::read_failure(&self.name, &e))?;
        if n == 0 {
            self.done = true;
            return Ok(None);
        }
        self.number += 1;
        let mut end = self.bytes.len();
        if self.bytes.get(end - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > 0 && self.bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        let mut start = 0;
        if self.number == 1 && self.bytes.starts_with("\u{feff}".as_bytes()) {
            start = "\u{feff}".len();
        }
        let raw = self.bytes.get(start..end.max(start)).unwrap_or_default();
        Ok(Some(Line {
            number: self.number,
            bytes: raw.to_vec(),
            skipped: start,
        }))
    }

    /// The next non-blank lines: at most [`BATCH`], fewer when the next
    /// one would wait for input; empty only at the end of the input.
    pub fn next_batch(&mut self) -> Result<Vec<Line>, Failure> {
        let mut batch = Vec::new();
        while batch.len() < BATCH {
            if !batch.is_empty() && self.reader.buffer().is_empty() {
                break;
            }
            match self.next_line()? {
                Some(line) if is_blank(&line) => {}
                Some(line) => batch.push(line),
                None => break,
            }
        }
        Ok(batch)
    }

    /// Everything not read yet, appended to `out`.
    pub fn read_rest(&mut self, out: &mut Vec<u8>) -> Result<(), Failure> {
        self.reader
            .read_to_end(out)
            .map_err(|e| crate::input::read_failure(&self.name, &e))?;
        self.done = true;
        Ok(())
    }
}

/// Whether a line holds only whitespace (blank lines are not documents).
pub fn is_blank(line: &Line) -> bool {
    match line.bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        None => true,
        Some(b) if b.is_ascii() => false,
        // Unicode whitespace (`str::trim`'s) is rare: the whole check.
        Some(_) => line.text().is_ok_and(|t| t.trim().is_empty()),
    }
}

/// Whether reading `path` (`-` is stdin) never waits for a producer: a
/// regular file (stdin redirected from one, too).
pub fn never_waits(path: &Path) -> bool {
    if path.as_os_str() != "-" {
        return true;
    }
    std::io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .map(std::fs::File::from)
        .and_then(|f| f.metadata())
        .is_ok_and(|m| m.is_file())
}

/// Streams batches from `next` through `work` to `emit`, in order. With
/// `overlap` (input that never waits: see [`never_waits`]) the next batch is
/// read while the current one is processed, so at most two batches are
/// held at once; without, each batch is written before the next is read,
/// so that a slow producer sees every answer as soon as it can.
pub fn pipeline<T: Send, R: Send>(
    overlap: bool,
    mut next: impl FnMut() -> Result<Vec<T>, Failure> + Send,
    work: impl Fn(T) -> R + Sync + Send,
    mut emit: impl FnMut(Vec<R>) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let mut batch = next()?;
    while !batch.is_empty() {
        if overlap {
            let (following, results) = rayon::join(&mut next, || process(batch, &work));
            emit(results)?;
            batch = following?;
        } else {
            emit(process(batch, &work))?;
            batch = next()?;
        }
    }
    Ok(())
}

/// `work` applied to every item of `batch`, in order: on every core when
/// the batch is large enough to pay for it.
pub fn process<T: Send, R: Send>(batch: Vec<T>, work: impl Fn(T) -> R + Sync + Send) -> Vec<R> {
    if batch.len() >= PARALLEL_FROM {
        batch.into_par_iter().map(work).collect()
    } else {
        batch.into_iter().map(work).collect()
    }
}

/// Stdout behind one buffer.
pub struct Sink {
    out: std::io::BufWriter<std::io::Stdout>,
}

impl Sink {
    /// Stdout, buffered.
    pub fn stdout() -> Sink {
        Sink {
            out: std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout()),
        }
    }

    /// Writes `text`.
    pub fn write(&mut self, text: &Shown) -> Result<(), Failure> {
        self.out
            .write_all(text.as_str().as_bytes())
            .map_err(|e| Failure::io(&e))
    }

    /// Writes what is buffered.
    pub fn flush(&mut self) -> Result<(), Failure> {
        self.out.flush().map_err(|e| Failure::io(&e))
    }
}
