import CopyWebpackPlugin from 'copy-webpack-plugin';
import type { Configuration } from 'webpack';

import grafanaConfig, { type Env } from './.config/webpack/webpack.config';
import { copyFilePatterns } from './.config/bundler/copyFiles';

// Root README, LICENSE and CHANGELOG belong to the repository as a whole and may be absent
// while it is being assembled; a missing one must not fail the frontend build.
const optionalFiles = new Set(['../README.md', '../LICENSE', '../CHANGELOG.md']);

// The scaffold copies only the app's own logos. The nested data source and panel have logos of
// their own under `<plugin>/img/`, which Grafana loads relative to each nested plugin.json.
const patterns = [
  ...copyFilePatterns.map((pattern) =>
    optionalFiles.has(pattern.from) ? { ...pattern, noErrorOnMissing: true } : pattern
  ),
  { from: '**/img/**/*', to: '.', noErrorOnMissing: true },
  // The dashboards the app ships (plugin.json includes) are the provisioned ones: one source.
  { from: '../provisioning/dashboards/modelwatch/*.json', to: 'dashboards/[name][ext]' },
];

const config = async (env: Env): Promise<Configuration> => {
  const baseConfig = await grafanaConfig(env);
  return {
    ...baseConfig,
    plugins: (baseConfig.plugins ?? []).map((plugin) =>
      plugin instanceof CopyWebpackPlugin ? new CopyWebpackPlugin({ patterns }) : plugin
    ),
  };
};

export default config;
