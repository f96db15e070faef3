import { AppPlugin } from '@grafana/data';

import { ModelOverview } from './pages/ModelOverview';

export const plugin = new AppPlugin<{}>().setRootPage(ModelOverview);
