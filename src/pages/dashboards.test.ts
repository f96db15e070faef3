import { readdirSync, readFileSync } from 'fs';
import path from 'path';

import { DASHBOARDS, dashboardHref } from './dashboards';

const dashboardsDir = path.resolve(__dirname, '../../provisioning/dashboards/modelwatch');

interface DashboardFile {
  uid: string;
  templating?: { list?: Array<{ name: string; type: string }> };
}

const provisioned: DashboardFile[] = readdirSync(dashboardsDir)
  .filter((file) => file.endsWith('.json'))
  .map((file) => JSON.parse(readFileSync(path.join(dashboardsDir, file), 'utf8')) as DashboardFile);

const hasVariable = (d: DashboardFile, name: string) => (d.templating?.list ?? []).some((v) => v.name === name);

describe('the dashboards the Models page links to', () => {
  it('are the dashboards the app ships, by model exactly where they have a model variable', () => {
    expect(DASHBOARDS.map((d) => d.uid).sort()).toEqual(provisioned.map((d) => d.uid).sort());
    for (const link of DASHBOARDS) {
      const file = provisioned.find((d) => d.uid === link.uid)!;
      expect({ uid: link.uid, byModel: link.byModel }).toEqual({ uid: link.uid, byModel: hasVariable(file, 'model') });
      expect(hasVariable(file, 'datasource')).toBe(true);
    }
  });

  it('open on the data source and the model of the card', () => {
    const overview = DASHBOARDS.find((d) => d.uid === 'modelwatch-overview')!;
    expect(dashboardHref(overview, 'churn & co', 'ds 1')).toBe(
      '/d/modelwatch-overview?var-datasource=ds+1&var-model=churn+%26+co'
    );
  });
});
