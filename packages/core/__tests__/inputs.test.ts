import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { ConfigurationError } from '../src/errors.ts';
import {
  boolean,
  decimal,
  duration,
  headerLines,
  headerSecretValues,
  httpUrl,
  integer,
  oneOf,
  splitLines,
  splitList,
  urlPath
} from '../src/inputs/fragments.ts';
import { formatProblem, readInputs } from '../src/inputs/read-inputs.ts';
import { DURATION_HINT } from '../src/inputs/duration.ts';

/** Parses one raw value with a fragment: the value, or the first issue's message. */
function parse(
  schema: z.ZodType,
  value: unknown
): { ok: true; value: unknown } | { ok: false; message: string } {
  const result = schema.safeParse(value);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, message: result.error.issues[0]!.message };
}

describe('duration()', () => {
  it.each([
    ['500ms', 500],
    ['1h30m', 5_400_000],
    ['2', 2000]
  ])('accepts %j', (raw, ms) => {
    expect(parse(duration(), raw)).toEqual({ ok: true, value: ms });
  });

  it('rejects what parseDuration rejects, saying what is expected', () => {
    expect(parse(duration(), 'soon')).toEqual({ ok: false, message: DURATION_HINT });
  });

  it('rejects a value that is not a string with the same message', () => {
    expect(parse(duration(), 5)).toEqual({ ok: false, message: DURATION_HINT });
  });

  it.each([
    [{ min: 100, max: 600_000 }, '99ms', `${DURATION_HINT}, from 100ms to 10m`],
    [{ min: 100, max: 600_000 }, '11m', `${DURATION_HINT}, from 100ms to 10m`],
    [{ min: 1000 }, '999ms', `${DURATION_HINT}, at least 1s`],
    [{ max: 3_600_000 }, '1h1s', `${DURATION_HINT}, at most 1h`]
  ])('with bounds %j rejects %j as %j', (bounds, raw, message) => {
    expect(parse(duration(bounds), raw)).toEqual({ ok: false, message });
  });

  it.each([
    [{ min: 100, max: 600_000 }, '100ms', 100],
    [{ min: 100, max: 600_000 }, '10m', 600_000],
    [{ max: 3_600_000 }, '0', 0]
  ])('with bounds %j accepts the boundary %j', (bounds, raw, ms) => {
    expect(parse(duration(bounds), raw)).toEqual({ ok: true, value: ms });
  });
});

describe('integer()', () => {
  it.each([
    ['3', 3],
    ['+3', 3],
    ['007', 7],
    ['0', 0],
    ['1000', 1000]
  ])('accepts %j as %d', (raw, n) => {
    expect(parse(integer({ min: 0, max: 1000 }), raw)).toEqual({ ok: true, value: n });
  });

  it.each(['1.5', '1e3', 'three', '', '-1', '1001', '0x10', '1 000'])('rejects %j', (raw) => {
    expect(parse(integer({ min: 0, max: 1000 }), raw)).toEqual({
      ok: false,
      message: 'a whole number from 0 to 1000'
    });
  });

  it('says "at least" when there is no upper bound', () => {
    expect(parse(integer({ min: 1 }), '0')).toEqual({ ok: false, message: 'a whole number of at least 1' });
    expect(parse(integer({ min: 1 }), '123456789')).toEqual({ ok: true, value: 123_456_789 });
  });

  it('accepts a negative number when the minimum allows it', () => {
    expect(parse(integer({ min: -5, max: 5 }), '-5')).toEqual({ ok: true, value: -5 });
  });
});

describe('decimal()', () => {
  it.each([
    ['1.2', 1.2],
    ['1', 1],
    ['.5', 0.5],
    ['2.', 2],
    ['+0.25', 0.25]
  ])('accepts %j as %d', (raw, n) => {
    expect(parse(decimal({ min: 0, max: 10 }), raw)).toEqual({ ok: true, value: n });
  });

  it.each(['10.01', '-0.1', 'abc', '1e2', '1,5', '.'])('rejects %j', (raw) => {
    expect(parse(decimal({ min: 0, max: 10 }), raw)).toEqual({ ok: false, message: 'a number from 0 to 10' });
  });

  it('says "at least" when there is no upper bound', () => {
    expect(parse(decimal({ min: 1 }), '0.5')).toEqual({ ok: false, message: 'a number of at least 1' });
  });
});

describe('boolean()', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false]
  ])('accepts %j as %s', (raw, value) => {
    expect(parse(boolean(), raw)).toEqual({ ok: true, value });
  });

  it.each(['yes', 'no', 'on', '1', '0', 'tRuE'])('rejects %j (YAML 1.2 core schema only)', (raw) => {
    expect(parse(boolean(), raw)).toEqual({ ok: false, message: 'true or false' });
  });
});

describe('splitList and splitLines', () => {
  it('splitList splits on commas and new lines, trims and drops empty items', () => {
    expect(splitList('a, b,,c\n d \n\n')).toEqual(['a', 'b', 'c', 'd']);
    expect(splitList('')).toEqual([]);
  });

  it('splitLines keeps commas, trims, and drops empty and # comment lines', () => {
    expect(splitLines('  GET /a 200 x, y  \n\n# a comment\n  # indented comment\nPOST /b 201\r\n')).toEqual([
      'GET /a 200 x, y',
      'POST /b 201'
    ]);
  });
});

describe('httpUrl()', () => {
  it.each([
    ['https://api.example.com', 'https://api.example.com'],
    ['https://api.example.com/', 'https://api.example.com'],
    ['http://127.0.0.1:8080/base//', 'http://127.0.0.1:8080/base'],
    ['https://user:pass@api.example.com', 'https://user:pass@api.example.com']
  ])('accepts %j as %j (trailing slashes dropped)', (raw, value) => {
    expect(parse(httpUrl(), raw)).toEqual({ ok: true, value });
  });

  it.each(['ftp://example.com', 'api.example.com', 'not a url', 'file:///etc/passwd', 'http://'])(
    'rejects %j',
    (raw) => {
      expect(parse(httpUrl(), raw)).toEqual({
        ok: false,
        message: 'an http:// or https:// URL such as https://api.example.com'
      });
    }
  );
});

describe('urlPath()', () => {
  it.each(['/health', '/', '/api/v1/ready?verbose=1'])('accepts %j', (raw) => {
    expect(parse(urlPath(), raw)).toEqual({ ok: true, value: raw });
  });

  it.each(['health', 'https://x/health', '/a b', '//\t'])('rejects %j', (raw) => {
    expect(parse(urlPath(), raw)).toEqual({ ok: false, message: 'a path starting with /, such as /health' });
  });
});

describe('oneOf()', () => {
  const router = oneOf(['nginx', 'command'] as const);
  it('accepts a listed word', () => {
    expect(parse(router, 'nginx')).toEqual({ ok: true, value: 'nginx' });
  });
  it.each(['Nginx', 'envoy', ''])('rejects %j and lists the choices', (raw) => {
    expect(parse(router, raw)).toEqual({ ok: false, message: 'one of nginx, command' });
  });
});

describe('headerLines()', () => {
  it('parses one header a line, lower-casing names and keeping values as written', () => {
    expect(
      parse(headerLines(), 'Authorization: Bearer abc:def\n\n# comment\nX-Trace-Id:42\nX-Empty:')
    ).toEqual({
      ok: true,
      value: { authorization: 'Bearer abc:def', 'x-trace-id': '42', 'x-empty': '' }
    });
  });

  it('lets a later line win for the same name', () => {
    expect(parse(headerLines(), 'X-A: 1\nx-a: 2')).toEqual({ ok: true, value: { 'x-a': '2' } });
  });

  it.each(['no colon here', 'Bad Name: value', ': value', 'X-Ok: 1\nbroken'])('rejects %j', (raw) => {
    expect(parse(headerLines(), raw)).toEqual({
      ok: false,
      message: 'one `Name: value` header a line, with a valid header name'
    });
  });
});

describe('headerSecretValues', () => {
  it('returns every non-empty value', () => {
    expect(headerSecretValues('Authorization: Bearer abc:def\nX-Empty:\n# c\nX-Key:  k-123 ')).toEqual([
      'Bearer abc:def',
      'k-123'
    ]);
  });

  it('treats a line without a colon as secret as a whole, so an invalid line cannot leak', () => {
    expect(headerSecretValues('Bearer-token-without-name')).toEqual(['Bearer-token-without-name']);
  });
});

describe('readInputs', () => {
  const schema = z.object({
    url: httpUrl(),
    interval: duration({ min: 100 }).prefault('5s'),
    retries: integer({ min: 1, max: 10 }).prefault('3'),
    mode: oneOf(['fast', 'safe'] as const).optional(),
    headers: headerLines().optional()
  });
  const inputsOf =
    (values: Record<string, string>) =>
    (name: string): string =>
      values[name] ?? '';
  const noSecret = () => undefined;

  function problemsOf(run: () => unknown): ConfigurationError {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      return error as ConfigurationError;
    }
    throw new Error('expected a ConfigurationError');
  }

  it("maps '' and whitespace to undefined, so prefaults apply and optional inputs stay unset", () => {
    expect(
      readInputs(schema, inputsOf({ url: ' https://a.example.com/ ', interval: '  ', retries: '' }), {
        setSecret: noSecret
      })
    ).toEqual({
      url: 'https://a.example.com',
      interval: 5000,
      retries: 3,
      mode: undefined,
      headers: undefined
    });
  });

  it('trims given values before parsing', () => {
    expect(
      readInputs(schema, inputsOf({ url: 'http://x.example', interval: ' 250ms\n', mode: ' safe ' }), {
        setSecret: noSecret
      })
    ).toMatchObject({ interval: 250, mode: 'safe' });
  });

  it('asks for every schema key by name, once', () => {
    const asked: string[] = [];
    readInputs(
      schema,
      (name) => {
        asked.push(name);
        return name === 'url' ? 'https://a.example.com' : '';
      },
      { setSecret: noSecret }
    );
    expect(asked).toEqual(['url', 'interval', 'retries', 'mode', 'headers']);
  });

  it('reports every invalid input together, each with its name, value and what was expected', () => {
    const error = problemsOf(() =>
      readInputs(
        schema,
        inputsOf({ url: 'https://a.example.com', interval: 'soon', retries: '0', mode: 'turbo' }),
        {
          setSecret: noSecret
        }
      )
    );
    expect(error.problems).toEqual([
      { input: 'interval', shownValue: '"soon"', expected: `${DURATION_HINT}, at least 100ms` },
      { input: 'retries', shownValue: '"0"', expected: 'a whole number from 1 to 10' },
      { input: 'mode', shownValue: '"turbo"', expected: 'one of fast, safe' }
    ]);
    expect(error.message).toBe(
      [
        '3 inputs are invalid:',
        `Input \`interval\`: got "soon"; expected ${DURATION_HINT}, at least 100ms`,
        'Input `retries`: got "0"; expected a whole number from 1 to 10',
        'Input `mode`: got "turbo"; expected one of fast, safe'
      ].join('\n')
    );
  });

  it('uses the single problem as the message when only one input is invalid', () => {
    const error = problemsOf(() =>
      readInputs(schema, inputsOf({ url: 'https://a.example.com', retries: 'many' }), { setSecret: noSecret })
    );
    expect(error.message).toBe('Input `retries`: got "many"; expected a whole number from 1 to 10');
    expect(error.problems).toHaveLength(1);
  });

  it('says a required input is missing', () => {
    const error = problemsOf(() => readInputs(schema, inputsOf({}), { setSecret: noSecret }));
    expect(error.problems).toEqual([
      { input: 'url', shownValue: 'nothing', expected: 'a value (this input is required)' }
    ]);
    expect(error.message).toBe('Input `url`: got nothing; expected a value (this input is required)');
  });

  it('shows a multi-line value on one line and cuts a long one', () => {
    const error = problemsOf(() =>
      readInputs(
        schema,
        inputsOf({ url: 'https://a.example.com', mode: `a\nb`, interval: 'x'.repeat(100) }),
        {
          setSecret: noSecret
        }
      )
    );
    expect(error.problems.map((p) => p.shownValue)).toEqual([`"${'x'.repeat(80)}…"`, '"a\\\\nb"']);
  });

  it('masks secrets before parsing and never shows a secret value, even an invalid one', () => {
    const events: string[] = [];
    const tracked = z.object({
      token: z.string().transform((value, ctx) => {
        events.push('parse token');
        ctx.addIssue({ code: 'custom', message: 'a token that works' });
        return z.NEVER;
      }),
      headers: headerLines().optional()
    });
    const secretHeader = 'X-Api-Key: s3cr3t value with spaces\nthis line is invalid and s3cr3t-too';
    const error = problemsOf(() =>
      readInputs(tracked, inputsOf({ token: 'tok-abcdef', headers: secretHeader }), {
        secrets: { token: 'whole', headers: headerSecretValues },
        setSecret: (value) => events.push(`setSecret ${value}`)
      })
    );
    expect(events).toEqual([
      'setSecret tok-abcdef',
      'setSecret s3cr3t value with spaces',
      'setSecret this line is invalid and s3cr3t-too',
      'parse token'
    ]);
    expect(error.problems).toEqual([
      { input: 'token', shownValue: '"***"', expected: 'a token that works' },
      {
        input: 'headers',
        // the secret parts are masked; the header name, which is not secret, helps find the mistake
        shownValue: JSON.stringify('X-Api-Key: ***\\n***'),
        expected: 'one `Name: value` header a line, with a valid header name'
      }
    ]);
    expect(error.message).not.toMatch(/s3cr3t|tok-abcdef/);
  });

  it('masks a secret that contains another secret whole in a shown value', () => {
    const error = problemsOf(() =>
      readInputs(
        schema,
        inputsOf({
          url: 'https://a.example.com',
          headers: 'X-Short: tok1\nAuthorization: tok1-secret-tail\nBad Name: zzzz'
        }),
        { secrets: { headers: headerSecretValues }, setSecret: noSecret }
      )
    );
    expect(error.problems[0]!.shownValue).toBe(
      JSON.stringify('X-Short: ***\\nAuthorization: ***\\nBad Name: ***')
    );
    expect(error.message).not.toContain('secret-tail');
  });

  it('masks the secrets of every input in a shown value', () => {
    const error = problemsOf(() =>
      readInputs(
        schema,
        inputsOf({ url: 'https://a.example.com', headers: 'Authorization: key-1234', mode: 'key-1234' }),
        { secrets: { headers: headerSecretValues }, setSecret: noSecret }
      )
    );
    expect(error.problems).toEqual([{ input: 'mode', shownValue: '"***"', expected: 'one of fast, safe' }]);
  });

  it('does not call setSecret for an empty secret input', () => {
    const secrets: string[] = [];
    readInputs(schema, inputsOf({ url: 'https://a.example.com', headers: '   ' }), {
      secrets: { headers: headerSecretValues, url: 'whole' },
      setSecret: (value) => secrets.push(value)
    });
    expect(secrets).toEqual(['https://a.example.com']);
  });
});

describe('formatProblem', () => {
  it('names the input, the shown value and the expectation', () => {
    expect(formatProblem({ input: 'interval', shownValue: '"abc"', expected: 'a duration' })).toBe(
      'Input `interval`: got "abc"; expected a duration'
    );
  });
});
