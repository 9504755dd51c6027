//! The image corpus (`tests/corpus`, or `$PIXDROP_CORPUS` for another split
//! of the same layout) run through the library. The corpus is part of the
//! repository, so a clone alone runs every row: a missing corpus, manifest
//! or listed file fails the tests, it never skips them.
//!
//! - The manifest and the folder agree: every file is listed, with its
//!   sha256, provenance and licence, and every listed file is there.
//! - Every MANIFEST row is converted to PNG and judged by its `expected`
//!   column: `decode_ok` must succeed with the manifest's size (or its swap,
//!   for EXIF orientation), `error` must be an `Err`, `either` may be both.
//!   No row may panic, return an internal error, or take over 10 s of CPU
//!   time on its thread (wall time on a busy machine would measure the
//!   machine, not the row).
//! - Every `decode_ok` row is converted once more, to a writable format
//!   picked round-robin, and the output is sniffed and decoded back.
//!
//! Each test lists every failing row before it fails, not just the first.

use std::any::Any;
use std::collections::HashMap;
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use pixdrop::convert::{Format, Sniffed, sniff};
use pixdrop::{Limits, Options, Output, UserError};
use sha2::{Digest, Sha256};

#[path = "../bots/tests/support/pdf.rs"]
mod pdf;

const TIME_LIMIT: Duration = Duration::from_secs(10);
const HANG_LIMIT: Duration = Duration::from_secs(300);
const WORKERS: usize = 2;
const ICO_MAX_SIDE: u32 = 256;
const AVIF_MAX_SIDE: u64 = 32768;

/// The tests take turns: each keeps `WORKERS` cores busy on its own, and
/// running them together would stretch every row's time.
static MACHINE: Mutex<()> = Mutex::new(());

fn take_turn() -> MutexGuard<'static, ()> {
    MACHINE.lock().unwrap_or_else(PoisonError::into_inner)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expected {
    DecodeOk,
    Error,
    Either,
}

#[derive(Debug, Clone)]
struct Row {
    path: String,
    sha256: String,
    format: String,
    size: Option<(u64, u64)>,
    category: String,
    expected: Expected,
}

impl Row {
    fn needs_libheif(&self) -> bool {
        matches!(self.format.as_str(), "heic" | "avif")
    }

    /// Too big for the AV1 encoder to finish quickly in a test build, or
    /// longer than an AVIF may be (`AVIF_MAX_SIDE`: refused, as
    /// `tests/pipeline.rs` checks).
    fn too_big_for_avif(&self) -> bool {
        self.category == "photo"
            || self
                .size
                .is_none_or(|(w, h)| w * h > 250_000 || w.max(h) > AVIF_MAX_SIDE)
    }

    fn size_problem(&self, width: u32, height: u32) -> Option<String> {
        let (w, h) = self.size?;
        let got = (u64::from(width), u64::from(height));
        (got != (w, h) && got != (h, w))
            .then(|| format!("expected {w}x{h} (or {h}x{w}), got {width}x{height}"))
    }
}

/// One finished check: what was checked, how long it took, what was wrong.
struct Checked {
    label: String,
    elapsed: Duration,
    problems: Vec<String>,
}

impl Checked {
    fn new(label: String, outcome: Result<(Duration, Vec<String>), String>) -> Self {
        let (elapsed, mut problems) =
            outcome.unwrap_or_else(|problem| (Duration::ZERO, vec![problem]));
        if elapsed > TIME_LIMIT {
            problems.push(format!(
                "took {:.1} s of CPU time, over the {} s limit",
                elapsed.as_secs_f64(),
                TIME_LIMIT.as_secs()
            ));
        }
        Self {
            label,
            elapsed,
            problems,
        }
    }
}

/// Says what was skipped straight to stderr, past the test harness's
/// capture, so that CI sees it even when the test passes.
fn skipped(what: &str) {
    let _ = writeln!(std::io::stderr(), "SKIPPED: {what}");
}

fn corpus_dir() -> PathBuf {
    std::env::var_os("PIXDROP_CORPUS").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus")),
        PathBuf::from,
    )
}

/// The corpus folder and its rows; panics when either is missing.
fn corpus() -> (PathBuf, Vec<Row>) {
    let dir = corpus_dir();
    let manifest = dir.join("MANIFEST.tsv");
    let text = std::fs::read_to_string(&manifest)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", manifest.display()));
    (dir, parse_manifest(&text))
}

fn parse_manifest(text: &str) -> Vec<Row> {
    let mut lines = text.lines().filter(|line| !line.trim().is_empty());
    let header: HashMap<&str, usize> = lines
        .next()
        .expect("MANIFEST.tsv is empty")
        .split('\t')
        .enumerate()
        .map(|(index, name)| (name.trim(), index))
        .collect();
    let rows: Vec<Row> = lines.map(|line| parse_row(&header, line)).collect();
    assert!(!rows.is_empty(), "MANIFEST.tsv has no rows");
    rows
}

fn parse_row(header: &HashMap<&str, usize>, line: &str) -> Row {
    let cells: Vec<&str> = line.split('\t').collect();
    let cell = |name: &str| {
        let index = *header
            .get(name)
            .unwrap_or_else(|| panic!("MANIFEST.tsv has no `{name}` column"));
        cells.get(index).map_or("", |value| value.trim())
    };
    let number = |name: &str| cell(name).parse::<u64>().ok();
    let expected = match cell("expected") {
        "decode_ok" => Expected::DecodeOk,
        "error" => Expected::Error,
        "either" => Expected::Either,
        other => panic!(
            "MANIFEST.tsv: {} has unknown expected `{other}`",
            cell("path")
        ),
    };
    for column in ["provenance", "license"] {
        assert!(
            !cell(column).is_empty(),
            "MANIFEST.tsv: {} has no {column}",
            cell("path")
        );
    }
    Row {
        path: cell("path").to_string(),
        sha256: cell("sha256").to_ascii_lowercase(),
        format: cell("format").to_string(),
        size: number("width").zip(number("height")),
        category: cell("category").to_string(),
        expected,
    }
}

/// The rows this build can judge; HEIC/AVIF rows are left out, loudly, when
/// the build has no libheif.
fn judgeable(rows: Vec<Row>) -> Vec<Row> {
    if Format::Heic.readable() {
        return rows;
    }
    if rows.iter().any(Row::needs_libheif) {
        skipped("heic/avif rows (built without libheif)");
    }
    rows.into_iter()
        .filter(|row| !row.needs_libheif())
        .collect()
}

fn read_verified(dir: &Path, row: &Row) -> Result<Vec<u8>, String> {
    let bytes =
        std::fs::read(dir.join(&row.path)).map_err(|e| format!("cannot read the file: {e}"))?;
    let digest: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if digest != row.sha256 {
        return Err(format!("sha256 is {digest}, MANIFEST says {}", row.sha256));
    }
    Ok(bytes)
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|text| (*text).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

/// Runs `job` and says how much CPU time this thread spent on it.
fn timed<T>(job: impl FnOnce() -> T) -> (Duration, T) {
    let started = thread_cpu_time();
    let value = job();
    (thread_cpu_time().saturating_sub(started), value)
}

fn thread_cpu_time() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid timespec for the call to write into.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(status, 0, "the thread's CPU clock is readable");
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// Runs `job` on its own thread, named after the file so that a panic
/// message names it. A job over `TIME_LIMIT` is still waited for, so that it
/// cannot slow the rows after it, until `HANG_LIMIT`; then it is abandoned.
fn bounded<T: Send + 'static>(
    label: &str,
    job: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::Builder::new()
        .name(label.to_string())
        .spawn(move || {
            let _ = sender.send(catch_unwind(AssertUnwindSafe(job)));
        })
        .expect("spawn a conversion thread");
    match receiver.recv_timeout(HANG_LIMIT) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(payload)) => Err(format!("panicked: {}", panic_message(&*payload))),
        Err(_) => Err(format!(
            "hung: still running after {} s (abandoned)",
            HANG_LIMIT.as_secs()
        )),
    }
}

/// Runs `check` over `items` on `WORKERS` threads, results in input order.
fn in_parallel<T: Sync>(items: &[T], check: impl Fn(&T) -> Checked + Sync) -> Vec<Checked> {
    let next = AtomicUsize::new(0);
    let done = Mutex::new(Vec::with_capacity(items.len()));
    std::thread::scope(|scope| {
        for _ in 0..WORKERS {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(index) else {
                        break;
                    };
                    let checked = check(item);
                    done.lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push((index, checked));
                }
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_else(PoisonError::into_inner);
    done.sort_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, checked)| checked).collect()
}

fn assert_all_passed(what: &str, checked: &[Checked]) {
    let mut slowest: Vec<&Checked> = checked.iter().collect();
    slowest.sort_by_key(|c| std::cmp::Reverse(c.elapsed));
    let total: Duration = checked.iter().map(|c| c.elapsed).sum();
    println!(
        "{what}: {} checked, {:.1} s of conversion in all; slowest:",
        checked.len(),
        total.as_secs_f64()
    );
    for c in slowest.iter().take(5) {
        println!("  {:6.2} s  {}", c.elapsed.as_secs_f64(), c.label);
    }
    let failing: Vec<&Checked> = checked.iter().filter(|c| !c.problems.is_empty()).collect();
    let lines: Vec<String> = failing
        .iter()
        .flat_map(|c| {
            c.problems
                .iter()
                .map(move |problem| format!("  {}: {problem}", c.label))
        })
        .collect();
    assert!(
        failing.is_empty(),
        "{} of {} {what} failed:\n{}",
        failing.len(),
        checked.len(),
        lines.join("\n")
    );
}

fn expectation_problems(row: &Row, result: Result<Output, UserError>) -> Vec<String> {
    let problem = match (row.expected, result) {
        (_, Err(error @ UserError::Internal { .. })) => {
            Some(format!("internal error instead of a clean one: {error}"))
        }
        (Expected::DecodeOk, Err(error)) => Some(format!(
            "expected decode_ok, got error `{}`: {error}",
            error.code()
        )),
        (Expected::DecodeOk, Ok(out)) => row.size_problem(out.width, out.height),
        (Expected::Error, Ok(out)) => Some(format!(
            "expected an error, got Ok: {} {}x{} ({} frames) as {}",
            out.input.format, out.input.width, out.input.height, out.input.frames, out.format
        )),
        (Expected::Error | Expected::Either, Err(_)) | (Expected::Either, Ok(_)) => None,
    };
    problem.into_iter().collect()
}

fn check_expectation(dir: &Path, row: &Row) -> Checked {
    let outcome = read_verified(dir, row).and_then(|bytes| {
        let png = Options {
            to: Some(Format::Png),
            ..Default::default()
        };
        bounded(&row.path, move || {
            timed(|| pixdrop::convert(&bytes, &png, &Limits::default()))
        })
    });
    let outcome = outcome.map(|(elapsed, result)| (elapsed, expectation_problems(row, result)));
    Checked::new(row.path.clone(), outcome)
}

#[test]
fn every_row_meets_its_expectation_when_converted_to_png() {
    let _turn = take_turn();
    let (dir, rows) = corpus();
    let rows = judgeable(rows);
    let checked = in_parallel(&rows, |row| check_expectation(&dir, row));
    assert_all_passed("corpus rows (to png)", &checked);
}

/// Each decodable row paired with a writable target, round-robin, so every
/// target gets many inputs; large inputs skip AVIF (minutes in a debug build).
fn round_robin_targets(rows: &[Row]) -> Vec<(Row, Format)> {
    let writable: Vec<Format> = Format::ALL.into_iter().filter(|f| f.writable()).collect();
    let mut turn = 0;
    rows.iter()
        .map(|row| {
            if row.too_big_for_avif() && writable[turn % writable.len()] == Format::Avif {
                turn += 1;
            }
            let target = writable[turn % writable.len()];
            turn += 1;
            (row.clone(), target)
        })
        .collect()
}

fn pdf_problems(out: &Output) -> Vec<String> {
    let pages = match pdf::pages(&out.bytes) {
        Ok(pages) => pages,
        Err(problem) => return vec![format!("PDF does not parse: {problem}")],
    };
    let mut problems = Vec::new();
    if pages.len() != out.frames as usize {
        problems.push(format!(
            "PDF has {} pages for {} frames",
            pages.len(),
            out.frames
        ));
    }
    let first = (u64::from(out.width), u64::from(out.height));
    if let Some(page) = pages
        .first()
        .filter(|page| (page.width, page.height) != first)
    {
        problems.push(format!(
            "PDF's first image is {}x{}, the output says {}x{}",
            page.width, page.height, first.0, first.1
        ));
    }
    problems
}

fn decoded_back_problems(target: Format, out: &Output) -> Vec<String> {
    let sniffed = sniff(&out.bytes);
    if sniffed != Sniffed::Image(target) {
        return vec![format!("output sniffs as {sniffed:?}, not {target}")];
    }
    if target == Format::Avif && !Format::Avif.readable() {
        return Vec::new();
    }
    let back = match pixdrop::info(&out.bytes, &Limits::default()) {
        Ok(back) => back,
        Err(error) => return vec![format!("output does not decode back: {error}")],
    };
    let problem = if target == Format::Ico {
        (back.width > ICO_MAX_SIDE).then(|| {
            format!(
                "ICO decodes back {} px wide, over {ICO_MAX_SIDE}",
                back.width
            )
        })
    } else {
        ((back.width, back.height) != (out.width, out.height)).then(|| {
            format!(
                "output says {}x{} but decodes back as {}x{}",
                out.width, out.height, back.width, back.height
            )
        })
    };
    problem.into_iter().collect()
}

fn conversion_problems(row: &Row, target: Format, bytes: &[u8]) -> (Duration, Vec<String>) {
    let options = Options {
        to: Some(target),
        ..Default::default()
    };
    let (elapsed, result) = timed(|| pixdrop::convert(bytes, &options, &Limits::default()));
    let out = match result {
        Ok(out) => out,
        Err(error) => {
            let problem = format!("conversion failed `{}`: {error}", error.code());
            return (elapsed, vec![problem]);
        }
    };
    let mut problems = Vec::new();
    if out.format != target {
        problems.push(format!("output format is {}", out.format));
    }
    if target != Format::Ico {
        problems.extend(row.size_problem(out.width, out.height));
    }
    if target == Format::Pdf {
        problems.extend(pdf_problems(&out));
    } else {
        problems.extend(decoded_back_problems(target, &out));
    }
    (elapsed, problems)
}

fn check_conversion(dir: &Path, row: &Row, target: Format) -> Checked {
    let label = format!("{} -> {target}", row.path);
    let owned = row.clone();
    let outcome = read_verified(dir, row)
        .and_then(|bytes| bounded(&label, move || conversion_problems(&owned, target, &bytes)));
    Checked::new(label, outcome)
}

#[test]
fn decodable_rows_convert_to_every_writable_format() {
    let _turn = take_turn();
    let (dir, rows) = corpus();
    let decodable: Vec<Row> = judgeable(rows)
        .into_iter()
        .filter(|row| row.expected == Expected::DecodeOk)
        .collect();
    let jobs = round_robin_targets(&decodable);
    for format in Format::ALL.into_iter().filter(|f| f.writable()) {
        assert!(
            jobs.iter().any(|(_, target)| *target == format),
            "no decodable row was given {format} as its target"
        );
    }
    let checked = in_parallel(&jobs, |(row, target)| check_conversion(&dir, row, *target));
    assert_all_passed("conversions (round-robin targets)", &checked);
}

/// Every file below `dir`, as paths relative to it with `/` separators.
fn files_below(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    for entry in entries {
        let entry = entry.expect("a directory entry");
        let name = entry.file_name().into_string().expect("UTF-8 file names");
        let relative = format!("{prefix}{name}");
        if entry.file_type().expect("a file type").is_dir() {
            files_below(&entry.path(), &format!("{relative}/"), out);
        } else {
            out.push(relative);
        }
    }
}

#[test]
fn the_manifest_lists_exactly_the_files_in_the_corpus() {
    let (dir, rows) = corpus();
    let listed: Vec<&str> = rows.iter().map(|row| row.path.as_str()).collect();
    let mut present = Vec::new();
    files_below(&dir, "", &mut present);
    let documents = ["MANIFEST.tsv", "README.md"];
    let unlisted: Vec<&String> = present
        .iter()
        .filter(|path| !documents.contains(&path.as_str()) && !listed.contains(&path.as_str()))
        .collect();
    let missing: Vec<&&str> = listed
        .iter()
        .filter(|path| !present.iter().any(|p| p == *path))
        .collect();
    assert!(
        unlisted.is_empty() && missing.is_empty(),
        "files not in MANIFEST.tsv: {unlisted:?}; MANIFEST.tsv rows without a file: {missing:?}"
    );
}
