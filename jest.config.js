// Force the timezone so that date formatting is the same on every machine.
process.env.TZ = 'UTC';

const baseConfig = require('./.config/jest.config');
const { grafanaESModules, nodeModulesToTransform } = require('./.config/jest/utils');

// The panel's scales (d3-scale) and what it imports ship only ES modules.
const panelESModules = ['d3-scale', 'd3-array', 'd3-format', 'd3-time', 'd3-time-format', 'internmap'];

// The scaffold's swc transform, reused for `.mjs` files: d3-color (a dependency of
// @grafana/data) ships only ES modules with that extension.
const [tsTransformPattern, swcTransform] = Object.entries(baseConfig.transform)[0];

module.exports = {
  ...baseConfig,
  // The editors' tests drive Grafana's Combobox (virtualised menus, async option loading): each
  // takes a few seconds on a busy 2-core machine, over jest's default of 5 s.
  testTimeout: 30000,
  transform: {
    [tsTransformPattern]: swcTransform,
    '^.+\\.mjs$': swcTransform,
  },
  transformIgnorePatterns: [nodeModulesToTransform([...grafanaESModules, ...panelESModules])],
};
