// Compiles src/ with tsc, then bundles each entry point (main, post, hook) into
// dist/<name>/index.js with @vercel/ncc. Type errors fail the bundle.
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'

const entries = ['main', 'post', 'hook']
rmSync('build', { recursive: true, force: true })
rmSync('dist', { recursive: true, force: true })
execFileSync('npx', ['--no-install', 'tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' })
for (const name of entries) {
  execFileSync(
    'npx',
    [
      '--no-install',
      'ncc',
      'build',
      `build/bin/${name}.js`,
      '-o',
      `dist/${name}`,
      '--license',
      'licenses.txt',
      '--quiet',
    ],
    { stdio: 'inherit' },
  )
}
rmSync('build', { recursive: true, force: true })
