import { labels } from '../labels';

/** A template-variable query, as written in the variable editor, e.g. `versions($model)`. */
export type VariableQuery =
  | { kind: 'models' }
  | { kind: 'versions'; model: string }
  | { kind: 'classes'; model: string }
  | { kind: 'features' }
  | { kind: 'values'; model: string; column: string };

const ARITY: Record<VariableQuery['kind'], number> = { models: 0, versions: 1, classes: 1, features: 0, values: 2 };

const CALL = /^\s*([a-z]+)\s*\(([^()]*)\)\s*$/i;

/** An argument may be quoted, so that a name with spaces or commas can be written. */
function unquote(arg: string): string {
  const trimmed = arg.trim();
  const quoted = /^(["'])(.*)\1$/.exec(trimmed);
  return quoted ? quoted[2] : trimmed;
}

function splitArgs(args: string): string[] {
  if (args.trim() === '') {
    return [];
  }
  return (args.match(/"[^"]*"|'[^']*'|[^,]+/g) ?? []).map(unquote);
}

/** Reads a variable query; anything else is an error that names the accepted forms. */
export function parseVariableQuery(query: string): VariableQuery {
  const match = CALL.exec(query);
  const kind = match?.[1].toLowerCase() as VariableQuery['kind'] | undefined;
  const args = match ? splitArgs(match[2]) : [];
  if (!kind || !(kind in ARITY) || args.length !== ARITY[kind] || args.some((arg) => arg === '')) {
    throw new Error(`Cannot read variable query "${query.trim()}": ${labels.variables.unknownQuery}`);
  }
  switch (kind) {
    case 'versions':
    case 'classes':
      return { kind, model: args[0] };
    case 'values':
      return { kind, model: args[0], column: args[1] };
    default:
      return { kind };
  }
}

/** The text of a saved variable query: a string, or `{query}` when saved by a newer editor. */
export function variableQueryText(query: unknown): string {
  if (typeof query === 'string') {
    return query;
  }
  if (query && typeof query === 'object' && typeof (query as { query?: unknown }).query === 'string') {
    return (query as { query: string }).query;
  }
  return '';
}
