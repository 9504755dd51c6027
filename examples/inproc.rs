//! In-process timing of one conversion, for quick iteration on the core's
//! speed without process start-up or the shell in the way. The whole-process
//! comparison with Pillow, libvips and ImageMagick is `../shared/bench`.
//!
//! `cargo run --release --example inproc -- INPUT RUNS [OPTION WORDS...]`
//! prints the median and fastest wall time and the output size.

use std::time::Instant;

use pixdrop::{Limits, Options, convert};

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(input), Some(runs)) = (args.next(), args.next()) else {
        eprintln!("usage: inproc INPUT RUNS [OPTION WORDS...]");
        std::process::exit(2);
    };
    let runs: usize = runs.parse().expect("RUNS is a number");
    let words: Vec<String> = args.collect();
    let bytes = std::fs::read(&input).expect("INPUT is readable");
    let options = Options::parse(words.iter().map(String::as_str)).expect("option words parse");
    let limits = Limits::default();
    let mut times = Vec::with_capacity(runs);
    let mut size = 0;
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let output = convert(&bytes, &options, &limits).expect("the conversion succeeds");
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        size = output.bytes.len();
        if let Ok(path) = std::env::var("INPROC_OUT") {
            std::fs::write(path, &output.bytes).expect("INPROC_OUT is writable");
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "median {:.1} ms  min {:.1} ms  bytes {size}",
        times[times.len() / 2],
        times[0]
    );
}
