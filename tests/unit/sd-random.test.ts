// The seed machinery against values published by others: the MT19937 reference outputs, CPython's
// `random` outputs, and real PyTorch `torch.randn` outputs quoted in public code.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Mt19937 } from '../../src/pipelines/stable-diffusion/random/mt19937.ts';
import { PythonRandom } from '../../src/pipelines/stable-diffusion/random/python-random.ts';
import { batchSeeds, initialNoise, seedToInt } from '../../src/pipelines/stable-diffusion/random/seeds.ts';
import { sha512 } from '../../src/pipelines/stable-diffusion/random/sha512.ts';
import { TorchGenerator } from '../../src/pipelines/stable-diffusion/random/torch-generator.ts';

const f32 = (values: number[]): number[] => values.map(Math.fround);

describe('MT19937', () => {
  it('matches the reference outputs for the default seed 5489 (C++ std::mt19937: 10000th = 4123659995)', () => {
    const mt = new Mt19937();
    const first = Array.from({ length: 5 }, () => mt.nextU32());
    expect(first).toEqual([3499211612, 581869302, 3890346734, 3586334585, 545404204]);
    for (let i = 5; i < 9999; i++) mt.nextU32();
    expect(mt.nextU32()).toBe(4123659995);
  });

  it('matches mt19937ar.out for init_by_array({0x123, 0x234, 0x345, 0x456})', () => {
    const mt = Mt19937.fromKey([0x123, 0x234, 0x345, 0x456]);
    expect(Array.from({ length: 5 }, () => mt.nextU32())).toEqual([1067595299, 955945823, 477289528, 4107218783, 4228976476]);
  });
});

describe('SHA-512', () => {
  it('gives the FIPS 180-2 digest of "abc"', () => {
    const hex = Buffer.from(sha512(new TextEncoder().encode('abc'))).toString('hex');
    expect(hex).toBe('ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f');
  });

  it('agrees with node:crypto across block boundaries and non-ASCII text', () => {
    for (const text of ['', 'a'.repeat(111), 'a'.repeat(112), 'b'.repeat(239), 'ünïcødé ✓ 海']) {
      const ours = Buffer.from(sha512(new TextEncoder().encode(text))).toString('hex');
      expect(ours).toBe(createHash('sha512').update(text, 'utf8').digest('hex'));
    }
  });
});

describe('CPython random', () => {
  // Widely quoted outputs of CPython 3 (random.seed(n); random.random()).
  it('reproduces random.random() for integer seeds', () => {
    expect(new PythonRandom(0).random()).toBe(0.8444218515250481);
    expect(new PythonRandom(42).random()).toBe(0.6394267984578837);
    const r = new PythonRandom(18485);
    expect([r.random(), r.random(), r.random()]).toEqual([0.6797936184081204, 0.9122712611873796, 0.12926723301605425]);
  });

  it("reproduces random.seed('slartibartfast') (string seeds: UTF-8 + SHA-512 as one integer)", () => {
    const r = new PythonRandom('slartibartfast');
    expect([r.random(), r.random(), r.random()]).toEqual([0.7725766895236029, 0.850635131875668, 0.11481894112205038]);
  });

  it('randint(0, 2**32 − 1) is the first draw whose next draw is below 2**31 (getrandbits(33) rejection)', () => {
    // random() = (draw1 >> 5) / 2**27 + (draw2 >> 6) / 2**53, so the published values give the
    // top bits of each draw: enough to check the rejection rule and the top 27 bits of the result.
    const pairs = [0.7725766895236029, 0.850635131875668, 0.11481894112205038].map((value) => {
      const bits = value * 2 ** 53;
      return { top27: Math.floor(bits / 2 ** 26), secondTopBit: Math.floor((bits % 2 ** 26) / 2 ** 25) };
    });
    const accepted = pairs.find((pair) => pair.secondTopBit === 0);
    expect(accepted, "one of the three published pairs is accepted").toBeDefined();
    const n = new PythonRandom('slartibartfast').randint(0n, 2n ** 32n - 1n);
    expect(Number(n >> 5n)).toBe(accepted!.top27);
  });
});

describe('nataili seed rules', () => {
  it('keeps integers, parses digit strings, hashes other strings, draws when missing', () => {
    expect(seedToInt(1234)).toBe(1234);
    expect(seedToInt(-7)).toBe(-7);
    expect(seedToInt('00123')).toBe(123);
    expect(seedToInt('4294967296')).toBe(1); // 2**32 >> 32
    expect(seedToInt('18446744073709551617')).toBe(1); // (2**64 + 1) >> 64
    const hashed = seedToInt('slartibartfast');
    expect(hashed).toBe(Number(new PythonRandom('slartibartfast').randint(0n, 2n ** 32n - 1n)));
    expect(seedToInt('slartibartfast')).toBe(hashed);
    expect(seedToInt('-5')).not.toBe(-5); // not all digits: hashed, as Python's isdigit says
    expect(seedToInt(undefined, () => 77)).toBe(77);
    expect(seedToInt('', () => 78)).toBe(78);
    const drawn = seedToInt(null);
    expect(Number.isInteger(drawn) && drawn >= 0 && drawn < 2 ** 32).toBe(true);
    expect(() => seedToInt(1.5)).toThrow(/whole number/);
  });

  it('gives image i of a batch the seed + i and noise from its own manual_seed', () => {
    expect(batchSeeds(41, 3)).toEqual([41, 42, 43]);
    const { noise } = initialNoise([0, 1], 27);
    expect(Array.from(noise.subarray(0, 27))).toEqual(Array.from(new TorchGenerator(0).randn(27)));
    expect(Array.from(noise.subarray(27))).toEqual(Array.from(new TorchGenerator(1).randn(27)));
  });
});

describe('torch.manual_seed(s); torch.randn(n) on the CPU', () => {
  it('small tensors (< 16): the double Box–Muller path with a cached second value', () => {
    // torch.manual_seed(0); torch.randn(7).tolist(), as quoted in several public test files; the
    // first four also as float32 bit patterns 0x3FC53F5C 0xBE963C50 0xC00B7149 0x3F1184B6.
    const values = new TorchGenerator(0).randn(7);
    expect(Array.from(values)).toEqual(f32([1.5409960746765137, -0.293428897857666, -2.1787893772125244, 0.5684312582015991, -1.0845223665237427, -1.3985954523086548, 0.40334683656692505]));
    expect(Array.from(new Uint32Array(values.buffer, 0, 4))).toEqual([0x3fc53f5c, 0xbe963c50, 0xc00b7149, 0x3f1184b6]);
  });

  it('27 elements: blocks of 16 plus a recomputed tail, bit for bit (torch.manual_seed(0); torch.randn(3, 9))', () => {
    const expected = f32([
      -1.1258398294448853, -1.152360200881958, -0.2505785822868347, -0.4338788092136383, 0.8487103581428528, 0.6920091509819031, -0.31601276993751526, -2.1152193546295166, 0.32227492332458496,
      -1.2633347511291504, 0.34998318552970886, 0.26604941487312317, 0.16645534336566925, 0.8743818402290344, -0.14347384870052338, -0.1116093322634697, -0.6135830879211426, 0.03159274160861969,
      -0.4926769733428955, 0.05373690277338028, 0.6180566549301147, -0.41280221939086914, -0.8410648107528687, -2.316041946411133, -0.10230965167284012, 0.7924439907073975, -0.28966769576072693,
    ]);
    expect(Array.from(new TorchGenerator(0).randn(27))).toEqual(expected);
  });

  it('one stream through randint, the small path and the vector path (llm.c rand.h, seed 137)', () => {
    // PyTorch reference printed in karpathy/llm.c: five torch.randint(0, 0xFFFFFFFF, [1]), a
    // normal_() of 8, a randint, a normal_() of 16, a randint.
    const g = new TorchGenerator(137);
    expect(Array.from({ length: 5 }, () => g.random())).toEqual([4053805790, 2173880614, 380293709, 1237255315, 2986595568]);
    expect(Array.from(g.randn(8))).toEqual(f32([0.7947664260864258, 1.4369317293167114, -0.2292192131280899, 0.47556325793266296, -0.6334410905838013, -0.5791953802108765, -0.0925704762339592, -0.8659197092056274]));
    expect(g.random()).toBe(2186503452);
    expect(Array.from(g.randn(16))).toEqual(
      f32([-1.2813878059387207, -2.646395683288574, -0.06569503247737885, 0.2180829495191574, -0.46536165475845337, -0.33108410239219666, 2.5485482215881348, 0.10425379872322083, 0.8460659980773926, 0.9462448358535767, -0.2913765013217926, 0.34313806891441345, -1.1186704635620117, -0.18305328488349915, -2.3153159618377686, 0.3961987793445587]),
    );
    expect(g.random()).toBe(2756748748);
  });

  it('the AVX2 path is the one real x86 PyTorch runs: the portable float path differs in the last bits', () => {
    const avx = new TorchGenerator(0).randn(27);
    const portable = new TorchGenerator(0, 'scalar').randn(27);
    let differing = 0;
    for (let i = 0; i < 27; i++) {
      if (avx[i] !== portable[i]) differing++;
      expect(Math.abs(avx[i]! - portable[i]!)).toBeLessThan(1e-5);
    }
    expect(differing).toBeGreaterThan(0);
  });

  it('manual_seed resets the cached normal; seeds keep their low 32 bits', () => {
    const g = new TorchGenerator(0);
    g.randn(1); // leaves the sine half of the pair cached
    g.manualSeed(0);
    expect(g.randn(1)[0]).toBe(Math.fround(1.5409960746765137));
    expect(Array.from(new TorchGenerator(2 ** 32 + 5).randn(20))).toEqual(Array.from(new TorchGenerator(5).randn(20)));
    expect(Array.from(new TorchGenerator(-1).randn(20))).toEqual(Array.from(new TorchGenerator(2 ** 32 - 1).randn(20)));
  });

  it('latent-sized draws are standard normal', () => {
    const values = new TorchGenerator(1234).randn(4 * 64 * 64);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.04);
  });
});
