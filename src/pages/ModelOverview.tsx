import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { getBackendSrv, getDataSourceSrv, PluginPage } from '@grafana/runtime';
import { Alert, LoadingPlaceholder, useStyles2 } from '@grafana/ui';

import { DATASOURCE_ID } from '../constants';
import { labels } from '../labels';
import { selectors } from '../selectors';

interface DataSourceModels {
  uid: string;
  name: string;
  models: string[];
  error?: string;
}

async function loadModels(): Promise<DataSourceModels[]> {
  const dataSources = getDataSourceSrv().getList({ pluginId: DATASOURCE_ID });
  return Promise.all(
    dataSources.map(async ({ uid, name }) => {
      try {
        const models = await getBackendSrv().get<string[]>(`/api/datasources/uid/${uid}/resources/models`);
        return { uid, name, models: Array.isArray(models) ? models : [] };
      } catch (error) {
        const message = error instanceof Error ? error.message : ((error as { statusText?: string })?.statusText ?? '');
        return { uid, name, models: [], error: message };
      }
    })
  );
}

/** The app's page: every Modelwatch data source and the models it has predictions for. */
export function ModelOverview() {
  const styles = useStyles2(getStyles);
  const [dataSources, setDataSources] = useState<DataSourceModels[] | undefined>();

  useEffect(() => {
    let current = true;
    loadModels().then((result) => current && setDataSources(result));
    return () => {
      current = false;
    };
  }, []);

  return (
    <PluginPage subTitle={labels.app.subtitle}>
      <div data-testid={selectors.app.overview}>
        {dataSources === undefined && <LoadingPlaceholder text={labels.app.loading} />}
        {dataSources?.length === 0 && <Alert severity="info" title={labels.app.noDataSources} />}
        {dataSources?.map((ds) => (
          <section key={ds.uid} className={styles.section}>
            <h3>{ds.name}</h3>
            {ds.error !== undefined && (
              <Alert severity="error" title={labels.app.loadError}>
                {ds.error}
              </Alert>
            )}
            {ds.error === undefined && ds.models.length === 0 && <p>{labels.app.noModels}</p>}
            <ul className={styles.list} data-testid={selectors.app.modelList}>
              {ds.models.map((model) => (
                <li key={model}>{model}</li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </PluginPage>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  section: css({ marginBottom: theme.spacing(3) }),
  list: css({ listStyle: 'none', padding: 0, li: { padding: theme.spacing(0.5, 0) } }),
});
