import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { getDataSourceSrv, PluginPage } from '@grafana/runtime';
import { Alert, LoadingPlaceholder, Text, useStyles2 } from '@grafana/ui';

import { DATASOURCE_ID } from '../constants';
import { labels } from '../labels';
import { selectors } from '../selectors';
import { loadAlertRules, type AlertRules } from './alerting';
import { ModelCard } from './ModelCard';
import { errorMessage, loadSummary, type Summary } from './summary';

interface DataSourceModels {
  uid: string;
  name: string;
  summary?: Summary;
  error?: string;
}

interface PageData {
  dataSources: DataSourceModels[];
  rules: AlertRules;
}

async function loadPage(): Promise<PageData> {
  const dataSources = getDataSourceSrv().getList({ pluginId: DATASOURCE_ID });
  const [summaries, rules] = await Promise.all([
    Promise.all(
      dataSources.map(async ({ uid, name }): Promise<DataSourceModels> => {
        try {
          return { uid, name, summary: await loadSummary(uid) };
        } catch (error) {
          return { uid, name, error: errorMessage(error) };
        }
      })
    ),
    dataSources.length > 0 ? loadAlertRules() : Promise.resolve<AlertRules>({ kind: 'rules', rules: [] }),
  ]);
  return { dataSources: summaries, rules };
}

/**
 * The app's Models page: for every Modelwatch data source, each model's versions, last
 * prediction, 24 h volume, label coverage, drifting inputs, alert rules and dashboards.
 */
export function ModelOverview() {
  const styles = useStyles2(getStyles);
  const [page, setPage] = useState<PageData | undefined>();

  useEffect(() => {
    let current = true;
    loadPage().then((result) => current && setPage(result));
    return () => {
      current = false;
    };
  }, []);

  return (
    <PluginPage subTitle={labels.models.subtitle}>
      <div data-testid={selectors.models.page} className={styles.page}>
        {page === undefined && <LoadingPlaceholder text={labels.models.loading} />}
        {page?.dataSources.length === 0 && <Alert severity="info" title={labels.app.noDataSources} />}
        {page?.dataSources.map((ds) => (
          <section
            key={ds.uid}
            className={styles.section}
            aria-labelledby={`modelwatch-ds-${ds.uid}`}
            data-testid={selectors.models.dataSource}
          >
            <h2 id={`modelwatch-ds-${ds.uid}`} className={styles.heading}>
              {ds.name}
            </h2>
            {ds.error !== undefined && (
              <Alert severity="error" title={labels.models.summaryError}>
                {ds.error}
              </Alert>
            )}
            {ds.summary?.models.length === 0 && <p>{labels.app.noModels}</p>}
            {ds.summary && ds.summary.models.length < ds.summary.modelsTotal && (
              <Text color="secondary">
                {labels.models.moreModels(ds.summary.models.length, ds.summary.modelsTotal)}
              </Text>
            )}
            {ds.summary?.models.map((model) => (
              <ModelCard
                key={model.model}
                model={model}
                at={ds.summary!.at}
                datasourceUid={ds.uid}
                rules={page.rules}
              />
            ))}
          </section>
        ))}
      </div>
    </PluginPage>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ color: theme.colors.text.primary }),
  section: css({ marginBottom: theme.spacing(3) }),
  heading: css({ ...theme.typography.h3, marginBottom: theme.spacing(1) }),
});
