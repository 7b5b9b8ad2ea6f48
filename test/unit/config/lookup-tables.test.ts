import { parseConfigText } from '../../../src/config/file';
import { normaliseSeverity } from '../../../src/domain/alerts/model';

const WORDS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

describe('words from outside never find something on a prototype', () => {
  const config = parseConfigText(
    `
services:
  checkout: { channel: "#checkout-alerts" }
github:
  repositories: { acme/checkout: checkout }
`,
    'test',
    {},
  );

  it.each(WORDS)('config.services[%s] and github.repositories[%s] are absent', (word) => {
    expect(config.services[word]).toBeUndefined();
    expect(config.github.repositories[word]).toBeUndefined();
    expect(Object.hasOwn(config.services, word)).toBe(false);
  });

  it('the tables still hold what the file says', () => {
    expect(Object.keys(config.services)).toEqual(['checkout']);
    expect(config.services.checkout?.channel).toBe('#checkout-alerts');
    expect(config.github.repositories['acme/checkout']).toBe('checkout');
  });

  it.each(WORDS)('an alert severity %s stays the word itself', (word) => {
    expect(normaliseSeverity(word)).toBe(word.toLowerCase());
  });
});
