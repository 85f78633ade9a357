import { documentedFiles, readDocument, shellBlocks, shown } from './markdown-blocks';

const fence = '```';

describe('the markers of shell blocks in the docs', () => {
  it('runs an unmarked block, expecting exit 0 and the text block right after it as its output', () => {
    const { blocks, problems } = shellBlocks(`Run it:\n\n${fence}sh\naidp --help\n${fence}\n\n${fence}text\nAIDP\n${fence}\n`);

    expect(problems).toEqual([]);
    expect(blocks).toMatchObject([{ kind: 'run', exitCode: 0, expectedOutput: 'AIDP', block: { code: 'aidp --help', line: 3 } }]);
  });

  it('takes the exit code from a run marker, and no output from a text block after prose', () => {
    const { blocks } = shellBlocks(`<!-- run: exit 2 -->\n${fence}bash\naidp nope\n${fence}\nIt prints:\n${fence}text\nUsage\n${fence}\n`);

    expect(blocks).toMatchObject([{ kind: 'run', exitCode: 2, expectedOutput: undefined }]);
  });

  it('does not run a block marked not run here, and keeps its reason', () => {
    const { blocks, problems } = shellBlocks(`<!-- not run here: needs Docker -->\n${fence}sh\ndocker compose up\n${fence}\n`);

    expect(problems).toEqual([]);
    expect(blocks).toMatchObject([{ kind: 'not-run', reason: 'needs Docker' }]);
  });

  it.each([
    ['without a reason', '<!-- not run here -->'],
    ['with an empty reason', '<!-- not run here:   -->'],
    ['with an unknown marker', '<!-- skip -->'],
  ])('refuses a block marked %s', (_what, marker) => {
    const { blocks, problems } = shellBlocks(`${marker}\n${fence}sh\ndocker compose up\n${fence}\n`);

    expect(blocks).toEqual([]);
    expect(problems).toEqual([expect.stringMatching(/^line 2: /)]);
  });

  it('ignores blocks in other languages', () => {
    expect(shellBlocks(`${fence}yaml\na: 1\n${fence}\n${fence}ts\nlet a = 1;\n${fence}\n`).blocks).toEqual([]);
  });

  it.each(documentedFiles().map((file) => [shown(file), file]))('%s marks its shell blocks correctly', (_name, file) => {
    expect(shellBlocks(readDocument(file)).problems).toEqual([]);
  });
});
