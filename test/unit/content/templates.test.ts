import { checkTemplate, templateTags } from '../../../src/content/templates';

describe('templateTags', () => {
  it('finds every kind of variable, nested, by root name', () => {
    const text = '{{a}} {{{b}}} {{&c}} {{#d}}{{e.f}}{{^g}}{{.}}{{/g}}{{/d}} {{! comment }} {{> part}}';
    expect(templateTags(text)).toEqual({ variables: ['a', 'b', 'c', 'd', 'e', 'g'], partials: ['part'], unescaped: ['b', 'c'] });
  });
});

describe('checkTemplate', () => {
  it('accepts a template with the required placeholders', () => {
    expect(checkTemplate('escalation-channel', '{{level}} {{targets}} {{reason}}{{#age}} {{age}}{{/age}}')).toEqual([]);
  });

  it('names unknown and missing placeholders', () => {
    const problems = checkTemplate('update-reminder', '{{commander}} {{oops}}');
    expect(problems).toEqual([
      expect.stringContaining('unknown placeholder {{oops}}'),
      'missing placeholder {{sinceLastUpdate}}',
    ]);
  });

  it('reports bad mustache syntax and partials', () => {
    expect(checkTemplate('statuspage-resolved', '{{#service}}open')).toEqual([expect.stringMatching(/^invalid mustache: Unclosed section/)]);
    expect(checkTemplate('statuspage-resolved', '{{> other}}')).toEqual(['partials are not supported ({{> other}})']);
  });

  it('refuses {{{x}}} and {{&x}}: every value is escaped, no template can insert one raw', () => {
    expect(checkTemplate('escalation-channel', '{{level}} {{{targets}}} {{&reason}}')).toEqual([
      '{{{targets}}} / {{&targets}} would insert the value unescaped; use {{targets}}',
      '{{{reason}}} / {{&reason}} would insert the value unescaped; use {{reason}}',
    ]);
  });
});
