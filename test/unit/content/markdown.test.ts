import { readStructure, splitFrontMatter } from '../../../src/content/markdown';

describe('splitFrontMatter', () => {
  it('splits the YAML block from the body', () => {
    expect(splitFrontMatter('---\nid: a\n---\n# Body\n')).toEqual({ frontMatter: 'id: a', body: '# Body\n' });
    expect(splitFrontMatter('---\r\nid: a\r\n---\r\nbody')).toEqual({ frontMatter: 'id: a', body: 'body' });
  });

  it('is undefined without front matter', () => {
    expect(splitFrontMatter('# Just markdown\n---\n')).toBeUndefined();
  });
});

describe('readStructure', () => {
  const body = [
    '# Title',
    'intro',
    '- [ ] before any section',
    '## First',
    'text',
    '### Sub',
    '- [ ] step one',
    '  * [ ] nested **step** two',
    '- [x] done, not a step',
    '```',
    '## not a heading',
    '- [ ] not a step',
    '```',
    '## Second',
    '- [ ] step three',
  ].join('\n');

  it('lists unchecked steps in order, outside code blocks', () => {
    expect(readStructure(body).steps).toEqual(['before any section', 'step one', 'nested **step** two', 'step three']);
  });

  it('splits h2 sections, keeping h3 inside them', () => {
    const { sections } = readStructure(body);
    expect(sections.map((s) => s.heading)).toEqual(['First', 'Second']);
    expect(sections[0]?.body).toContain('### Sub');
    expect(sections[0]?.body).toContain('## not a heading');
    expect(sections[1]?.body).toBe('- [ ] step three');
  });
});
