// Builds the dashboard into the folder given as the first argument (CMake
// passes build/web): one bundled, minified script, the page, its styles and
// the governorate boundaries, all served by corridor-web. Nothing the page
// needs is fetched from the internet at run time.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] || join(here, 'dist');
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [join(here, 'src/app.js')],
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  target: ['chrome110', 'firefox110', 'safari16'],
  outfile: join(out, 'app.js'),
  logLevel: 'warning',
});
copyFileSync(join(here, 'src/index.html'), join(out, 'index.html'));
copyFileSync(join(here, 'src/style.css'), join(out, 'style.css'));
// The boundaries come from the reference data (see data/reference/README.md).
copyFileSync(join(here, '../../data/reference/syria_admin1.geojson'),
             join(out, 'syria_admin1.geojson'));
console.log(`dashboard built into ${out}`);
