//! What a burst came to, as one small table on stdout (seen with
//! `--nocapture`): how many were sent, answered with a result, answered
//! with a sentence (a refusal such as "busy"), or not answered at all;
//! conversions per second; p50/p99 latency from send to result; the
//! child's peak RSS; and, where one request was timed alone first, how
//! well the burst used the cores (conv/s x time alone / cores, 1.0 being
//! every core converting all the time at the speed of one lone request).
//! The sentences are listed under the table, counted, so a failing
//! assertion says what users were told.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// How one sender's request ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The converted file arrived, this long after sending.
    Result(Duration),
    /// A sentence instead of a file: a refusal or an error.
    Sentence(String),
    /// Nothing within the driver's patience.
    Unanswered,
}

pub struct Report {
    /// e.g. "telegram: 30 chats, 2000x1500 JPEG (1.1 MB) -> webp".
    pub title: String,
    pub outcomes: Vec<Outcome>,
    pub peak_rss: u64,
    /// One request sent alone before the burst: its time from send to
    /// result.
    pub alone: Option<Duration>,
}

impl Report {
    pub fn results(&self) -> usize {
        self.latencies().len()
    }

    /// Each sentence users were told, and how many were told it.
    pub fn sentences(&self) -> BTreeMap<&str, usize> {
        let mut told = BTreeMap::new();
        for outcome in &self.outcomes {
            if let Outcome::Sentence(text) = outcome {
                *told.entry(text.as_str()).or_default() += 1;
            }
        }
        told
    }

    fn unanswered(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| **o == Outcome::Unanswered)
            .count()
    }

    /// Latencies of the results, shortest first.
    fn latencies(&self) -> Vec<Duration> {
        let mut latencies: Vec<Duration> = self
            .outcomes
            .iter()
            .filter_map(|o| match o {
                Outcome::Result(latency) => Some(*latency),
                _ => None,
            })
            .collect();
        latencies.sort();
        latencies
    }

    /// Results per second, over the time from the burst to its last result.
    fn throughput(&self) -> f64 {
        let latencies = self.latencies();
        match latencies.last() {
            Some(last) if !last.is_zero() => latencies.len() as f64 / last.as_secs_f64(),
            _ => 0.0,
        }
    }

    /// Conversions per second against what the cores could do at the pace
    /// of one request alone.
    fn scaling(&self, cores: usize) -> Option<f64> {
        let alone = self.alone?;
        Some(self.throughput() * alone.as_secs_f64() / cores as f64)
    }

    /// Prints the table (libtest shows it with `--nocapture`, or on failure).
    pub fn print(&self) {
        println!("{self}");
    }
}

/// Nearest-rank percentile of sorted `latencies`.
fn percentile(latencies: &[Duration], p: f64) -> Option<Duration> {
    let rank = (p * latencies.len() as f64).ceil() as usize;
    latencies.get(rank.max(1) - 1).copied()
}

fn seconds(latency: Option<Duration>) -> String {
    latency.map_or("-".into(), |d| format!("{:.2} s", d.as_secs_f64()))
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let latencies = self.latencies();
        writeln!(f, "\nload {}", self.title)?;
        writeln!(
            f,
            "| sent | results | sentences | unanswered | conv/s | p50 | p99 | peak RSS |"
        )?;
        writeln!(
            f,
            "|------|---------|-----------|------------|--------|-----|-----|----------|"
        )?;
        writeln!(
            f,
            "| {} | {} | {} | {} | {:.1} | {} | {} | {} MiB |",
            self.outcomes.len(),
            latencies.len(),
            self.sentences().values().sum::<usize>(),
            self.unanswered(),
            self.throughput(),
            seconds(percentile(&latencies, 0.50)),
            seconds(percentile(&latencies, 0.99)),
            self.peak_rss >> 20,
        )?;
        if let Some(alone) = self.alone {
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            writeln!(
                f,
                "one request alone: {:.2} s; scaling {:.2} x (conv/s x time alone / {cores} cores)",
                alone.as_secs_f64(),
                self.scaling(cores).unwrap_or_default(),
            )?;
        }
        for (text, times) in self.sentences() {
            writeln!(f, "  {times} x {text:?}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let ms = |n| Duration::from_millis(n);
        let sorted: Vec<Duration> = (1..=100).map(ms).collect();
        assert_eq!(percentile(&sorted, 0.50), Some(ms(50)));
        assert_eq!(percentile(&sorted, 0.99), Some(ms(99)));
        assert_eq!(percentile(&[ms(7)], 0.99), Some(ms(7)));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn scaling_compares_the_burst_with_one_request_alone() {
        let ms = Duration::from_millis;
        let mut report = Report {
            title: String::new(),
            outcomes: (1..=10).map(|n| Outcome::Result(ms(n * 250))).collect(),
            peak_rss: 0,
            alone: None,
        };
        assert_eq!(report.scaling(2), None);
        report.alone = Some(ms(500));
        let scaling = report.scaling(2).expect("a lone time was measured");
        assert!(
            (scaling - 1.0).abs() < 1e-9,
            "4 conv/s x 0.5 s / 2 cores, got {scaling}"
        );
    }
}
