// The ncnn .param reader on hand-written files: layer fields, scalar and array params, and the
// structural checks that catch a truncated or hand-edited file.

import { describe, expect, it } from 'vitest';
import { arrayParam, parseNcnnParam, scalarParam } from '../../scripts/ncnn/param.ts';

const sample = `7767517
4 5
Input            input.1   0 1 data
Split            split0    1 2 data a b
Convolution      conv      1 1 a c 0=8 1=3 4=1 5=1 6=216 9=2 -23310=1,2.000000e-01
Eltwise          sum       2 1 c b out 0=1 -23301=2,0.2,1
`;

describe('parseNcnnParam', () => {
  it('reads layers, blobs and params', () => {
    const net = parseNcnnParam(sample);
    expect(net.blobCount).toBe(5);
    expect(net.layers.map((l) => l.type)).toEqual(['Input', 'Split', 'Convolution', 'Eltwise']);
    const [input, split, conv, sum] = net.layers;
    expect(input!.bottoms).toEqual([]);
    expect(input!.tops).toEqual(['data']);
    expect(split!.tops).toEqual(['a', 'b']);
    expect(conv!.name).toBe('conv');
    expect(conv!.line).toBe(5);
    expect(scalarParam(conv!, 0, 0)).toBe(8);
    expect(scalarParam(conv!, 6, 0)).toBe(216);
    // -23310 is param 10 as an array: count, then values.
    expect(arrayParam(conv!, 10)).toEqual([0.2]);
    expect(arrayParam(sum!, 1)).toEqual([0.2, 1]);
    expect(sum!.bottoms).toEqual(['c', 'b']);
  });

  it('gives defaults for absent params and refuses the wrong kind', () => {
    const conv = parseNcnnParam(sample).layers[2]!;
    expect(scalarParam(conv, 11, 3)).toBe(3);
    expect(arrayParam(conv, 20, [7])).toEqual([7]);
    expect(() => scalarParam(conv, 10, 0)).toThrow(/should be a number/);
    expect(() => arrayParam(conv, 0)).toThrow(/should be an array/);
  });

  it('accepts CRLF line ends and blank lines', () => {
    const net = parseNcnnParam(sample.replace(/\n/g, '\r\n\r\n'));
    expect(net.layers).toHaveLength(4);
  });

  const broken: [string, string, RegExp][] = [
    ['a wrong magic number', sample.replace('7767517', '7767518'), /not an ncnn param file/],
    ['a wrong layer count', sample.replace('4 5', '5 5'), /header says 5 layers/],
    ['a wrong blob count', sample.replace('4 5', '4 6'), /header says 6 blobs/],
    ['a blob nothing produces', sample.replace('2 1 c b out', '2 1 c zz out'), /reads blob 'zz'/],
    ['a blob produced twice', sample.replace('1 1 a c', '1 1 a b'), /produced twice/],
    ['a short array', sample.replace('-23301=2,0.2,1', '-23301=3,0.2,1'), /declares 3 values, has 2/],
    ['a value that is not a number', sample.replace('1=3', '1=x'), /'x' is not a number/],
    ['a token without =', sample.replace('1=3', '13'), /expected id=value/],
    ['too few blobs for the counts', sample.replace('2 1 c b out', '5 1 c b out'), /fewer blobs/],
  ];
  for (const [what, text, message] of broken) {
    it(`rejects ${what}`, () => {
      expect(() => parseNcnnParam(text)).toThrow(message);
    });
  }
});
