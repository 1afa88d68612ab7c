import { describe, expect, it } from 'vitest';
import { corpusDir, loadCase, loadIndex } from './corpus.ts';
import { SKIPS } from './skips.ts';

describe('the skip list', () => {
  it('names only cases that exist in the corpus', () => {
    const ids = new Set(loadIndex().map((r) => r.id));
    const unknown = [...SKIPS.keys()].filter((id) => !ids.has(id));
    expect(unknown, `skipped ids not in ${corpusDir()}/index.json`).toEqual([]);
  });

  it('skips a case only for a need its metadata still declares', () => {
    const stale = [...SKIPS]
      .filter(([id, skip]) => !loadCase(id).meta.needs.includes(skip.need))
      .map(([id]) => id);
    expect(stale).toEqual([]);
  });

  it('skips no case that needs nothing beyond Step Functions', () => {
    const selfContained = [...SKIPS.keys()].filter((id) => loadCase(id).meta.needs.length === 0);
    expect(selfContained).toEqual([]);
  });
});
