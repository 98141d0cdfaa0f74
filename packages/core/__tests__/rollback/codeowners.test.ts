import { describe, expect, it } from '@jest/globals';
import { ownersOf, parseCodeowners } from '../../src/rollback/codeowners.ts';

const rules = parseCodeowners(
  [
    '# GitHub reads the last matching rule',
    '*                       @octo/platform',
    '*.py                    @octo/python',
    '/api/payments/          @octo/payments  # the payments team',
    'docs/                   @octo/docs',
    'apps/**/config.yml      @octo/sre devops@example.com',
    '/web/public/            ',
    'Makefile                @dana'
  ].join('\n')
);

describe('CODEOWNERS', () => {
  it.each([
    ['api/payments/charge.py', ['@octo/payments']],
    ['api/orders/create.py', ['@octo/python']],
    ['tools/api/payments/x.py', ['@octo/python']],
    ['docs/runbook.md', ['@octo/docs']],
    ['guide/docs/intro.md', ['@octo/docs']],
    ['apps/shop/eu/config.yml', ['@octo/sre']],
    ['web/public/logo.svg', []],
    ['sub/Makefile', ['@dana']],
    ['.github/workflows/ci.yml', ['@octo/platform']]
  ])('%s is owned by %j', (file, owners) => {
    expect(ownersOf(rules, [file])).toEqual(owners);
  });

  it('lists the owners of several files once each, in the order first seen', () => {
    expect(ownersOf(rules, ['a.py', 'api/payments/x.py', 'b.py', 'README.md'])).toEqual([
      '@octo/python',
      '@octo/payments',
      '@octo/platform'
    ]);
  });
});
