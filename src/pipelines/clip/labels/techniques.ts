// How it was made: brush and print techniques, photographic processes, rendering terms.
export const TECHNIQUES: readonly string[] = [
  'impasto', 'glazing', 'sfumato', 'chiaroscuro', 'tenebrism', 'scumbling', 'dry brush', 'wet-on-wet',
  'palette knife', 'cross-hatching', 'stippling', 'sgraffito', 'encaustic', 'gold leaf', 'drip painting',
  'splatter paint', 'color blocking', 'line art', 'flat shading', 'cel shading', 'halftone', 'risograph',
  'lithography', 'monotype', 'frottage', 'decalcomania', 'marbling', 'batik', 'kintsugi', "trompe-l'oeil",
  'anamorphosis', 'double exposure', 'long exposure', 'light painting', 'tilt-shift', 'HDR',
  'infrared photography', 'cyanotype', 'daguerreotype', 'tintype', 'ray tracing', 'subsurface scattering',
  'photobashing', 'digital sculpting', 'dithering', 'glitch art', 'chromatic aberration', 'lens flare',
];
