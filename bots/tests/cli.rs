//! The `pixdrop` binary as a user meets it.
//!
//! - `convert` through files (format from `--to` or from the output's
//!   extension) and through stdin/stdout; `info`; `formats`.
//! - User errors (bad quality, unknown output extension, a text file, a
//!   missing file): exit status 2, exactly one `pixdrop: ` line on stderr,
//!   no panic text, no output file.
//! - The corpus (`tests/corpus`, or `$PIXDROP_CORPUS`): every `error`
//!   row fails cleanly within 10 s, with the children's peak memory under
//!   1 GiB; every `either` row exits 0 or 2 and nothing else.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const TIME_LIMIT: Duration = Duration::from_secs(10);
/// `ru_maxrss` is in KiB on Linux.
const MEMORY_LIMIT_KIB: libc::c_long = 1 << 20;
const WIDTH: u32 = 40;
const HEIGHT: u32 = 30;
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
/// Settings that would change what the binary accepts; the tests want the
/// documented defaults.
const CONFIG_VARIABLES: [&str; 5] = [
    "RUST_LOG",
    "PIXDROP_MAX_INPUT_BYTES",
    "PIXDROP_MAX_PIXELS",
    "PIXDROP_MAX_FRAMES",
    "PIXDROP_TIME_BUDGET",
];

/// A fresh folder under the system temp dir, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "pixdrop-cli-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let dir = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&dir).expect("create a scratch folder");
        Self(dir)
    }

    fn path(&self, name: &str) -> String {
        let path = self.0.join(name);
        path.to_str().expect("temp paths are UTF-8").to_string()
    }

    fn write(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.path(name);
        std::fs::write(&path, bytes).expect("write a scratch file");
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What one run of the binary did.
struct Run {
    status: ExitStatus,
    timed_out: bool,
    stdout: Vec<u8>,
    stderr: String,
}

impl Run {
    fn status_text(&self) -> String {
        match (self.status.code(), self.status.signal()) {
            (Some(code), _) => format!("exit status {code}"),
            (None, Some(signal)) => format!("killed by signal {signal}"),
            (None, None) => "no exit status".into(),
        }
    }

    fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    fn time_problems(&self) -> Vec<String> {
        self.timed_out
            .then(|| format!("still running after {} s (killed)", TIME_LIMIT.as_secs()))
            .into_iter()
            .collect()
    }

    /// Why this run is not one clean `pixdrop: ` line with status 2.
    fn user_error_problems(&self) -> Vec<String> {
        let mut problems = self.time_problems();
        if self.status.code() != Some(2) {
            problems.push(format!("{}, not 2", self.status_text()));
        }
        problems.extend(self.stderr_problems());
        problems
    }

    fn stderr_problems(&self) -> Vec<String> {
        let lines: Vec<&str> = self.stderr.lines().collect();
        let mut problems = Vec::new();
        if lines.len() != 1 || !lines[0].starts_with("pixdrop: ") {
            problems.push(format!(
                "stderr is not one `pixdrop: ` line: {:?}",
                self.stderr
            ));
        }
        if self.stderr.contains("panicked") || self.stderr.contains("RUST_BACKTRACE") {
            problems.push("stderr shows a panic".into());
        }
        problems
    }
}

fn pixdrop(args: &[&str], stdin: &[u8]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pixdrop"));
    command
        .args(args)
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for variable in CONFIG_VARIABLES {
        command.env_remove(variable);
    }
    let mut child = command.spawn().expect("start the pixdrop binary");
    let feeder = feed(child.stdin.take().expect("piped stdin"), stdin.to_vec());
    let stdout = drain(child.stdout.take().expect("piped stdout"));
    let stderr = drain(child.stderr.take().expect("piped stderr"));
    let (status, timed_out) = wait_at_most(&mut child, TIME_LIMIT);
    let _ = feeder.join();
    Run {
        status,
        timed_out,
        stdout: stdout.join().expect("read stdout"),
        stderr: String::from_utf8_lossy(&stderr.join().expect("read stderr")).into_owned(),
    }
}

fn feed(mut pipe: impl Write + Send + 'static, bytes: Vec<u8>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let _ = pipe.write_all(&bytes);
    })
}

fn drain(mut pipe: impl Read + Send + 'static) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

/// Waits for `child` at most `limit`, then kills it; true when it was killed.
fn wait_at_most(child: &mut Child, limit: Duration) -> (ExitStatus, bool) {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("wait for pixdrop") {
            return (status, false);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            return (child.wait().expect("wait for the killed pixdrop"), true);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn small_png() -> Vec<u8> {
    let image = image::RgbaImage::from_fn(WIDTH, HEIGHT, |x, y| {
        image::Rgba([(x * 6) as u8, (y * 8) as u8, 128, 255])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("encode a PNG");
    out.into_inner()
}

fn assert_success(run: &Run) {
    assert!(
        run.status.success() && !run.timed_out,
        "pixdrop failed ({}): {}",
        run.status_text(),
        run.stderr
    );
}

fn assert_user_error(run: &Run, output: &str) {
    let mut problems = run.user_error_problems();
    if Path::new(output).exists() {
        problems.push(format!("{output} was created"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn first_line(run: &Run) -> String {
    run.stdout_text().lines().next().unwrap_or("").to_string()
}

fn read_output(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("no output at {path}: {e}"))
}

#[test]
fn converts_a_png_file_to_webp() {
    let scratch = Scratch::new();
    let input = scratch.write("in.png", &small_png());
    let output = scratch.path("out.webp");
    assert_success(&pixdrop(
        &["convert", &input, "-o", &output, "--to", "webp"],
        b"",
    ));
    let bytes = read_output(&output);
    assert!(
        bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP",
        "not a WebP: {:?}",
        &bytes[..bytes.len().min(16)]
    );
    let info = pixdrop(&["info", &output], b"");
    assert_success(&info);
    assert_eq!(first_line(&info), format!("webp {WIDTH}x{HEIGHT}"));
}

#[test]
fn takes_the_output_format_from_the_extension() {
    let scratch = Scratch::new();
    let input = scratch.write("in.png", &small_png());
    let output = scratch.path("out.jpg");
    assert_success(&pixdrop(&["convert", &input, "-o", &output], b""));
    let bytes = read_output(&output);
    assert!(
        bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        "not a JPEG: {:?}",
        &bytes[..bytes.len().min(16)]
    );
}

#[test]
fn converts_stdin_to_stdout() {
    let run = pixdrop(&["convert", "-", "-o", "-", "--to", "png"], &small_png());
    assert_success(&run);
    assert!(run.stdout.starts_with(PNG_SIGNATURE), "stdout is not a PNG");
    let image = image::load_from_memory(&run.stdout).expect("stdout decodes as PNG");
    assert_eq!((image.width(), image.height()), (WIDTH, HEIGHT));
}

#[test]
fn info_starts_with_format_and_size() {
    let scratch = Scratch::new();
    let input = scratch.write("in.png", &small_png());
    let run = pixdrop(&["info", &input], b"");
    assert_success(&run);
    assert_eq!(first_line(&run), format!("png {WIDTH}x{HEIGHT}"));
}

/// `formats` as name -> (read, write), asserting every line has that shape.
fn formats_table(run: &Run) -> HashMap<String, (String, String)> {
    let text = run.stdout_text();
    let lines: Vec<&str> = text.lines().collect();
    let table: HashMap<String, (String, String)> = lines
        .iter()
        .filter_map(
            |line| match line.split_whitespace().collect::<Vec<_>>()[..] {
                [name, "read:", read, "write:", write] => {
                    Some((name.to_string(), (read.to_string(), write.to_string())))
                }
                _ => None,
            },
        )
        .collect();
    assert_eq!(
        table.len(),
        lines.len(),
        "unexpected `formats` output:\n{text}"
    );
    table
}

#[test]
fn formats_lists_what_is_read_and_written() {
    let run = pixdrop(&["formats"], b"");
    assert_success(&run);
    let table = formats_table(&run);
    let can = |name: &str| table.get(name).map(|(r, w)| (r.as_str(), w.as_str()));
    for name in ["jpeg", "png", "webp"] {
        assert_eq!(can(name), Some(("yes", "yes")), "{name}");
    }
    assert_eq!(can("pdf").map(|(_, write)| write), Some("yes"), "pdf");
    assert_eq!(can("heic").map(|(_, write)| write), Some("no"), "heic");
}

#[test]
fn an_out_of_range_quality_is_a_user_error() {
    let scratch = Scratch::new();
    let input = scratch.write("in.png", &small_png());
    let output = scratch.path("out.webp");
    let run = pixdrop(&["convert", &input, "-o", &output, "--quality", "500"], b"");
    assert_user_error(&run, &output);
    let said = pixdrop::UserError::from(pixdrop::error::OptionError::QualityOutOfRange {
        word: "quality=500".into(),
    });
    assert_eq!(run.stderr.trim_end(), format!("pixdrop: {said}"));
}

#[test]
fn an_unknown_output_extension_is_a_user_error() {
    let scratch = Scratch::new();
    let input = scratch.write("in.png", &small_png());
    let output = scratch.path("out.xyz");
    assert_user_error(&pixdrop(&["convert", &input, "-o", &output], b""), &output);
}

#[test]
fn a_text_file_is_a_user_error() {
    let scratch = Scratch::new();
    let input = scratch.write("notes.txt", b"This is a text file, not an image.\n");
    let output = scratch.path("out.png");
    assert_user_error(&pixdrop(&["convert", &input, "-o", &output], b""), &output);
}

#[test]
fn a_missing_input_file_is_a_user_error() {
    let scratch = Scratch::new();
    let input = scratch.path("absent.png");
    let output = scratch.path("out.png");
    assert_user_error(&pixdrop(&["convert", &input, "-o", &output], b""), &output);
}

fn corpus_dir() -> PathBuf {
    std::env::var_os("PIXDROP_CORPUS").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/corpus")),
        PathBuf::from,
    )
}

/// The corpus files whose `expected` column is `expected`; panics when the
/// corpus (part of the repository) is missing.
fn corpus_files(expected: &str) -> Vec<(String, PathBuf)> {
    let dir = corpus_dir();
    let manifest = dir.join("MANIFEST.tsv");
    let text = std::fs::read_to_string(&manifest)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", manifest.display()));
    let mut lines = text.lines().filter(|line| !line.trim().is_empty());
    let header: Vec<&str> = lines
        .next()
        .expect("MANIFEST.tsv is empty")
        .split('\t')
        .collect();
    let column = |name: &str| {
        header
            .iter()
            .position(|cell| cell.trim() == name)
            .unwrap_or_else(|| panic!("MANIFEST.tsv has no `{name}` column"))
    };
    let (path, wanted) = (column("path"), column("expected"));
    let files: Vec<(String, PathBuf)> = lines
        .map(|line| line.split('\t').map(str::trim).collect::<Vec<_>>())
        .filter(|cells| cells.get(wanted) == Some(&expected))
        .map(|cells| (cells[path].to_string(), dir.join(cells[path])))
        .collect();
    assert!(!files.is_empty(), "MANIFEST.tsv has no `{expected}` rows");
    files
}

fn convert_file(input: &Path, output: &str) -> Run {
    let input = input.to_str().expect("corpus paths are UTF-8");
    pixdrop(&["convert", input, "-o", output], b"")
}

/// The largest resident set of any finished child of this process, in KiB.
fn peak_child_memory_kib() -> libc::c_long {
    // SAFETY: an all-zero `rusage` is valid, and getrusage only writes into
    // the struct it is handed.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        let status = libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        assert_eq!(status, 0, "getrusage failed");
        usage
    };
    usage.ru_maxrss
}

fn assert_no_failures(what: &str, rows: usize, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} problems in {rows} {what}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn corpus_error_rows_fail_cleanly_in_time_and_memory() {
    let files = corpus_files("error");
    let scratch = Scratch::new();
    let output = scratch.path("out.png");
    let mut failures = Vec::new();
    let mut peak: (libc::c_long, &str) = (peak_child_memory_kib(), "before any row");
    for (name, input) in &files {
        let mut problems = convert_file(input, &output).user_error_problems();
        if std::fs::remove_file(&output).is_ok() {
            problems.push("wrote an output file".into());
        }
        failures.extend(
            problems
                .iter()
                .map(|problem| format!("  {name}: {problem}")),
        );
        let now = peak_child_memory_kib();
        if now > peak.0 {
            peak = (now, name);
        }
    }
    println!(
        "peak child memory: {} MiB, first reached by {}",
        peak.0 / 1024,
        peak.1
    );
    if peak.0 > MEMORY_LIMIT_KIB {
        failures.push(format!(
            "  peak child memory {} MiB (first reached by {}), over {} MiB",
            peak.0 / 1024,
            peak.1,
            MEMORY_LIMIT_KIB / 1024
        ));
    }
    assert_no_failures("`error` rows", files.len(), &failures);
}

fn either_problems(run: &Run, output: &str) -> Vec<String> {
    let mut problems = run.time_problems();
    match run.status.code() {
        Some(0) if !Path::new(output).exists() => {
            problems.push("exit status 0 but no output file".into());
        }
        Some(0) => {}
        Some(2) => problems.extend(run.stderr_problems()),
        _ => problems.push(format!("{}, expected 0 or 2", run.status_text())),
    }
    problems
}

#[test]
fn corpus_either_rows_exit_0_or_2() {
    let files = corpus_files("either");
    let scratch = Scratch::new();
    let output = scratch.path("out.png");
    let mut failures = Vec::new();
    for (name, input) in &files {
        let problems = either_problems(&convert_file(input, &output), &output);
        let _ = std::fs::remove_file(&output);
        failures.extend(
            problems
                .iter()
                .map(|problem| format!("  {name}: {problem}")),
        );
    }
    assert_no_failures("`either` rows", files.len(), &failures);
}

/// `bytes` with `count` bytes from `at` (a fraction of the length) flipped.
fn damaged(bytes: &[u8], at: f64, count: usize) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let start = (out.len() as f64 * at) as usize;
    let end = (start + count).min(out.len());
    for byte in &mut out[start..end] {
        *byte ^= 0xa5;
    }
    out
}

/// libheif's decoders (dav1d, libde265) print their own complaints about
/// damaged input to stderr; the user must see pixdrop's one line, or none.
#[test]
fn broken_heic_and_avif_leave_no_codec_chatter_on_stderr() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus");
    let scratch = Scratch::new();
    let output = scratch.path("out.png");
    let mut failures = Vec::new();
    for name in [
        "valid/avif/sdl2image-sample.avif",
        "valid/avif/pillow-avif_hopper-missing-pixi.avif",
        "valid/heic/pillowheif-heif_zPug_3.heic",
        "valid/heic/pillowheif-heif_RGBA_10__128x128.heif",
    ] {
        let bytes = std::fs::read(dir.join(name)).expect("a corpus file");
        let cut = bytes.len() * 3 / 4;
        let variants = [
            ("truncated", bytes[..cut].to_vec()),
            ("payload damaged", damaged(&bytes, 0.6, 64)),
            ("payload end damaged", damaged(&bytes, 0.9, 32)),
        ];
        for (how, broken) in variants {
            let input = scratch.write("broken.bin", &broken);
            let run = pixdrop(&["convert", &input, "-o", &output], b"");
            let _ = std::fs::remove_file(&output);
            let problems = match run.status.code() {
                Some(0) if run.stderr.is_empty() => Vec::new(),
                Some(0) => vec![format!("exit 0 with stderr {:?}", run.stderr)],
                _ => run.user_error_problems(),
            };
            failures.extend(
                problems
                    .iter()
                    .map(|problem| format!("  {name} ({how}): {problem}")),
            );
        }
    }
    assert_no_failures("broken HEIC/AVIF files", 12, &failures);
}
