import { Duration } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, type IMetric, MathExpression, Metric, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, type MetricName, SERVICE_NAMES } from '../../shared/metrics.js';
import type { FreshetApi } from './api.js';
import type { FreshetDispatcher } from './dispatcher.js';
import type { FreshetMaintenance } from './maintenance.js';

export interface FreshetDashboardProps {
  readonly api: FreshetApi;
  readonly dispatcher: FreshetDispatcher;
  readonly maintenance: FreshetMaintenance;
}

const MINUTE = Duration.minutes(1);

/**
 * One CloudWatch dashboard per deployment: produce and fetch rates, errors, latency,
 * consumer group lag, subscriptions, deliveries by outcome, and maintenance. It reads
 * metrics that exist anyway (API Gateway, Lambda, Freshet's EMF namespace) and adds none.
 * Its name is left to CloudFormation (stack name + id), so deployments never collide.
 */
export class FreshetDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: FreshetDashboardProps) {
    super(scope, id);
    const { api, dispatcher, maintenance } = props;
    const apiMetric = (name: MetricName, label: string) => freshet(name, SERVICE_NAMES.api, label);
    const functions = { api: api.handler.function, dispatcher: dispatcher.handler.function, maintenance: maintenance.handler.function };
    const every = maintenance.every;
    const http = api.httpApi;

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: 'Freshet: metrics per minute unless said otherwise. Group lag and subscriptions come from each maintenance pass. Metric names: docs/deploy.md.',
        width: 24,
        height: 1,
      }),
    );
    this.dashboard.addWidgets(
      graph('Records produced and fetched / min', [apiMetric('RecordsProduced', 'produced'), apiMetric('RecordsFetched', 'fetched')]),
      graph('Bytes produced and fetched / min', [apiMetric('BytesProduced', 'produced'), apiMetric('BytesFetched', 'fetched')]),
      // Behind a Function URL there is no HTTP API: the function's own invocations and duration stand in.
      graph('Requests / min', [http ? http.metricCount({ period: MINUTE, statistic: 'Sum', label: 'requests' }) : functions.api.metricInvocations({ period: MINUTE, statistic: 'Sum', label: 'requests' })]),
    );
    this.dashboard.addWidgets(
      graph('Errors / min', [
        ...(http
          ? [http.metricServerError({ period: MINUTE, statistic: 'Sum', label: 'API 5xx' }), http.metricClientError({ period: MINUTE, statistic: 'Sum', label: 'API 4xx' })]
          : []),
        ...Object.entries(functions).map(([name, fn]) => fn.metricErrors({ period: MINUTE, statistic: 'Sum', label: `${name} errors` })),
        ...Object.entries(functions).map(([name, fn]) => fn.metricThrottles({ period: MINUTE, statistic: 'Sum', label: `${name} throttles` })),
      ]),
      graph(
        'API latency (ms)',
        http
          ? [
              http.metricLatency({ period: MINUTE, statistic: 'p50', label: 'p50' }),
              http.metricLatency({ period: MINUTE, statistic: 'p99', label: 'p99' }),
              http.metricIntegrationLatency({ period: MINUTE, statistic: 'p99', label: 'function p99' }),
            ]
          : [functions.api.metricDuration({ period: MINUTE, statistic: 'p50', label: 'p50' }), functions.api.metricDuration({ period: MINUTE, statistic: 'p99', label: 'p99' })],
      ),
      graph('Deliveries by outcome / min', (['delivered', 'retry', 'gone', 'dead_lettered'] as const).map((o) => dispatcher.metricDeliveries(o))),
    );
    this.dashboard.addWidgets(
      graph('Consumer group lag (records, per group and topic)', [
        maintenance.metric('MaxGroupLag').with({ label: 'largest' }),
        search('GroupLag', 'group,service,topic', every),
      ]),
      graph('Subscriptions', [
        maintenance.metric('SubscriptionsPaused').with({ label: 'paused' }),
        maintenance.metric('SubscriptionsFailing').with({ label: 'failing' }),
        search('SubscriptionBacklog', 'service,subscription', every),
      ]),
      graph('Maintenance', [
        maintenance.metric('MaintenancePassCompleted').with({ statistic: 'Sum', label: 'passes completed' }),
        functions.maintenance.metricDuration({ period: every, statistic: 'Maximum', label: 'longest pass (ms)' }),
      ]),
    );
  }
}

function freshet(name: MetricName, service: string, label: string): Metric {
  return new Metric({ namespace: METRICS_NAMESPACE, metricName: name, dimensionsMap: { service }, period: MINUTE, statistic: 'Sum', label });
}

/** Every series of a metric that has per-value dimensions (group, topic, subscription), found at view time. */
function search(name: MetricName, dimensions: string, period: Duration): MathExpression {
  return new MathExpression({
    expression: `SEARCH('{${METRICS_NAMESPACE},${dimensions}} MetricName="${name}"', 'Maximum', ${period.toSeconds()})`,
    usingMetrics: {},
    label: '',
    period,
  });
}

function graph(title: string, metrics: IMetric[]): GraphWidget {
  return new GraphWidget({ title, left: metrics, width: 8, height: 6 });
}
