// Validates every plugin.json (sources, and the built ones when dist/ exists) against Grafana's
// plugin.json schema, and checks what the schema cannot: the nested plugins the app includes.
// Usage: node scripts/validate-plugin-json.mjs [schema path]
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const schemaPath = path.resolve(
  process.argv[2] ?? process.env.PLUGIN_SCHEMA ?? path.join(root, '..', 'shared', 'schemas', 'plugin.schema.json')
);
const plugins = ['plugin.json', 'datasource/plugin.json', 'panel/plugin.json'];

if (!existsSync(schemaPath)) {
  console.error(`plugin.json schema not found at ${schemaPath}; pass its path as the first argument`);
  process.exit(2);
}

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(readJson(schemaPath));

const dirs = ['src', ...(existsSync(path.join(root, 'dist', 'plugin.json')) ? ['dist'] : [])];
let failures = 0;
const fail = (file, message) => {
  failures++;
  console.error(`FAIL ${file}: ${message}`);
};

for (const dir of dirs) {
  const byType = {};
  for (const rel of plugins) {
    const file = path.join(dir, rel);
    const full = path.join(root, file);
    if (!existsSync(full)) {
      fail(file, 'missing');
      continue;
    }
    const json = readJson(full);
    byType[json.type] = json;
    if (!validate(json)) {
      for (const error of validate.errors ?? []) {
        fail(file, `${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`);
      }
      continue;
    }
    for (const logo of new Set([json.info.logos.small, json.info.logos.large])) {
      if (!existsSync(path.join(path.dirname(full), logo))) {
        fail(file, `logo ${logo} not found`);
      }
    }
    if (dir === 'dist' && /%[A-Z_]+%/.test(JSON.stringify(json))) {
      fail(file, 'a %PLACEHOLDER% was not replaced by the build');
    }
    console.log(`ok   ${file} (${json.type} ${json.id})`);
  }

  // The app bundles the nested plugins by type and name: each must match a nested plugin.json.
  const app = byType.app;
  for (const include of app?.includes ?? []) {
    if (include.type === 'datasource' || include.type === 'panel') {
      const nested = byType[include.type];
      if (!nested || nested.name !== include.name) {
        fail(
          path.join(dir, 'plugin.json'),
          `includes ${include.type} "${include.name}" but no nested plugin has that name`
        );
      }
    }
  }
  const datasource = byType.datasource;
  if (datasource && !(datasource.backend && datasource.alerting && datasource.metrics && datasource.executable)) {
    fail(path.join(dir, 'datasource/plugin.json'), 'backend, alerting, metrics and executable must be set');
  }
}

if (failures > 0) {
  console.error(`${failures} problem(s) in plugin.json files`);
  process.exit(1);
}
console.log(`all plugin.json files valid against ${path.relative(root, schemaPath)}`);
