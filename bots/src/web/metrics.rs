//! Prometheus metrics, kept by hand (a few counters and one histogram do
//! not need a registry crate). Labels are formats and outcome codes only:
//! nothing here can identify a file or a person.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use pixdrop::convert::Format;
use pixdrop::store::Stats;

const BUCKETS: [f64; 11] = [0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];

#[derive(Default)]
pub struct Metrics {
    /// (input, output, outcome) → count. A std Mutex: held for a map
    /// update only, never across an await.
    conversions: Mutex<BTreeMap<(String, String, String), u64>>,
    bucket_counts: [AtomicU64; BUCKETS.len()],
    duration_count: AtomicU64,
    duration_micros: AtomicU64,
    rate_limited: AtomicU64,
}

impl Metrics {
    pub fn conversion(
        &self,
        input: Option<Format>,
        output: Option<Format>,
        outcome: &str,
        took: Duration,
    ) {
        let name = |f: Option<Format>| f.map_or("unknown", Format::name).to_string();
        let key = (name(input), name(output), outcome.to_string());
        *self
            .conversions
            .lock()
            .expect("metrics lock is never poisoned: no panics while held")
            .entry(key)
            .or_default() += 1;
        let seconds = took.as_secs_f64();
        for (bucket, count) in BUCKETS.iter().zip(&self.bucket_counts) {
            if seconds <= *bucket {
                count.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.duration_count.fetch_add(1, Ordering::Relaxed);
        self.duration_micros
            .fetch_add(took.as_micros() as u64, Ordering::Relaxed);
    }

    pub fn rate_limited(&self) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }

    pub fn render(&self, store: &Stats, queue_depth: usize, history_failures: u64) -> String {
        let mut out = String::new();
        out.push_str("# HELP pixdrop_conversions_total Conversions by input format, output format and outcome.\n");
        out.push_str("# TYPE pixdrop_conversions_total counter\n");
        let conversions = self
            .conversions
            .lock()
            .expect("metrics lock is never poisoned: no panics while held")
            .clone();
        for ((input, output, outcome), count) in conversions {
            let _ = writeln!(
                out,
                "pixdrop_conversions_total{{input=\"{input}\",output=\"{output}\",outcome=\"{outcome}\"}} {count}"
            );
        }
        out.push_str("# HELP pixdrop_conversion_seconds Time from upload to answer.\n");
        out.push_str("# TYPE pixdrop_conversion_seconds histogram\n");
        for (bucket, count) in BUCKETS.iter().zip(&self.bucket_counts) {
            let _ = writeln!(
                out,
                "pixdrop_conversion_seconds_bucket{{le=\"{bucket}\"}} {}",
                count.load(Ordering::Relaxed)
            );
        }
        let total = self.duration_count.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "pixdrop_conversion_seconds_bucket{{le=\"+Inf\"}} {total}"
        );
        let _ = writeln!(
            out,
            "pixdrop_conversion_seconds_sum {}",
            self.duration_micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(out, "pixdrop_conversion_seconds_count {total}");
        let gauges = [
            (
                "pixdrop_store_bytes",
                "Bytes held in the ephemeral store.",
                store.bytes,
            ),
            (
                "pixdrop_store_entries",
                "Files held in the ephemeral store.",
                store.entries,
            ),
            (
                "pixdrop_queue_depth",
                "Conversions running or waiting.",
                queue_depth as u64,
            ),
        ];
        for (name, help, value) in gauges {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
            );
        }
        let counters = [
            (
                "pixdrop_store_expired_total",
                "Files removed from memory at expiry.",
                store.expired_total,
            ),
            (
                "pixdrop_store_refused_total",
                "Files refused because the memory cap was reached.",
                store.refused_total,
            ),
            (
                "pixdrop_rate_limited_total",
                "Requests refused by the per-address rate limit.",
                self.rate_limited.load(Ordering::Relaxed),
            ),
            (
                "pixdrop_history_failures_total",
                "History records that could not be written.",
                history_failures,
            ),
        ];
        for (name, help, value) in counters {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
            );
        }
        out
    }
}
