import { PassThrough } from 'node:stream';
import { paint } from '../render';
import { Prompter } from '../setup/prompt';

// The prompt helper over plain streams, as a pipe would feed it; the terminal case runs in
// setup.int.test.ts through a real pseudo-terminal.

function conversation(colors = false) {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
  const prompter = new Prompter(input, output, paint(colors));
  return {
    prompter,
    type: (...lines: string[]) => input.write(lines.map((line) => `${line}\n`).join('')),
    end: () => input.end(),
    shown: () => shown,
  };
}

const MODES = [
  { value: 'local', label: 'Local' },
  { value: 'self-hosted', label: 'Self-hosted' },
  { value: 'cloud', label: 'Cloud' },
] as const;

describe('Prompter', () => {
  it('takes a choice by number or by name, the default on Enter, and asks again otherwise', async () => {
    const c = conversation();
    c.type('7', 'cloud');
    await expect(c.prompter.select('Where?', MODES, 'local')).resolves.toBe('cloud');
    expect(c.shown()).toContain('? Where?\n  1) Local\n  2) Self-hosted\n  3) Cloud\n');
    expect(c.shown()).toContain('✖ answer with a number from 1-3');
    c.type('2', '');
    await expect(c.prompter.select('Where?', MODES, 'local')).resolves.toBe('self-hosted');
    await expect(c.prompter.select('Where?', MODES, 'cloud')).resolves.toBe('cloud');
    c.prompter.close();
  });

  it('gives the default on Enter, checks answers, and lets an optional question be left empty', async () => {
    const c = conversation();
    c.type('', 'bad address', 'host:7233', '', 'none');
    await expect(c.prompter.text({ message: 'Address', default: 'localhost:7233' })).resolves.toBe('localhost:7233');
    const validate = (answer: string) => (answer.includes(' ') ? 'no spaces, please' : undefined);
    await expect(c.prompter.text({ message: 'Address', validate })).resolves.toBe('host:7233');
    expect(c.shown()).toContain('✖ no spaces, please');
    await expect(c.prompter.text({ message: 'Server name', optional: true })).resolves.toBe('');
    await expect(c.prompter.text({ message: 'CA file', optional: true, default: 'ca.pem' })).resolves.toBe('');
    expect(c.shown()).toContain('? Server name [none]: ');
    c.prompter.close();
  });

  it('needs an answer when there is no default, and reads yes and no', async () => {
    const c = conversation();
    c.type('', 'x', 'maybe', 'n', '');
    await expect(c.prompter.text({ message: 'Namespace' })).resolves.toBe('x');
    expect(c.shown()).toContain('✖ an answer is needed here');
    await expect(c.prompter.confirm('Write?')).resolves.toBe(false);
    expect(c.shown()).toContain('✖ answer y or n');
    await expect(c.prompter.confirm('Write?')).resolves.toBe(true);
    c.prompter.close();
  });

  it('ends the conversation when the input ends', async () => {
    const c = conversation();
    const asked = c.prompter.text({ message: 'Namespace' });
    c.end();
    await expect(asked).rejects.toMatchObject({ name: 'PromptCancelled' });
    expect(c.prompter.cancelled).toBe(true);
  });

  it('is plain without colours and bold with them', async () => {
    const plain = conversation(false);
    plain.type('a');
    await plain.prompter.text({ message: 'Name' });
    expect(plain.shown()).not.toContain('\u001b[');
    plain.prompter.close();
    const coloured = conversation(true);
    coloured.type('a');
    await coloured.prompter.text({ message: 'Name' });
    expect(coloured.shown()).toContain('\u001b[1m?\u001b[22m Name');
    coloured.prompter.close();
  });
});
