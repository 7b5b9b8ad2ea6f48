import { DEFAULT_CONTENT_DIR } from '../../../src/content';
import { contentItems, templateItem, unreached, visibleText } from '../../helpers/content-walk';

describe('the walk behind "nothing unused"', () => {
  it('takes a template’s literal text outside its conditional sections, and needs all of it in one surface', () => {
    const item = templateItem('templates/x.md', '{{! note }}\n:warning: *Rolled back {{service}}*\n{{#actor}}by {{actor}}{{/actor}}\nNext: find the root cause.');
    expect(item.fragments).toEqual([':warning: rolled back', 'next: find the root cause.']);
    expect(unreached([item], [':warning: *Rolled back* checkout\nNext: find the root cause.'])).toEqual([]);
    // Split over two messages is not the template being used.
    expect(unreached([item], [':warning: Rolled back checkout', 'Next: find the root cause.'])).toEqual([item]);
  });

  it('a template made only of cases is used when one case is shown', () => {
    const item = templateItem('templates/y.md', '{{#quiet}}\n:ok: *Deployment complete* {{service}}\n{{/quiet}}\n{{#breached}}\n:x: Not healthy: {{breached}}\n{{/breached}}');
    expect(item.alternatives).toEqual([[':ok: deployment complete'], [':x: not healthy:']]);
    expect(unreached([item], [':x: Not healthy: errors 7 %'])).toEqual([]);
    expect(unreached([item], ['something else'])).toEqual([item]);
  });

  it('reads what a person sees: button values, ids and metadata do not count; a cut option reads on into its description', () => {
    const payload = { blocks: [{ type: 'actions', block_id: 'Hidden words here', elements: [{ type: 'checkboxes', options: [{ value: 'Secret value text', description: { type: 'plain_text', text: '…to 2 hours' }, text: { type: 'plain_text', text: 'a possible one up…' } }] }] }] };
    const seen = visibleText(payload);
    expect(seen).not.toContain('Secret value text');
    expect(seen).not.toContain('Hidden words here');
    expect(unreached([{ source: 's', fragments: ['a possible one up to 2 hours'] }], [seen])).toEqual([]);
  });

  it('walks every kind of content in the shipped directory', () => {
    const sources = new Set(contentItems(DEFAULT_CONTENT_DIR).map((item) => item.source.split(':')[0]));
    for (const expected of ['templates/slack-initial.md', 'templates/statuspage-resolved.md', 'runbooks/deployment.md', 'checklists/post-incident.yaml', 'drills/bad-deploy.yaml', 'severities.yaml', 'policy.yaml']) {
      expect(sources).toContain(expected);
    }
  });
});
