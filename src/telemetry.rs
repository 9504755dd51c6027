//! The service's metrics, recorded here in the core for every front end
//! through the `metrics` facade into a Prometheus registry of this core's
//! own (not a process-wide one, so two cores in one process never mix
//! counts). Labels are platforms, formats and outcome codes only: nothing
//! here can identify a file or a person.

use std::time::Duration;

use metrics::{
    Unit, counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram,
};
use metrics_exporter_prometheus::{
    Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};

use crate::UserError;
use crate::api::Figures;
use crate::convert::Format;
use crate::job::Platform;

/// Seconds from arrival to answer that the duration histogram tells apart.
const BUCKETS: [f64; 11] = [0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];

pub struct Telemetry {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
}

/// One finished conversion, as the metrics see it.
pub(crate) struct Conversion {
    pub platform: Platform,
    pub input: Option<Format>,
    pub output: Option<Format>,
    pub outcome: &'static str,
    pub took: Duration,
    pub bytes_in: u64,
    pub bytes_out: u64,
}

impl Default for Telemetry {
    fn default() -> Self {
        Self::new()
    }
}

impl Telemetry {
    pub fn new() -> Self {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full("pixdrop_conversion_seconds".into()), &BUCKETS)
            .expect("the bucket list is not empty")
            .build_recorder();
        let handle = recorder.handle();
        let telemetry = Self { recorder, handle };
        telemetry.record(describe_all);
        telemetry
    }

    fn record(&self, write: impl FnOnce()) {
        metrics::with_local_recorder(&self.recorder, write);
    }

    pub(crate) fn conversion(&self, done: &Conversion) {
        let name = |format: Option<Format>| format.map_or("unknown", Format::name);
        self.record(|| {
            let platform = done.platform.name();
            counter!(
                "pixdrop_conversions_total",
                "platform" => platform,
                "input" => name(done.input),
                "output" => name(done.output),
                "outcome" => done.outcome,
            )
            .increment(1);
            histogram!("pixdrop_conversion_seconds", "platform" => platform)
                .record(done.took.as_secs_f64());
            counter!("pixdrop_input_bytes_total", "platform" => platform).increment(done.bytes_in);
            counter!("pixdrop_output_bytes_total", "platform" => platform)
                .increment(done.bytes_out);
        });
    }

    /// A request refused before it became a job: a sender over their pace
    /// (counted apart), or an upload that could not be read.
    pub(crate) fn refused(&self, platform: Platform, error: &UserError) {
        self.record(|| {
            let platform = platform.name();
            if matches!(error, UserError::RateLimited { .. }) {
                counter!("pixdrop_rate_limited_total", "platform" => platform).increment(1);
                return;
            }
            counter!(
                "pixdrop_conversions_total",
                "platform" => platform,
                "input" => "unknown",
                "output" => "unknown",
                "outcome" => error.code(),
            )
            .increment(1);
        });
    }

    /// The Prometheus text, with gauges read from `figures` now.
    pub(crate) fn render(&self, figures: &Figures) -> String {
        self.record(|| {
            let store = &figures.store;
            gauge!("pixdrop_store_bytes").set(store.bytes as f64);
            gauge!("pixdrop_store_entries").set(store.entries as f64);
            if let Some(oldest) = store.oldest_seconds {
                gauge!("pixdrop_store_oldest_seconds").set(oldest as f64);
            }
            gauge!("pixdrop_queue_depth").set(figures.queue_depth as f64);
            counter!("pixdrop_store_expired_total").absolute(store.expired_total);
            counter!("pixdrop_store_refused_total").absolute(store.refused_total);
            counter!("pixdrop_history_failures_total").absolute(figures.history_failures);
        });
        self.handle.render()
    }
}

fn describe_all() {
    describe_counter!(
        "pixdrop_conversions_total",
        "Conversions by platform, input format, output format and outcome."
    );
    describe_histogram!(
        "pixdrop_conversion_seconds",
        Unit::Seconds,
        "Time from the input's arrival to the answer."
    );
    describe_counter!(
        "pixdrop_input_bytes_total",
        Unit::Bytes,
        "Bytes of input converted."
    );
    describe_counter!(
        "pixdrop_output_bytes_total",
        Unit::Bytes,
        "Bytes of results made."
    );
    describe_counter!(
        "pixdrop_rate_limited_total",
        "Requests refused by the per-sender pace."
    );
    describe_gauge!(
        "pixdrop_store_bytes",
        Unit::Bytes,
        "Bytes held in the ephemeral store."
    );
    describe_gauge!(
        "pixdrop_store_entries",
        "Files held in the ephemeral store."
    );
    describe_gauge!(
        "pixdrop_store_oldest_seconds",
        Unit::Seconds,
        "Age of the oldest file held in this process (never above the retention)."
    );
    describe_gauge!("pixdrop_queue_depth", "Conversions running or waiting.");
    describe_counter!("pixdrop_store_expired_total", "Files removed at expiry.");
    describe_counter!(
        "pixdrop_store_refused_total",
        "Files refused because the store or a client's share was full."
    );
    describe_counter!(
        "pixdrop_history_failures_total",
        "History records that could not be written."
    );
}
