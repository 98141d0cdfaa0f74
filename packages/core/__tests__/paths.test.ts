import { describe, expect, it } from '@jest/globals';
import { globOutsideRoots, isInsideRoots, readableRoots } from '../src/inputs/paths.ts';

describe('readable roots', () => {
  it('are the workspace and RUNNER_TEMP, or the working directory outside a runner', () => {
    expect(
      readableRoots({ GITHUB_WORKSPACE: '/no/such/ws', RUNNER_TEMP: '/no/such/tmp' }, '/no/cwd')
    ).toEqual(['/no/such/ws', '/no/such/tmp']);
    expect(readableRoots({}, '/no/cwd')).toEqual(['/no/cwd']);
  });

  it.each([
    ['/ws', true],
    ['/ws/reports/a.json', true],
    ['/ws-other/a.json', false],
    ['/etc/passwd', false],
    ['/tmp/r/x', true]
  ])('%s inside: %s', (file, inside) => {
    expect(isInsideRoots(file, ['/ws', '/tmp/r'])).toBe(inside);
  });
});

describe('globOutsideRoots', () => {
  it.each([
    ['reports/*.json', undefined],
    ['**/trivy-*.json', undefined],
    ['/ws/security-reports/trivy.json', undefined],
    ['/tmp/r/scan.json', undefined],
    ['/etc/passwd', '/etc/passwd is outside /ws or /tmp/r'],
    ['../../etc/*', '/etc is outside /ws or /tmp/r'],
    ['/etc/**/*.json', '/etc is outside /ws or /tmp/r'],
    ['reports/**/../../../etc/passwd', '`..` after a wildcard can leave the workspace']
  ])('%s: %p', (pattern, why) => {
    expect(globOutsideRoots(pattern, '/ws', ['/ws', '/tmp/r'])).toBe(why);
  });
});
