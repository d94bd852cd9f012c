/** Lambda `build-dashboard`: rebuilds the CloudWatch dashboard(s) of the fleet (the logic is ./build). */
import { createHandler } from './build';

export { createHandler, monitorArnBesides, type BuildDashboardDeps, type BuildDashboardOutput } from './build';

export const handler = createHandler();
