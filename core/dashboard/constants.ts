/**
 * Limits and defaults of the CloudWatch dashboard (limits: CloudWatch quotas,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html, and the
 * dashboard body structure, https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html).
 */

/** CloudWatch: widgets per dashboard. */
export const MAX_WIDGETS_PER_DASHBOARD = 500;
/** CloudWatch: metrics per widget. */
export const MAX_METRICS_PER_WIDGET = 500;
/** CloudWatch: metrics per dashboard. */
export const MAX_METRICS_PER_DASHBOARD = 2500;
/** The dashboard grid is 24 columns wide. */
export const GRID_COLUMNS = 24;
/** CloudWatch accepts widget heights from 1 to 1000 units. */
export const MAX_WIDGET_HEIGHT = 1000;

/** Resources drawn in one set of graphs; a larger dataset group is drawn in several sets (readability). */
export const RESOURCES_PER_SECTION = 25;
/** The dashboard opens on this much history: the actions of the last 7 days (its live tables run over the dashboard's time range). */
export const ACTIONS_LOOKBACK_MS = 7 * 24 * 3600 * 1000;

/** Metric period of every graph: 5 minutes, the utilization alarm's period (and the parity metrics' publishing interval). */
export const GRAPH_PERIOD_SECONDS = 300;
/** Default time range shown: the last 7 days (ACTIONS_LOOKBACK_MS); CloudWatch widens graph periods to fit. */
export const DASHBOARD_START = '-P7D';
/** Lowest minimum capacity Personalize allows (annotated on the capacity graphs). */
export const LOWEST_ALLOWED_MIN_CAPACITY = 1;

/** Namespace of Amazon Personalize's own metrics. */
export const PERSONALIZE_NAMESPACE = 'AWS/Personalize';
/** Namespace of Step Functions execution metrics. */
export const STATES_NAMESPACE = 'AWS/States';
