// Options every fixture builder takes: the seed decides every weight, so one seed gives
// byte-identical files and two seeds give different ones.

export const DEFAULT_SEED = 1234;

export interface SeedOption {
  seed?: number;
}
