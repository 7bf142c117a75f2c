// Metrics named as Triton names them, so its dashboards carry over (durations in microseconds as
// counters, plus histograms for percentiles).
import type { ServiceMetrics } from '@keel/telemetry';

export class InferenceMetrics {
  readonly success;
  readonly failure;
  readonly inferenceCount;
  readonly execCount;
  readonly requestUs;
  readonly queueUs;
  readonly computeUs;
  readonly requestSeconds;
  readonly batchSize;
  readonly pending;
  readonly loaded;
  readonly logDropped;
  readonly logQueued;

  constructor(m: ServiceMetrics) {
    const mv = ['model', 'version'] as const;
    this.success = m.counter('nv_inference_request_success', 'Successful inference requests', mv);
    this.failure = m.counter('nv_inference_request_failure', 'Failed inference requests', [...mv, 'reason']);
    this.inferenceCount = m.counter('nv_inference_count', 'Inferences performed (rows)', mv);
    this.execCount = m.counter('nv_inference_exec_count', 'Model executions (batches)', mv);
    this.requestUs = m.counter('nv_inference_request_duration_us', 'Cumulative request duration (µs)', mv);
    this.queueUs = m.counter('nv_inference_queue_duration_us', 'Cumulative queue time (µs)', mv);
    this.computeUs = m.counter('nv_inference_compute_infer_duration_us', 'Cumulative model run time (µs)', mv);
    this.requestSeconds = m.histogram('nv_inference_request_duration_seconds', 'Request duration', mv);
    this.batchSize = m.histogram(
      'nv_inference_batch_size',
      'Rows per model execution',
      mv,
      [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
    );
    this.pending = m.gauge('nv_inference_pending_request_count', 'Requests waiting in batch queues');
    this.loaded = m.gauge('nv_inference_loaded_models', 'Model versions loaded and ready');
    this.logDropped = m.counter('keel_inference_log_dropped_total', 'Prediction log entries dropped (queue full)');
    this.logQueued = m.gauge('keel_inference_log_queued', 'Prediction log entries queued or being sent');
  }
}
