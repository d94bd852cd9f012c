/**
 * The local Logs Insights evaluator (sim/logs-insights.ts): SOURCE and time range, JSON field
 * discovery, every filter operator, output columns, stats (each aggregation, ties, two stats),
 * sort, dedup, limit, scan statistics, the dashboard's own queries over hand-written records,
 * and the errors that keep queries inside the subset.
 */
import {
  DEFAULT_RESULT_LIMIT,
  LogsInsightsError,
  naturalCompare,
  parseLogsInsightsQuery,
  runLogsInsightsQuery,
  sourcesOf,
  type LogEventInput,
} from '../sim/logs-insights';

const COLLECT = '/aws/lambda/pm-collect';
const NOTIFY = '/aws/lambda/pm-action-notify';
const APPROVAL = '/aws/lambda/pm-approval';
const ALL = { startMs: 0, endMs: Number.MAX_SAFE_INTEGER };

const ev = (logGroup: string, timestamp: number, body: object | string): LogEventInput => ({
  logGroup,
  timestamp,
  message: typeof body === 'string' ? body : JSON.stringify(body),
});
const run = (query: string, events: LogEventInput[], range = ALL) => runLogsInsightsQuery(query, events, range);
const rows = (query: string, events: LogEventInput[], range = ALL) => run(query, events, range).rows;
const q = (rest: string, source = COLLECT) => `SOURCE '${source}' | ${rest}`;

function errorOf(query: string): string {
  try {
    parseLogsInsightsQuery(query);
  } catch (e) {
    expect(e).toBeInstanceOf(LogsInsightsError);
    return (e as Error).message;
  }
  throw new Error(`expected the query to be refused: ${query}`);
}

describe('SOURCE and time range', () => {
  const events = [
    ev(COLLECT, 100, { n: 1 }),
    ev(COLLECT, 200, { n: 2 }),
    ev(COLLECT, 300, { n: 3 }),
    ev(NOTIFY, 200, { n: 4 }),
    ev(APPROVAL, 200, { n: 5 }),
  ];

  it('scans only the named log groups, within [startMs, endMs] inclusive', () => {
    expect(rows(q('fields n'), events, { startMs: 200, endMs: 300 })).toEqual([{ n: 3 }, { n: 2 }]);
    expect(rows(`SOURCE '${COLLECT}' | SOURCE "${NOTIFY}" | fields n, @log`, events, { startMs: 100, endMs: 200 })).toEqual([
      { n: 4, '@log': NOTIFY },
      { n: 2, '@log': COLLECT },
      { n: 1, '@log': COLLECT },
    ]);
  });

  it('lists the SOURCE log groups', () => {
    expect(sourcesOf(`SOURCE '${NOTIFY}' | SOURCE '${APPROVAL}'\n| filter record = "action"`)).toEqual([NOTIFY, APPROVAL]);
  });

  it('counts records and bytes scanned (UTF-8 bytes of the messages) and records matched', () => {
    const msgs = [ev(COLLECT, 1, { a: 'é' }), ev(COLLECT, 2, 'plain line'), ev(NOTIFY, 3, { a: 'x' }), ev(COLLECT, 99, { a: 'late' })];
    const r = run(q('filter a = "é" | limit 1'), msgs, { startMs: 0, endMs: 10 });
    expect(r.recordsScanned).toBe(2);
    expect(r.bytesScanned).toBe(Buffer.byteLength('{"a":"é"}') + 'plain line'.length);
    expect(r.bytesScanned).toBe(20); // é is two bytes
    expect(r.recordsMatched).toBe(1);
  });

  it('counts matched events before stats, dedup and limit', () => {
    const many = [1, 2, 3, 4].map((i) => ev(COLLECT, i, { k: i % 2, v: i }));
    const r = run(q('filter v > 1 | stats count(*) as c by k | limit 1'), many);
    expect(r.recordsMatched).toBe(3);
    expect(r.rows).toHaveLength(1);
  });
});

describe('fields discovered from JSON', () => {
  const line = { record: 'decision', evidence: { monthlyWasteUsd: 12.5, window: { hours: 24 } }, tags: ['a', { b: 2 }], gone: null, ok: true };
  const events = [ev(COLLECT, 1000, line), ev(COLLECT, 2000, 'START RequestId: 123 Version: $LATEST'), ev(COLLECT, 3000, '[1,2]')];

  it('flattens nested objects with dots and arrays with indexes; built-ins are present', () => {
    const [row] = rows(q('filter ispresent(record) | fields evidence.monthlyWasteUsd, evidence.window.hours, tags.0, tags.1.b, ok, @timestamp, @log'), events);
    expect(row).toEqual({ 'evidence.monthlyWasteUsd': 12.5, 'evidence.window.hours': 24, 'tags.0': 'a', 'tags.1.b': 2, ok: true, '@timestamp': 1000, '@log': COLLECT });
  });

  it('gives a non-JSON (or non-object JSON) message only the built-in fields; a JSON null is absent', () => {
    expect(rows(q('filter not ispresent(record) | fields @message, record'), events)).toEqual([
      { '@message': '[1,2]', record: null },
      { '@message': 'START RequestId: 123 Version: $LATEST', record: null },
    ]);
    expect(rows(q('filter ispresent(gone) | fields record'), events)).toEqual([]);
  });

  it('reads backquoted field names', () => {
    expect(rows(q('fields `my field` as f'), [ev(COLLECT, 1, { 'my field': 'v' })])).toEqual([{ f: 'v' }]);
  });
});

describe('filter operators', () => {
  const events = [
    ev(COLLECT, 1, { id: 'a', n: 5, s: 'apple', e: '' }),
    ev(COLLECT, 2, { id: 'b', n: 10, s: 'Banana', e: '   ' }),
    ev(COLLECT, 3, { id: 'c', n: '20', s: 'cherry pie' }),
    ev(COLLECT, 4, { id: 'd', s: 'date' }),
  ];
  const ids = (cond: string) => rows(q(`filter ${cond} | sort id asc | fields id`), events).map((r) => r.id);

  it.each([
    ['n = 10', ['b']],
    ['n != 10', ['a', 'c']], // d has no n: left out of the comparison
    ['not (n = 10)', ['a', 'c']], // unknown stays unknown under not
    ['n < 10', ['a']],
    ['n <= 10', ['a', 'b']],
    ['n > 9', ['b', 'c']], // "20" is numeric against a number
    ['n >= 20', ['c']],
    ['s > "b"', ['c', 'd']], // strings as strings: "Banana" < "b"
    ['n = 5 or s = "date"', ['a', 'd']],
    ['n > 1 and s like "an"', ['b']],
    ['(n = 5 or n = 10) and not s = "apple"', ['b']],
    ['n > 100 or ispresent(e)', ['a', 'b']], // unknown or true is true
    ['id in ["a", "c", "z"]', ['a', 'c']],
    ['id not in ["a", "c"]', ['b', 'd']],
    ['n in [5, 20]', ['a', 'c']],
    ['s like /^[a-c]/', ['a', 'c']],
    ['s like /(?i)^b/', ['b']],
    ['s like "pie"', ['c']],
    ['s =~ /e$/', ['a', 'c', 'd']],
    ['ispresent(n)', ['a', 'b', 'c']],
    ['isempty(e)', ['a', 'c', 'd']],
    ['isblank(e)', ['a', 'b', 'c', 'd']],
    ['not isempty(e)', ['b']],
    ['n * 2 + 1 = 21', ['b']],
    ['n / 0 = 1 or n - 5 = 0', ['a']],
    ['-n = -5', ['a']],
    ['isPresent(n) and true', ['a', 'b', 'c']],
  ])('filter %s', (cond, expected) => {
    expect(ids(cond)).toEqual(expected);
  });

  it('reads string escapes and ignores # comments', () => {
    const r = rows(`SOURCE '${COLLECT}' # the collector\n| filter q = 'it\\'s "x"\\n' # a comment\n| fields id`, [ev(COLLECT, 1, { id: 'q', q: 'it\'s "x"\n' })]);
    expect(r).toEqual([{ id: 'q' }]);
  });
});

describe('output columns', () => {
  const events = [ev(COLLECT, 1, { a: 1, b: 2, c: 3 }), ev(COLLECT, 2, { a: 10, b: 20 })];

  it('defaults to @timestamp and @message, newest first', () => {
    const r = run(q('filter a > 0'), events);
    expect(r.fields).toEqual(['@timestamp', '@message']);
    expect(r.rows).toEqual([
      { '@timestamp': 2, '@message': '{"a":10,"b":20}' },
      { '@timestamp': 1, '@message': '{"a":1,"b":2,"c":3}' },
    ]);
  });

  it('fields selects and computes columns; later commands still see every field', () => {
    const r = run(q('fields a, a * b as ab, b + 1 | filter ispresent(c) | fields c'), events);
    expect(r.fields).toEqual(['a', 'ab', 'b + 1', 'c']);
    expect(r.rows).toEqual([{ a: 1, ab: 2, 'b + 1': 3, c: 3 }]);
  });

  it('display chooses the output columns only', () => {
    const r = run(q('fields a * 2 as double | display double, b'), events);
    expect(r.fields).toEqual(['double', 'b']);
    expect(r.rows).toEqual([
      { double: 20, b: 20 },
      { double: 2, b: 2 },
    ]);
  });
});

describe('stats', () => {
  const events = [
    ev(COLLECT, 100, { g: 'x', v: 3, s: 'pear', tag: 'first' }),
    ev(COLLECT, 300, { g: 'x', v: 7, s: 'apple', tag: 'tie-a' }),
    ev(COLLECT, 300, { g: 'x', v: 7, s: 'zebra', tag: 'tie-b' }),
    ev(COLLECT, 200, { g: 'y', v: 1, tag: 'only' }),
    ev(COLLECT, 100, { v: 100, tag: 'nogroup' }),
    ev(COLLECT, 100, { g: 'y', tag: 'novalue' }),
  ];

  it('computes each aggregation per group, by fields first, names as written without alias', () => {
    const r = run(
      q('stats count(*), count(v) as cv, count_distinct(v) as dv, sum(v) as sv, avg(v) as av, min(v) as lo, max(v) as hi, min(s) as smin, max(s) as smax by g | sort g asc'),
      events,
    );
    expect(r.fields).toEqual(['g', 'count(*)', 'cv', 'dv', 'sv', 'av', 'lo', 'hi', 'smin', 'smax']);
    expect(r.rows).toEqual([
      { g: 'x', 'count(*)': 3, cv: 3, dv: 2, sv: 17, av: 17 / 3, lo: 3, hi: 7, smin: 'apple', smax: 'zebra' },
      { g: 'y', 'count(*)': 2, cv: 1, dv: 1, sv: 1, av: 1, lo: 1, hi: 1, smin: null, smax: null },
      { g: null, 'count(*)': 1, cv: 1, dv: 1, sv: 100, av: 100, lo: 100, hi: 100, smin: null, smax: null }, // missing group field: null group, sorted last
    ]);
  });

  it('latest/earliest take the field of the latest/earliest event; ties go to the later event in input order', () => {
    expect(rows(q('stats latest(tag) as last, earliest(tag) as first, latest(s) as ls by g | sort g asc'), events)).toEqual([
      { g: 'x', last: 'tie-b', first: 'first', ls: 'zebra' },
      { g: 'y', last: 'only', first: 'novalue', ls: null }, // the latest y event has no s
      { g: null, last: 'nogroup', first: 'nogroup', ls: null },
    ]);
    const tie = [ev(COLLECT, 5, { k: 'one' }), ev(COLLECT, 5, { k: 'two' })];
    expect(rows(q('stats latest(k) as l, earliest(k) as e'), tie)).toEqual([{ l: 'two', e: 'one' }]);
  });

  it('a second stats aggregates the rows of the first; filter may come between', () => {
    const r = run(q('stats sum(v) as total by g | filter ispresent(g) | stats count(*) as groups, sum(total) as all, max(total) as top'), events);
    expect(r.fields).toEqual(['groups', 'all', 'top']);
    expect(r.rows).toEqual([{ groups: 2, all: 18, top: 17 }]);
  });

  it('filter, sort, limit and display operate on stats rows', () => {
    expect(rows(q('stats count(*) as c by g | filter c > 1 | sort c desc | limit 1 | display g'), events)).toEqual([{ g: 'x' }]);
  });

  it('gives no row over no events', () => {
    expect(rows(q('filter v > 1000 | stats count(*) as c'), events)).toEqual([]);
  });
});

describe('sort', () => {
  const events = [
    ev(COLLECT, 1, { id: 1, a: 'b', n: 2 }),
    ev(COLLECT, 2, { id: 2, a: 'a', n: 2 }),
    ev(COLLECT, 3, { id: 3, a: 'b', n: 1 }),
    ev(COLLECT, 4, { id: 4, n: 3 }),
    ev(COLLECT, 5, { id: 5, a: 'a' }),
  ];
  const ids = (keys: string) => rows(q(`sort ${keys} | fields id`), events).map((r) => r.id);

  it('sorts by several keys, asc and desc, absent values last in both directions', () => {
    expect(ids('a asc, n desc')).toEqual([2, 5, 1, 3, 4]);
    expect(ids('a desc, n asc')).toEqual([3, 1, 2, 5, 4]);
    expect(ids('n desc, id asc')).toEqual([4, 1, 2, 3, 5]);
    expect(ids('n asc, id desc')).toEqual([3, 2, 1, 4, 5]);
    expect(ids('@timestamp asc')).toEqual([1, 2, 3, 4, 5]);
  });

  it("follows the documented natural order (the sort page's own example)", () => {
    const documented = ['!:', '#', '*%04', '0#', '5A', '111A', '2345_', '@', '@_', 'A', 'A9876fghj', 'a12345hfh', '0', '01', '1', '2', '3'];
    const shuffled = [...documented].reverse();
    expect([...shuffled].sort(naturalCompare)).toEqual(documented);
    const r = rows(q('sort v asc | fields v'), shuffled.map((v, i) => ev(COLLECT, i, { v })));
    expect(r.map((x) => x.v)).toEqual(documented);
  });
});

describe('dedup', () => {
  const events = [
    ev(COLLECT, 1, { k: 'a', v: 1 }),
    ev(COLLECT, 2, { k: 'a', v: 2 }),
    ev(COLLECT, 3, { k: 'b', v: 3 }),
    ev(COLLECT, 4, { v: 4 }),
    ev(COLLECT, 5, { v: 5 }),
  ];

  it('keeps the first row per value in @timestamp descending order when not sorted; rows with null are all kept', () => {
    expect(rows(q('fields v | dedup k'), events).map((r) => r.v)).toEqual([5, 4, 3, 2]);
  });

  it('keeps the first row in the current sort order, then limit may follow', () => {
    expect(rows(q('fields v | sort v asc | dedup k | limit 3'), events).map((r) => r.v)).toEqual([1, 3, 4]);
  });

  it('allows only limit after dedup', () => {
    expect(errorOf('SOURCE \'/g\' | dedup k | sort v asc')).toBe('Only limit may follow dedup (the dedup at position 15); found sort at position 25.');
    expect(errorOf('SOURCE \'/g\' | dedup k | limit 5 | fields v')).toBe('Only limit may follow dedup (the dedup at position 15); found fields at position 35.');
  });
});

describe('limit', () => {
  it('returns the first N rows', () => {
    const events = [1, 2, 3].map((i) => ev(COLLECT, i, { i }));
    expect(rows(q('fields i | limit 2'), events)).toEqual([{ i: 3 }, { i: 2 }]);
  });

  it(`returns at most ${DEFAULT_RESULT_LIMIT} rows without limit`, () => {
    const events = Array.from({ length: DEFAULT_RESULT_LIMIT + 5 }, (_, i) => ev(COLLECT, i, { i }));
    const r = run(q('fields i'), events);
    expect(r.rows).toHaveLength(DEFAULT_RESULT_LIMIT);
    expect(r.recordsMatched).toBe(DEFAULT_RESULT_LIMIT + 5);
    expect(r.rows[0]).toEqual({ i: DEFAULT_RESULT_LIMIT + 4 });
  });
});

describe("the dashboard's queries", () => {
  const decision = (t: number, resourceArn: string, name: string, finding: string, monthlyWasteUsd: number, at: string) =>
    ev(COLLECT, t, { level: 'INFO', message: 'record', record: 'decision', resourceArn, name, finding, monthlyWasteUsd, at });
  const arn = (n: string) => `arn:aws:personalize:us-east-1:111122223333:campaign/${n}`;
  const decisions = [
    decision(1_000, arn('a'), 'a', 'idle', 10, '2026-12-01T10:00:00.000Z'),
    decision(2_000, arn('a'), 'a', 'idle', 12, '2026-12-01T11:00:00.000Z'),
    decision(1_500, arn('b'), 'b', 'overProvisioned', 30, '2026-12-01T10:30:00.000Z'),
    decision(2_500, arn('b'), 'b', 'none', 0, '2026-12-01T11:30:00.000Z'), // closed
    decision(2_000, arn('c'), 'c', 'overProvisioned', 50, '2026-12-01T11:00:00.000Z'),
    decision(500, arn('d'), 'd', 'idle', 5, '2026-12-01T09:00:00.000Z'),
    ev(COLLECT, 2_100, { level: 'INFO', message: 'record', record: 'run', finding: 'idle' }),
    ev(COLLECT, 2_200, 'START RequestId: 0f3c Version: $LATEST'),
    ev(NOTIFY, 2_300, { record: 'decision', resourceArn: arn('e'), finding: 'idle', monthlyWasteUsd: 99 }), // another log group
  ];

  it('open findings: latest decision per resource, closed ones dropped, newest first', () => {
    const r = run(
      `SOURCE '/aws/lambda/pm-collect'
| filter record = "decision"
| stats latest(finding) as finding, latest(name) as resource, latest(monthlyWasteUsd) as wasteUsdPerMonth, latest(at) as decidedAt by resourceArn
| filter finding != "none"
| sort decidedAt desc, wasteUsdPerMonth desc
| limit 100`,
      decisions,
    );
    expect(r.fields).toEqual(['resourceArn', 'finding', 'resource', 'wasteUsdPerMonth', 'decidedAt']);
    expect(r.rows).toEqual([
      { resourceArn: arn('c'), finding: 'overProvisioned', resource: 'c', wasteUsdPerMonth: 50, decidedAt: '2026-12-01T11:00:00.000Z' },
      { resourceArn: arn('a'), finding: 'idle', resource: 'a', wasteUsdPerMonth: 12, decidedAt: '2026-12-01T11:00:00.000Z' },
      { resourceArn: arn('d'), finding: 'idle', resource: 'd', wasteUsdPerMonth: 5, decidedAt: '2026-12-01T09:00:00.000Z' },
    ]);
    expect(r.recordsScanned).toBe(8);
    expect(r.recordsMatched).toBe(6);
  });

  it('open findings count and monthly waste', () => {
    const r = run(
      `SOURCE '/aws/lambda/pm-collect'
| filter record = "decision"
| stats latest(finding) as finding, latest(monthlyWasteUsd) as waste by resourceArn
| filter finding != "none"
| stats count(*) as openFindings, sum(waste) as wasteUsdPerMonth`,
      decisions,
    );
    expect(r.fields).toEqual(['openFindings', 'wasteUsdPerMonth']);
    expect(r.rows).toEqual([{ openFindings: 3, wasteUsdPerMonth: 67 }]);
  });

  it('actions: one row per execution and outcome, newest first', () => {
    const action = (group: string, t: number, executionArn: string, outcome: string, at: string, detail: string, decidedBy = 'monitor') =>
      ev(group, t, { record: 'action', executionArn, resourceArn: arn('a'), resource: 'a', region: 'us-east-1', action: 'lowerMinimum', outcome, decidedBy, detail, at });
    const exec = (n: string) => `arn:aws:states:us-east-1:111122223333:execution:pm-action:${n}`;
    const events = [
      action(APPROVAL, 100, exec('1'), 'approved', '2026-12-01T12:01:00.000Z', 'approved by link', 'ops@example.com'),
      action(NOTIFY, 200, exec('1'), 'done', '2026-12-01T12:04:00.000Z', 'minimum 10 → 4'),
      action(NOTIFY, 300, exec('1'), 'done', '2026-12-01T12:05:00.000Z', 'minimum 10 → 4 (retried)'),
      action(NOTIFY, 150, exec('2'), 'expired', '2026-12-01T12:02:00.000Z', 'no decision in 24 h', 'nobody'),
      ev(COLLECT, 160, { record: 'action', executionArn: exec('3'), outcome: 'done', at: '2026-12-01T13:00:00.000Z' }), // not a SOURCE
      ev(NOTIFY, 170, { record: 'run', at: '2026-12-01T14:00:00.000Z' }),
    ];
    const r = run(
      `SOURCE '/aws/lambda/pm-action-notify' | SOURCE '/aws/lambda/pm-approval'
| filter record = "action"
| fields at, resource, region, action, outcome, decidedBy, detail, executionArn
| sort at desc
| dedup executionArn, outcome
| limit 100`,
      events,
    );
    const row = (executionArn: string, outcome: string, at: string, detail: string, decidedBy: string) => ({
      at,
      resource: 'a',
      region: 'us-east-1',
      action: 'lowerMinimum',
      outcome,
      decidedBy,
      detail,
      executionArn,
    });
    expect(r.fields).toEqual(['at', 'resource', 'region', 'action', 'outcome', 'decidedBy', 'detail', 'executionArn']);
    expect(r.rows).toEqual([
      row(exec('1'), 'done', '2026-12-01T12:05:00.000Z', 'minimum 10 → 4 (retried)', 'monitor'),
      row(exec('2'), 'expired', '2026-12-01T12:02:00.000Z', 'no decision in 24 h', 'nobody'),
      row(exec('1'), 'approved', '2026-12-01T12:01:00.000Z', 'approved by link', 'ops@example.com'),
    ]);
    expect(r.recordsScanned).toBe(5);
    expect(r.recordsMatched).toBe(4);
  });
});

describe('queries outside the subset are refused, naming what and where', () => {
  const SUPPORTED = 'the evaluator supports SOURCE, fields, display, filter, stats, sort, dedup, limit.';
  const FUNCTIONS = 'the evaluator supports ispresent, isempty, isblank in expressions and count, count_distinct, sum, avg, min, max, latest, earliest in stats.';
  // Each case: the commands after SOURCE, and the message given `p(token)`, the 1-based position of token's first occurrence in the query.
  it.each<[string, (p: (token: string) => number) => string]>([
    ['fields a |', (p) => `The query ends after "|" at position ${p('a |') + 2}; a command must follow it.`],
    ["fields a | SOURCE '/x'", (p) => `SOURCE at position ${p('SOURCE \'/x')} must come before every other command.`],
    ['parse @message "* *" as a, b', (p) => `Unsupported command "parse" at position ${p('parse')}; ${SUPPORTED}`],
    ['unnest a into b', (p) => `Unsupported command "unnest" at position ${p('unnest')}; ${SUPPORTED}`],
    ['pattern @message', (p) => `Unsupported command "pattern" at position ${p('pattern')}; ${SUPPORTED}`],
    ['diff', (p) => `Unsupported command "diff" at position ${p('diff')}; ${SUPPORTED}`],
    ['select a', (p) => `Unknown command "select" at position ${p('select')}; ${SUPPORTED}`],
    ['stats count(*) by bin(5m)', (p) => `Unsupported function bin() at position ${p('bin')} in stats ... by (only field names are allowed there).`],
    ['stats pct(v, 90)', (p) => `Unsupported aggregation function pct() at position ${p('pct')}; the evaluator supports count, count_distinct, sum, avg, min, max, latest, earliest.`],
    ['stats sum(v * 2)', (p) => `Expected ")" after the argument of sum(), found "*" at position ${p('*')}.`],
    ['filter strlen(a) > 3', (p) => `Unsupported function strlen() at position ${p('strlen')}; ${FUNCTIONS}`],
    ['filter count(a) > 3', (p) => `Unsupported function count() outside stats at position ${p('count')}; ${FUNCTIONS}`],
    ['fields /^a/', (p) => `Unsupported "/" at position ${p('/^')} where a value was expected (a /regex/ is only allowed after like or =~).`],
    ['fields a > 1', (p) => `fields at position ${p('a >')} takes values, not conditions (found ">" at position ${p('>')}).`],
    ['filter a', (p) => `filter at position ${p('filter')} needs a condition (a comparison, in, like, =~ or ispresent/isempty/isblank), found "a".`],
    ['filter a not like /x/', (p) => `Unsupported "not like" at position ${p('not')} (only "not in" follows a value; write "not (f like /x/)").`],
    ['filter a =~ "x"', (p) => `"=~" at position ${p('=~')} takes a /regex/, found ""x"" at position ${p('"x"')}.`],
    ['filter a like /x/i', (p) => `Unsupported regular expression flags after /x/ at position ${p('/i') + 1} (use a leading (?i) for case-insensitive matching).`],
    ['filter a = "x', (p) => `Unterminated string starting at position ${p('"x')}.`],
    ['filter a = 1 # "x\n| limit ?', (p) => `Unsupported character "?" at position ${p('?')}.`],
    ['sort a', () => 'sort needs "asc" or "desc" after a, found the end of the query (the Logs Insights documentation gives no default order, so the evaluator requires it).'],
    ['limit 0', (p) => `limit takes a whole number from 1 to 10000, found "0" at position ${p('0')}.`],
    ['limit 10001', (p) => `limit takes a whole number from 1 to 10000, found "10001" at position ${p('10001')}.`],
    ['limit 2.5', (p) => `limit takes a whole number from 1 to 10000, found "2.5" at position ${p('2.5')}.`],
    ['stats count(*) as c by g | stats latest(c) as l', (p) => `latest() is not allowed in the second stats command at position ${p('stats latest')} (allowed there: count, count_distinct, sum, avg, min, max).`],
    ['stats count(*) as c by g | stats earliest(c) as e', (p) => `earliest() is not allowed in the second stats command at position ${p('stats earliest')} (allowed there: count, count_distinct, sum, avg, min, max).`],
    ['stats count(*) as c by g | stats count(*) as d by c | stats count(*) as e', (p) => `A query may have at most 2 stats commands; the stats at position ${p('stats count(*) as e')} is one more.`],
    ['filter a = 1 b = 2', (p) => `Unexpected "b" at position ${p(' b =') + 1} (commands are separated by "|").`],
  ])('%s', (rest, message) => {
    const query = q(rest);
    expect(errorOf(query)).toBe(message((token) => query.indexOf(token) + 1));
  });

  it.each([
    ['fields a', "The query must start with SOURCE '<log group name>', found \"fields\" at position 1."],
    ['SOURCE /g | fields a', 'SOURCE at position 1 takes a quoted log group name, found "/" at position 8.'],
    ["SOURCE '/g'", 'Expected "|" after the SOURCE command at position 1 (a command must follow), found the end of the query.'],
    ["SOURCE '/g' |", 'The query ends after "|" at position 13; a command must follow it.'],
  ])('%s', (query, message) => {
    expect(errorOf(query)).toBe(message);
  });

  it('runLogsInsightsQuery and sourcesOf throw the same errors', () => {
    expect(() => run(q('parse @message "*" as a'), [])).toThrow(LogsInsightsError);
    expect(() => sourcesOf('fields a')).toThrow(/must start with SOURCE/);
  });
});
