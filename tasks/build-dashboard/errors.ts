/** Errors of the build-dashboard task. */
import { DASHBOARD_VALIDATION_ERROR } from '../../core/contracts/errors';

/** One validation message of PutDashboard, with the dashboard it concerns. */
export interface DashboardValidationIssue {
  dashboard: string;
  dataPath?: string;
  message: string;
}

/** PutDashboard rejected (or warned about) a body. Names every dashboard and path concerned. */
export class DashboardValidationError extends Error {
  constructor(readonly issues: DashboardValidationIssue[]) {
    super(
      `PutDashboard reported ${issues.length} validation message(s): ` +
        issues.map((i) => `dashboard ${i.dashboard}${i.dataPath ? ` at ${i.dataPath}` : ''}: ${i.message}`).join('; '),
    );
    this.name = DASHBOARD_VALIDATION_ERROR;
  }
}
