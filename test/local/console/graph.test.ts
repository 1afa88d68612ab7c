import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderGraph, type StateMark } from '../../../local/console/graph.ts';
import { escapeHtml } from '../../../local/console/html.ts';

const root = join(import.meta.dirname, '../../..');

type Json = Record<string, unknown>;

function definitions(): [string, Json][] {
  return readdirSync(join(root, 'workflows'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(root, 'workflows', entry.name, 'definition.asl.json'))
    .flatMap((file) => {
      try {
        return [[file, JSON.parse(readFileSync(file, 'utf8')) as Json] as [string, Json]];
      } catch {
        return [];
      }
    });
}

/** Every state's path in a definition, the way the marks name them. */
function paths(machine: Json, prefix = ''): string[] {
  const states = (machine.States ?? {}) as Record<string, Json>;
  return Object.entries(states).flatMap(([name, state]) => {
    const path = `${prefix}${name}`;
    const processor = (state.ItemProcessor ?? state.Iterator) as Json | undefined;
    const inner =
      state.Type === 'Map' && processor
        ? paths(processor, `${path}/`)
        : state.Type === 'Parallel'
          ? ((state.Branches ?? []) as Json[]).flatMap((branch, i) => paths(branch, `${path}/${i}/`))
          : [];
    return [path, ...inner];
  });
}

interface Placed {
  readonly container: boolean;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

function fromHtml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The state boxes drawn in the SVG, by path (`data-path`). */
function boxes(svg: string): Map<string, Placed> {
  const found = new Map<string, Placed>();
  const pattern =
    /<(?:g|a) class="(node[^"]*)" data-path="([^"]*)"[^>]*>(?:<title>[^<]*<\/title>)?<rect class="node-box" x="([-\d.]+)" y="([-\d.]+)" width="([-\d.]+)" height="([-\d.]+)"/g;
  for (const m of svg.matchAll(pattern))
    found.set(decodeURIComponent(fromHtml(m[2] ?? '')), {
      container: (m[1] ?? '').split(' ').includes('container'),
      x: Number(m[3]),
      y: Number(m[4]),
      width: Number(m[5]),
      height: Number(m[6]),
    });
  return found;
}

function inside(inner: Placed, outer: Placed): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  );
}

describe('renderGraph', () => {
  const real = definitions();

  it('finds the workflows’ definitions', () => {
    expect(real.length).toBeGreaterThan(0);
  });

  it.each(real)('draws %s: every state, each nested one inside its container', async (_file, definition) => {
    const html = await renderGraph(definition, { title: 'Definition' });
    expect(html).toMatch(/^<figure class="graph">/);
    expect(html).toContain(
      '<svg xmlns="http://www.w3.org/2000/svg" class="graph-svg" role="group" aria-label="Definition"',
    );
    expect(html).not.toMatch(/\sstyle=/);
    const drawn = boxes(html);
    const all = paths(definition);
    for (const path of all) {
      const name = path.split('/').at(-1) ?? '';
      expect(html).toContain(`<title>${escapeHtml(name)} (`);
      expect(drawn.has(path), path).toBe(true);
    }
    expect(drawn.size).toBe(all.length);
    for (const [path, box] of drawn) {
      expect(box.width).toBeGreaterThan(0);
      const parents = [...drawn.entries()].filter(([p, b]) => b.container && path.startsWith(`${p}/`));
      for (const [parent, outer] of parents) expect(inside(box, outer), `${path} in ${parent}`).toBe(true);
    }
  });

  it('draws a Map (ItemProcessor or legacy Iterator) and a Parallel as containers, nested', async () => {
    const leaf = { Type: 'Pass', End: true };
    const definition = {
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Parallel',
          Next: 'Each',
          Branches: [
            { StartAt: 'A', States: { A: leaf } },
            {
              StartAt: 'Inner',
              States: {
                Inner: { Type: 'Map', End: true, ItemProcessor: { StartAt: 'Deep', States: { Deep: leaf } } },
              },
            },
          ],
        },
        Each: { Type: 'Map', End: true, Iterator: { StartAt: 'Item', States: { Item: leaf } } },
      },
    };
    const html = await renderGraph(definition, { title: 'Nested' });
    const drawn = boxes(html);
    expect([...drawn.keys()].sort()).toEqual([
      'Each',
      'Each/Item',
      'Fan',
      'Fan/0/A',
      'Fan/1/Inner',
      'Fan/1/Inner/Deep',
    ]);
    const get = (path: string) => drawn.get(path) as Placed;
    expect(get('Fan').container).toBe(true);
    expect(get('Fan/1/Inner').container).toBe(true);
    expect(inside(get('Fan/1/Inner/Deep'), get('Fan/1/Inner'))).toBe(true);
    expect(inside(get('Fan/1/Inner'), get('Fan'))).toBe(true);
    expect(inside(get('Each/Item'), get('Each'))).toBe(true);
    expect(html).toContain('>Branch 1</text>');
    expect(html).toContain('>Branch 2</text>');
    // Edges come from ELK's sections, with the arrowhead marker defined once.
    expect(html).toMatch(/<marker id="(graph-arrow-[0-9a-f]+)"/);
    const marker = html.match(/<marker id="([^"]+)"/)?.[1];
    expect(html).toMatch(
      new RegExp(`<path class="edge edge-next" d="M[\\d. LM-]+" marker-end="url\\(#${marker}\\)"/>`),
    );
  });

  it('labels Choice rules, Default and Catch edges (Catch dashed by class), End and Fail lead to End', async () => {
    const long = '{% $states.input.amount > 1000 and $states.input.currency = "EUR" %}';
    const html = await renderGraph(
      {
        StartAt: 'Pick',
        States: {
          Pick: {
            Type: 'Choice',
            Choices: [
              { Condition: long, Next: 'Work' },
              { Variable: '$.x', IsPresent: true, Next: 'Fail' },
            ],
            Default: 'Fail',
          },
          Work: {
            Type: 'Task',
            Resource: 'arn:x',
            End: true,
            Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Fail' }],
          },
          Fail: { Type: 'Fail' },
        },
      },
      { title: 'Choices' },
    );
    expect(html).toContain(`>${escapeHtml([...long].slice(0, 29).join(''))}…</text>`);
    expect(html).toContain(`<title>${escapeHtml(long)}</title>`);
    expect(html).toContain('>Rule 2</text>');
    expect(html).toContain('>Default</text>');
    expect(html).toContain('<g class="edge-label edge-label-catch">');
    expect(html).toContain('>States.Timeout</text>');
    expect(html).toContain('<path class="edge edge-catch"');
    expect(html.match(/<path class="edge edge-end"/g)).toHaveLength(2);
    expect(html).toContain('>Start</text>');
    expect(html).toContain('>End</text>');
  });

  it('colours marked states by class, with a sign, words in the accessible name and a legend', async () => {
    const definition = {
      StartAt: 'Load',
      States: {
        Load: { Type: 'Task', Resource: 'arn:x', Next: 'Each' },
        Each: {
          Type: 'Map',
          Next: 'Done',
          ItemProcessor: {
            StartAt: 'Item',
            States: { Item: { Type: 'Task', Resource: 'arn:x', End: true } },
          },
        },
        Done: { Type: 'Succeed' },
      },
    };
    const marks = new Map<string, StateMark>([
      ['Load', { status: 'succeeded', label: '2 retries' }],
      ['Each', { status: 'running', label: '3 of 4 iterations' }],
      ['Each/Item', { status: 'caught' }],
      ['Done', { status: 'not-run' }],
    ]);
    const html = await renderGraph(definition, { title: 'Run', marks });
    expect(html).toContain(
      '<g class="node type-state status-succeeded" data-path="Load" aria-label="Load, Task, 2 retries, Succeeded">',
    );
    expect(html).toContain('class="node container type-map status-running" data-path="Each"');
    expect(html).toContain(
      '<g class="node-header status-running" data-path="Each" aria-label="Each, Map, 3 of 4 iterations, Running">',
    );
    expect(html).toContain('aria-label="Item, Task, Failed, error caught"');
    expect(html).toContain('aria-label="Done, Succeed, Not run"');
    expect(html).toContain('<tspan class="node-sign" aria-hidden="true">✓</tspan>');
    expect(html).toContain('>2 retries</text>');
    expect(html).toContain('>3 of 4 iterations</text>');
    expect(html).toContain('<ul class="graph-legend" aria-label="Legend">');
    for (const words of [
      'Succeeded',
      'Failed',
      'Failed, error caught',
      'Running',
      'Waiting',
      'Aborted',
      'Retried',
      'Not run',
    ])
      expect(html).toContain(`</span>${words}</li>`);
  });

  it('leaves out a status it does not know rather than put it in a class', async () => {
    const marks = new Map([['A', { status: '"><script>' as StateMark['status'] }]]);
    const html = await renderGraph(
      { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
      { title: 'T', marks },
    );
    expect(html).toContain('<g class="node type-state" data-path="A" aria-label="A, Pass">');
    expect(html).not.toContain('<script>');
  });

  it('makes states links when asked, escaped, and marks the selected one', async () => {
    const definition = {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Next: 'M' },
        M: {
          Type: 'Map',
          End: true,
          ItemProcessor: { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } },
        },
      },
    };
    const html = await renderGraph(definition, {
      title: 'Links',
      link: (path) => `/executions/x?state=${encodeURIComponent(path)}&tab=graph`,
      selected: 'M/B',
    });
    expect(html).toContain(
      '<a class="node type-state" data-path="A" href="/executions/x?state=A&amp;tab=graph" aria-label="A, Pass">',
    );
    expect(html).toContain('<a class="node-header" data-path="M" href="/executions/x?state=M&amp;tab=graph"');
    expect(html).toContain(
      '<a class="node type-state selected" data-path="M%2FB" href="/executions/x?state=M%2FB&amp;tab=graph" aria-label="B, Pass" aria-current="true">',
    );
    expect(html.match(/aria-current/g)).toHaveLength(1);
    // Links never nest: a container's link is its header only.
    expect(html).not.toMatch(/<a [^>]*>(?:(?!<\/a>).)*<a /s);

    const plain = await renderGraph(definition, { title: 'Plain' });
    expect(plain).not.toContain('<a ');
  });

  it('escapes hostile state names, types, conditions and titles, and shows control characters', async () => {
    const script = '<script>alert(1)</script>';
    const bidi = 'evil\u202Etxt.exe';
    const html = await renderGraph(
      {
        StartAt: script,
        States: {
          [script]: {
            Type: 'Choice',
            Choices: [{ Condition: '{% "<img src=x onerror=alert(1)>" %}', Next: bidi }],
            Default: bidi,
          },
          [bidi]: {
            Type: '<b>Task</b>',
            End: true,
            Catch: [{ ErrorEquals: ['"><svg onload=x>'], Next: script }],
          },
        },
      },
      { title: '<i>title</i>', marks: new Map([[bidi, { status: 'failed', label: '<u>x</u>' }]]) },
    );
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('<i>');
    expect(html).not.toContain('<u>');
    expect(html).not.toContain('<svg onload');
    expect(html).not.toContain('\u202E');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('evil\uFFFDtxt.exe');
    expect(html).toContain('aria-label="&lt;i&gt;title&lt;/i&gt;"');
    expect(html).toContain(
      'aria-label="evil\uFFFDtxt.exe, &lt;b&gt;Task&lt;/b&gt;, &lt;u&gt;x&lt;/u&gt;, Failed"',
    );
  });

  it('cuts a long name with an ellipsis and keeps the whole name in its <title>', async () => {
    const name = 'A'.repeat(80);
    const html = await renderGraph(
      { StartAt: name, States: { [name]: { Type: 'Pass', End: true } } },
      { title: 'T' },
    );
    expect(html).toContain(`<tspan>${'A'.repeat(31)}…</tspan>`);
    expect(html).toContain(`<title>${name} (Pass)</title>`);
  });

  it('says so when the definition has no states', async () => {
    expect(await renderGraph({}, { title: 'Empty' })).toContain('The definition has no states to draw.');
    expect(await renderGraph('not a definition', { title: 'Empty' })).toContain('class="graph-empty"');
  });

  it('lays out 100 states', async () => {
    const states: Record<string, Json> = {};
    for (let i = 0; i < 100; i++) {
      const next = `State ${i + 1}`;
      states[`State ${i}`] =
        i === 99
          ? { Type: 'Succeed' }
          : i % 10 === 3
            ? {
                Type: 'Choice',
                Choices: [{ Condition: '{% $x > 1 %}', Next: next }],
                Default: `State ${Math.min(i + 5, 99)}`,
              }
            : {
                Type: 'Task',
                Resource: 'arn:x',
                Next: next,
                ...(i % 7 === 0 ? { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'State 99' }] } : {}),
              };
    }
    const definition = { StartAt: 'State 0', States: states };
    await renderGraph(definition, { title: 'Warm-up' }); // ELK loads and the JIT warms on the first call
    const times: string[] = [];
    let html = '';
    for (let run = 0; run < 3; run++) {
      const start = performance.now();
      const cpu = process.cpuUsage();
      html = await renderGraph(definition, { title: 'Big' });
      const used = process.cpuUsage(cpu);
      times.push(
        `${(performance.now() - start).toFixed(0)} ms (CPU ${((used.user + used.system) / 1000).toFixed(0)} ms)`,
      );
    }
    // Wall time depends on the machine's load; the CPU time is what the layout costs.
    console.log(`100 states, after a warm-up call: ${times.join(', ')}`);
    expect(boxes(html).size).toBe(100);
  });
});

describe('graph.css', () => {
  const css = readFileSync(join(root, 'local/console/assets/graph.css'), 'utf8');

  function luminance(hex: string): number {
    const [r, g, b] = [1, 3, 5].map((i) => {
      const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }

  function contrast(a: string, b: string): number {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
    return (hi + 0.05) / (lo + 0.05);
  }

  const statuses = ['succeeded', 'failed', 'caught', 'running', 'waiting', 'aborted', 'retried', 'not-run'];

  it.each(statuses)('gives %s text and sign AA contrast (4.5:1) on its fill', (status) => {
    const rule = css.match(new RegExp(`\\.graph \\.status-${status} \\{([^}]*)\\}`))?.[1] ?? '';
    const fill = rule.match(/--node-fill: (#[0-9a-f]{6})/)?.[1];
    const stroke = rule.match(/--node-stroke: (#[0-9a-f]{6})/)?.[1];
    expect(fill, status).toBeDefined();
    expect(stroke, status).toBeDefined();
    const text = css.match(/\.graph \.node-name \{[^}]*fill: (#[0-9a-f]{6})/)?.[1] as string;
    const small = css.match(
      /\.graph \.node-type,\s*\.graph \.node-note \{[^}]*fill: (#[0-9a-f]{6})/,
    )?.[1] as string;
    for (const colour of [text, small, stroke as string])
      expect(contrast(colour, fill as string), `${colour} on ${fill}`).toBeGreaterThanOrEqual(4.5);
  });
});
