// Force the timezone so that date formatting is the same on every machine.
process.env.TZ = 'UTC';

const baseConfig = require('./.config/jest.config');

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
};
