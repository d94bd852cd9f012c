/** What `cdktf deploy` prints: the machines, the requests bus, the topics, the dashboard and console links. */
import { Fn, TerraformOutput } from 'cdktf';
import { CONSOLE_DOMAINS } from '../../core/arn';
import { dashboardName } from '../names';
import type { Actions } from './actions';
import type { StackBase } from './base';
import type { Monitor } from './monitor';
import type { Notifications } from './notifications';

export function stackOutputs(base: StackBase, parts: { monitor: Monitor; actions: Actions; notifications: Notifications }): void {
  const { stack, config } = base;
  const consoleHost = Fn.lookup(CONSOLE_DOMAINS, base.partition, CONSOLE_DOMAINS.aws);
  const home = config.homeRegion;
  new TerraformOutput(stack, 'requests_event_bus_name', { value: parts.actions.requests.bus.name, description: 'Where request events go (only requestSenders may put events)' });
  new TerraformOutput(stack, 'monitor_state_machine_arn', { value: parts.monitor.machine.machine.arn });
  new TerraformOutput(stack, 'action_state_machine_arn', { value: parts.actions.machine.machine.arn });
  new TerraformOutput(stack, 'notification_topic_arns', { value: parts.notifications.topics.topicArns, description: 'SNS topic per monitored region' });
  new TerraformOutput(stack, 'dashboard_name', { value: dashboardName(config.stackName) });
  new TerraformOutput(stack, 'monitor_console_url', {
    value: `https://${consoleHost}/states/home?region=${home}#/statemachines/view/${parts.monitor.machine.machine.arn}`,
  });
  new TerraformOutput(stack, 'dashboard_console_url', {
    value: `https://${consoleHost}/cloudwatch/home?region=${home}#dashboards/dashboard/${dashboardName(config.stackName)}`,
  });
}
