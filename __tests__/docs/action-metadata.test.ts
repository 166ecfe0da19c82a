import { readActionMetadata } from './action-metadata.js';

describe('action.yml', () => {
  const metadata = readActionMetadata();

  it('has a description the Marketplace accepts (125 characters at most)', () => {
    expect(metadata.description.trim()).not.toBe('');
    expect(metadata.description.length).toBeLessThanOrEqual(125);
  });

  it('has a name and declares the inputs the docs test checks against', () => {
    expect(metadata.name).not.toBe('');
    expect(metadata.inputs.has('command')).toBe(true);
    expect(metadata.inputs.has('reference')).toBe(true);
  });
});
