// The monitoring service's Prometheus series (rules in deploy/prometheus/rules/keel-monitoring.yml).
import { Injectable } from '@nestjs/common';
import { ServiceMetrics } from '@keel/telemetry';

@Injectable()
export class MonitoringMetrics {
  readonly predictions;
  readonly ignored;
  readonly windows;
  readonly featureScore;
  readonly featureDrift;
  readonly driftShare;
  readonly datasetDrift;
  readonly predictionDrift;
  readonly performance;
  readonly alertsFiring;
  readonly alertEvents;
  readonly feedback;
  readonly joinEntries;
  readonly retrainRequests;
  readonly webhookDeliveries;
  readonly latency;

  constructor(m: ServiceMetrics) {
    this.predictions = m.counter('keel_monitoring_predictions_total', 'Logged prediction rows taken into windows', [
      'model',
    ]);
    this.ignored = m.counter(
      'keel_monitoring_predictions_ignored_total',
      'Logged prediction rows not monitored, by reason (not_production, no_reference, other_version)',
      ['model', 'reason'],
    );
    this.windows = m.counter('keel_monitoring_windows_total', 'Drift windows evaluated', ['model']);
    this.featureScore = m.gauge(
      'keel_monitoring_feature_drift_score',
      "Latest window's drift score per feature (p-value or distance, see the test label)",
      ['model', 'feature', 'test'],
    );
    this.featureDrift = m.gauge('keel_monitoring_feature_drift', '1 when the feature drifted in the latest window', [
      'model',
      'feature',
    ]);
    this.driftShare = m.gauge('keel_monitoring_drift_share', 'Share of drifted features in the latest window', [
      'model',
    ]);
    this.datasetDrift = m.gauge('keel_monitoring_dataset_drift', '1 when the latest window drifted as a dataset', [
      'model',
    ]);
    this.predictionDrift = m.gauge(
      'keel_monitoring_prediction_drift',
      '1 when the positive-class probability drifted in the latest window',
      ['model'],
    );
    this.performance = m.gauge('keel_monitoring_performance', 'Latest performance window metric', ['model', 'metric']);
    this.alertsFiring = m.gauge('keel_monitoring_alerts_firing', 'Alerts firing', ['model', 'kind']);
    this.alertEvents = m.counter('keel_monitoring_alert_events_total', 'Alert transitions', [
      'model',
      'kind',
      'action',
    ]);
    this.feedback = m.counter('keel_monitoring_feedback_total', 'Labels received, by outcome', ['outcome']);
    this.joinEntries = m.gauge('keel_monitoring_join_entries', 'Predictions waiting for their label');
    this.retrainRequests = m.counter('keel_monitoring_retrain_requests_total', 'Retraining requests', [
      'model',
      'reason',
    ]);
    this.webhookDeliveries = m.counter('keel_monitoring_webhook_deliveries_total', 'Webhook attempts by outcome', [
      'outcome',
    ]);
    this.latency = m.histogram('keel_monitoring_prediction_latency_seconds', 'Logged inference latency', ['model']);
  }
}
