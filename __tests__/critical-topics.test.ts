/**
 * The critical topics: one per monitored region when KPI alarms or the health check are on (the
 * only alarms that are critical), with the notification topic's policy (our alarms may publish);
 * the pager (criticalNotificationEndpoint) subscribes to the home region's, by email or https;
 * collect learns them through PM_CRITICAL_TOPIC_ARNS. Off by default: nothing is created.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { synth } from './support/synth';
import { block, resolveReferences, resourcesOf, resourceWhere } from './support/terraform';
import { loadDeployConfig, ConfigError } from '../config/load';

const kpi = synth({ PM_KPI_ALARMS: 'true', PM_CRITICAL_NOTIFICATION_ENDPOINT: 'pager@example.com' });
const stack = kpi.config.stackName;
const criticalTopics = (tf: typeof kpi.tf) => resourcesOf(tf, 'aws_sns_topic').filter((t) => String(t.body.name).endsWith('-critical'));

describe('critical topics', () => {
  it('exist in every monitored region with kpiAlarms on, named <stack>-critical, with a policy letting only our alarms publish', () => {
    const topics = criticalTopics(kpi.tf);
    expect(topics.length).toBeGreaterThan(0);
    expect(topics.map((t) => t.body.region).sort()).toEqual([...new Set([kpi.config.homeRegion, ...kpi.config.regions])].sort());
    for (const t of topics) {
      expect(t.body.name).toBe(`${stack}-critical`);
      const policy = resourcesOf(kpi.tf, 'aws_sns_topic_policy').find((p) => String(p.body.arn) === `\${${t.address}.arn}`);
      expect(policy).toBeDefined();
      const text = resolveReferences(String(policy!.body.policy), kpi.tf);
      expect(text).toContain('cloudwatch.amazonaws.com');
      expect(text).toContain(`alarm:${kpi.config.alarmPrefix}`);
    }
  });

  it('the pager subscribes to the home region\'s critical topic only: email for an address, https for a URL', () => {
    const subs = resourcesOf(kpi.tf, 'aws_sns_topic_subscription').filter((s) => s.body.endpoint === 'pager@example.com');
    expect(subs).toHaveLength(1);
    expect(subs[0].body).toMatchObject({ protocol: 'email', region: kpi.config.homeRegion });
    const home = criticalTopics(kpi.tf).find((t) => t.body.region === kpi.config.homeRegion)!;
    expect(subs[0].body.topic_arn).toBe(`\${${home.address}.arn}`);

    const https = synth({ PM_HEALTH_CHECK: 'on', PM_CRITICAL_NOTIFICATION_ENDPOINT: 'https://events.pagerduty.com/integration/abc/enqueue' });
    const sub = resourcesOf(https.tf, 'aws_sns_topic_subscription').find((s) => String(s.body.endpoint).startsWith('https://'));
    expect(sub?.body).toMatchObject({ protocol: 'https', endpoint_auto_confirms: false });
  });

  it('reach collect as PM_CRITICAL_TOPIC_ARNS (region → topic)', () => {
    const collect = resourceWhere(kpi.tf, 'aws_lambda_function', 'function_name', `${stack}-collect`);
    const env = block(collect.body.environment).variables as Record<string, string>;
    const map = JSON.parse(env.PM_CRITICAL_TOPIC_ARNS) as Record<string, string>;
    for (const t of criticalTopics(kpi.tf)) expect(map[String(t.body.region)]).toBe(`\${${t.address}.arn}`);
  });

  it('are not created by default, and an http (unencrypted) pager is refused by name', () => {
    expect(criticalTopics(synth().tf)).toEqual([]);
    const empty = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pm-critical-')), 'config.json');
    fs.writeFileSync(empty, '{}');
    const load = () => loadDeployConfig({ env: { PM_CONFIG_FILE: empty, PM_CRITICAL_NOTIFICATION_ENDPOINT: 'http://pager.example.com/x' } });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/criticalNotificationEndpoint.*https URL/);
  });
});
