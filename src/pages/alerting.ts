import { getBackendSrv } from '@grafana/runtime';

import { errorMessage } from './summary';

/*
 * Grafana-managed alert rules, read from the browser with the signed-in user's rights.
 *
 * GET /api/ruler/grafana/api/v1/rules answers a map from folder to rule groups,
 * { "<folder>": [{ "name", "interval", "rules": [{ "grafana_alert": { "uid", "title", "data":
 * [{ "refId", "datasourceUid", "model": { ...the query JSON } }] } }] }] }
 * (grafana/grafana pkg/services/ngalert/api/tooling/definitions/cortex-ruler.go:
 * NamespaceConfigResponse, GettableRuleGroupConfig, GettableExtendedRuleNode,
 * GettableGrafanaRule, AlertQuery).
 *
 * GET /api/prometheus/grafana/api/v1/rules answers the rules' evaluation state,
 * { "status": "success", "data": { "groups": [{ "name", "file", "rules": [{ "uid", "folderUid",
 * "name", "state": "firing" | "pending" | "inactive", "health", "alerts": [{ "labels", "state",
 * "activeAt", "value" }] }] }] } } (definitions/prom.go: RuleResponse, RuleDiscovery, RuleGroup,
 * AlertingRule, Rule, Alert; Rule has uid and folderUid since Grafana 11). A rule is matched by
 * uid, and by name where an older Grafana leaves uid out.
 *
 * Both need alerting read access (alert.rules:read); a Viewer without it gets 403, which the page
 * shows as a note instead of the rules.
 */

interface RulerQuery {
  datasourceUid?: string;
  model?: { model?: unknown };
}

interface RulerRule {
  grafana_alert?: { uid?: string; title?: string; data?: RulerQuery[] };
}

type RulerAnswer = Record<string, Array<{ name?: string; rules?: RulerRule[] }>>;

interface PromAlert {
  labels?: Record<string, string>;
  state?: string;
}

interface PromRule {
  uid?: string;
  name?: string;
  state?: string;
  health?: string;
  alerts?: PromAlert[];
}

interface PromAnswer {
  data?: { groups?: Array<{ rules?: PromRule[] }> };
}

/** A rule's state as the page shows it. */
export type RuleState = 'firing' | 'pending' | 'inactive' | 'unknown';

/** One Grafana-managed rule and the data sources and models its queries read. */
export interface AlertRule {
  uid: string;
  title: string;
  state: RuleState;
  /** Labels of the rule's alerts that fire, e.g. { version: "B" }. */
  firing: Array<Record<string, string>>;
  queries: Array<{ datasourceUid: string; model: string }>;
}

/** The rules, or why the page cannot show them. */
export type AlertRules =
  { kind: 'rules'; rules: AlertRule[] } | { kind: 'denied' } | { kind: 'error'; message: string };

const quiet = { showErrorAlert: false };

/** Reads every Grafana-managed rule with its state. */
export async function loadAlertRules(): Promise<AlertRules> {
  let ruler: RulerAnswer;
  let prom: PromAnswer;
  try {
    [ruler, prom] = await Promise.all([
      getBackendSrv().get<RulerAnswer>('/api/ruler/grafana/api/v1/rules', undefined, undefined, quiet),
      getBackendSrv().get<PromAnswer>('/api/prometheus/grafana/api/v1/rules', undefined, undefined, quiet),
    ]);
  } catch (error) {
    const status = (error as { status?: number })?.status;
    if (status === 401 || status === 403) {
      return { kind: 'denied' };
    }
    return { kind: 'error', message: errorMessage(error) };
  }
  return { kind: 'rules', rules: joinRules(ruler, prom) };
}

/** Joins the ruler's definitions with the Prometheus-style states. */
export function joinRules(ruler: RulerAnswer, prom: PromAnswer): AlertRule[] {
  const states = new Map<string, PromRule>();
  for (const group of prom?.data?.groups ?? []) {
    for (const rule of group.rules ?? []) {
      if (rule.uid) {
        states.set(`uid:${rule.uid}`, rule);
      }
      if (rule.name) {
        states.set(`name:${rule.name}`, rule);
      }
    }
  }
  const rules: AlertRule[] = [];
  for (const groups of Object.values(ruler ?? {})) {
    for (const group of groups ?? []) {
      for (const { grafana_alert: alert } of group.rules ?? []) {
        if (!alert?.uid) {
          continue;
        }
        const title = alert.title ?? alert.uid;
        const prom = states.get(`uid:${alert.uid}`) ?? states.get(`name:${title}`);
        rules.push({
          uid: alert.uid,
          title,
          state: ruleState(prom),
          firing: (prom?.alerts ?? [])
            .filter((a) => (a.state ?? '').toLowerCase() === 'alerting' || a.state === 'firing')
            .map((a) => a.labels ?? {}),
          queries: (alert.data ?? []).flatMap((q) =>
            q.datasourceUid && typeof q.model?.model === 'string'
              ? [{ datasourceUid: q.datasourceUid, model: q.model.model }]
              : []
          ),
        });
      }
    }
  }
  return rules.sort((a, b) => a.title.localeCompare(b.title));
}

function ruleState(rule: PromRule | undefined): RuleState {
  const state = rule?.state?.toLowerCase();
  return state === 'firing' || state === 'pending' || state === 'inactive' ? state : 'unknown';
}

const STATE_ORDER: Record<RuleState, number> = { firing: 0, pending: 1, unknown: 2, inactive: 3 };

/** The rules of which a query reads this data source's model, firing first, then by title. */
export function rulesOf(rules: AlertRule[], datasourceUid: string, model: string): AlertRule[] {
  return rules
    .filter((rule) => rule.queries.some((q) => q.datasourceUid === datasourceUid && q.model === model))
    .sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.title.localeCompare(b.title));
}

/** The page's link to a rule. */
export function ruleHref(uid: string): string {
  return `/alerting/grafana/${encodeURIComponent(uid)}/view`;
}
